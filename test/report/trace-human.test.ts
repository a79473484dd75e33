// The human trace, terminal and Markdown: step number, thread, `function:
// step`, locks held after each step, only the changed fields old → new, the
// initial state in full grouped by object, the violating step marked with
// the invariant's description; --full-states prints every state.

import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { renderTraceMarkdown } from '../../src/report/trace-md.js';
import { renderTraceText } from '../../src/report/trace-text.js';
import { viewTrace } from '../../src/report/trace-view.js';
import { traceData, timelineFields } from '../../src/report/trace-data.js';
import { Layout } from '../../src/engine/layout.js';
import type { Model } from '../../src/engine/model.js';
import { philosophersDeadlock, toyContext } from '../export/fixtures.js';

const plain = new Chalk({ level: 0 });
const view = () => {
  const ctx = philosophersDeadlock();
  return viewTrace(ctx.model, ctx.trace, ctx.invariant, ctx.description);
};

describe('terminal trace', () => {
  it('prints the initial state grouped, then per step thread, title, changes and locks', () => {
    const text = renderTraceText(view(), plain);
    expect(text).toContain('philosopher P0: pc[0]=thinking');
    expect(text).toContain('forks: fork[0]=free  fork[1]=free  fork[2]=free');
    expect(text).toMatch(/^\s+2 P0\s+take-first\(fork=0\)$/m);
    expect(text).toContain('pc[0]: hungry → has-first  fork[0]: free → P0');
    expect(text).toContain('locks held: P0{fork[0]} P1{fork[1]}');
    expect(text).toMatch(/6 P2\s+take-first\(fork=2\) ◀ violates deadlock/);
    expect(text).toContain('some state other than a terminal one has no enabled action');
    expect(text).not.toContain('meals'.padEnd(6) + ': 0 →');
  });

  it('--full-states prints every state in full', () => {
    const text = renderTraceText(view(), plain, true);
    expect(text.match(/shared: meals=0/g)).toHaveLength(7);
  });
});

describe('Markdown trace', () => {
  it('is a pasteable table with the violation marked', () => {
    const md = renderTraceMarkdown(view(), { run: 'philosophers', model: 'philosophers', params: { N: 3, lefty: 1 } });
    expect(md).toMatch(/^### Counterexample: deadlock after 6 steps$/m);
    expect(md).toContain('**parameters:** N=3, lefty=1');
    expect(md).toContain('| forks | `fork[0]` = free, `fork[1]` = free, `fork[2]` = free |');
    expect(md).toContain('| step | thread | function: step | locks held after | changed (old → new) |');
    expect(md).toContain('| 2 | P0 | `take-first(fork=0)` | P0{fork[0]} | `pc[0]`: hungry → has-first<br>`fork[0]`: free → P0 |');
    expect(md).toMatch(/\| \*\*6\*\* ⚠ \| P2 \| `take-first\(fork=2\)` \*\*← violates `deadlock`\*\* \|/);
    // every table row has the same number of cells
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && l.includes('step') === false && /^\| \**\d/.test(l));
    for (const r of rows) expect(r.replace(/\\\|/g, '').split('|').length).toBe(7);
  });

  it('escapes pipes and --full-states adds every state', () => {
    const tv = { ...view(), description: 'a | b' };
    const md = renderTraceMarkdown(tv, { run: 'x' }, true);
    expect(md).toContain('a \\| b');
    expect(md.match(/^\*\*State after step \d\*\*/gm)).toHaveLength(6);
  });
});

describe('trace data', () => {
  it('collects threads, locks in order of acquisition and held() per state', () => {
    const d = traceData(toyContext('crossed', 'deadlock'));
    expect(d.threads.sort()).toEqual(['T0', 'T1']);
    expect(d.locks.sort()).toEqual(['lockA', 'lockB']);
    expect(d.held[0]).toEqual({});
    expect(d.violationAt).toBe(d.steps.length);
  });

  it('finds lo_state-like fields for timelines, or takes a model hint', () => {
    const layout = new Layout([
      { name: 'A.lo_state', domain: 4, values: ['Lo_unbound', 'Lo_bound', 'Lo_rundown', 'Lo_deleting'], group: 'device A' },
      { name: 'B.lo_state', domain: 4, group: 'device B' },
      { name: 'T1.pc', domain: 3, values: ['a', 'b', 'c'], group: 'thread T1' },
    ]);
    const model = { layout } as unknown as Model;
    const ctx = { ...philosophersDeadlock(), model, trace: { steps: [] } };
    expect(timelineFields(ctx, new Set())).toEqual([0, 1]);
    const hinted = { layout, traceHints: { timelines: ['T1.pc', 'nope'] } } as unknown as Model;
    expect(timelineFields({ ...ctx, model: hinted }, new Set())).toEqual([2]);
  });
});

// Golden results of the loop model for every registered strategy (the rows
// live in golden.ts): distinct-state counts and, per scenario × invariant,
// the verdict with the length (number of steps) of the shortest
// counterexample; then the headline claims about the review thread's pair.

import { describe, expect, it } from 'vitest';
import { EXPLORE_CONFIGS, GOLDEN, INVS, configKey, goldenRow } from './golden.js';
import { SCRIPTED, STRATEGY_NAMES, run } from './helpers.js';

function check(strategy: string, scenario: string, params: Readonly<Record<string, number>>) {
  const row = goldenRow(strategy, configKey(scenario, params));
  if (typeof row === 'string') throw new Error(row);
  const { result } = run(strategy, scenario, params);
  expect(result.complete).toBe(true);
  expect(result.stopReason).toBe('exhausted');
  expect({ states: result.stats.states, transitions: result.stats.transitions, depth: result.stats.depth }).toEqual({
    states: row.states,
    transitions: row.transitions,
    depth: row.depth,
  });
  const got: Record<string, number> = {};
  for (const o of result.outcomes) got[o.invariant] = o.verdict === 'violated' ? o.trace!.steps.length - 1 : 0;
  const want: Record<string, number> = {};
  for (const i of INVS) want[i] = row.v[i] ?? 0;
  expect(got).toEqual(want);
}

describe('loop model: golden verdict matrix (scripted scenarios)', () => {
  for (const strategy of STRATEGY_NAMES) {
    for (const scenario of SCRIPTED) {
      it(`${strategy} × ${scenario}`, () => check(strategy, scenario, {}));
    }
  }
});

describe('loop model: golden results of small explore configurations', () => {
  for (const strategy of STRATEGY_NAMES) {
    for (const params of EXPLORE_CONFIGS) {
      it(`${strategy} × explore ${JSON.stringify(params)}`, () => check(strategy, 'explore', params), 60_000);
    }
  }
});

describe('the golden table has no rows for unregistered strategies or scenarios', () => {
  it('every strategy and configuration in golden.ts is registered', () => {
    const keys = new Set([...SCRIPTED, ...EXPLORE_CONFIGS.map((p) => configKey('explore', p))]);
    for (const [strategy, rows] of Object.entries(GOLDEN)) {
      expect(STRATEGY_NAMES, `golden rows for ${strategy}, which is not registered`).toContain(strategy);
      expect(Object.keys(rows).filter((k) => !keys.has(k)), strategy).toEqual([]);
    }
  });
});

describe('headline claims', () => {
  it('pre-patch violates stacked-no-teardown in stack-independent; post-patch does not', () => {
    const pre = run('pre-patch', 'stack-independent').result.outcomes.find((o) => o.invariant === 'stacked-no-teardown')!;
    const post = run('post-patch', 'stack-independent').result.outcomes.find((o) => o.invariant === 'stacked-no-teardown')!;
    expect(pre.verdict).toBe('violated');
    expect(post.verdict).toBe('holds');
  });

  it('the pre-patch counterexample is the stale disk_openers read racing the walk, torn down after the flush', () => {
    const t = run('pre-patch', 'stack-independent').result.outcomes.find((o) => o.invariant === 'stacked-no-teardown')!.trace!;
    const lines = t.steps.slice(1).map((s) => `${s.label!.thread} ${s.label!.action}: ${s.label!.step}`);
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const readOpeners = at(/^T1 loop_clr_fd: st\(A\) == Lo_bound; read disk_openers\(A\) == 1$/);
    const t2Opens = at(/^T2 blkdev_open: bd_openers\(A\)\+\+ \(1 → 2\)/);
    const walkReadsBound = at(/^T2 loop_validate_file: read lo_state\(A\) == Lo_bound$/);
    const rundown = at(/^T1 loop_clr_fd: openers == 1: st\(A\) := Lo_rundown$/);
    const bind = at(/^T2 loop_configure: lo_backing_file\(B\) := f\d; st\(B\) := Lo_bound$/);
    const flush = at(/^T1 __loop_clr_fd: ACQ loop_validate_mutex \(flush\)$/);
    const detach = at(/^T1 __loop_clr_fd: filp := lo_backing_file\(A\) = regular file; lo_backing_file\(A\) := NULL/);
    expect([readOpeners, t2Opens, walkReadsBound, rundown, bind, flush, detach].every((i) => i >= 0)).toBe(true);
    expect(readOpeners).toBeLessThan(t2Opens);
    expect(walkReadsBound).toBeLessThan(rundown);
    expect(bind).toBeLessThan(flush);
    expect(flush).toBeLessThan(detach);
    expect(detach).toBe(lines.length - 1);
  });

  it('post-patch still violates stacked-no-teardown when the only fd of A is shared (spec §2 item 4, the [INF] claim)', () => {
    const t = run('post-patch', 'stack-shared-fd').result.outcomes.find((o) => o.invariant === 'stacked-no-teardown')!.trace!;
    const lines = t.steps.slice(1).map((s) => `${s.label!.thread} ${s.label!.action}: ${s.label!.step}`);
    // B is bound to f0 before T1 even takes the global lock; A still has exactly one opener.
    const bind = lines.findIndex((l) => /^T2 loop_configure: lo_backing_file\(B\) := f0; st\(B\) := Lo_bound$/.test(l));
    const vm = lines.findIndex((l) => l === 'T1 loop_clr_fd: ACQ loop_validate_mutex');
    expect(bind).toBeGreaterThanOrEqual(0);
    expect(bind).toBeLessThan(vm);
    expect(lines).toContain('T1 loop_clr_fd: st(A) == Lo_bound; read disk_openers(A) == 1');
  });
});

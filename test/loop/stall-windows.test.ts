// Stall windows: statements the kernel runs back to back (no point between
// them can sleep), the steps other threads take between them in a
// counterexample, and --max-window-steps K, which bounds those steps in the
// model's state (K = 0: such statements are atomic).

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stallWindows } from '../../src/report/stall-windows.js';
import { viewTrace } from '../../src/report/trace-view.js';
import { renderTraceMarkdown } from '../../src/report/trace-md.js';
import { STRATEGIES } from '../../models/loop/strategies/index.js';
import { SCENARIOS } from '../../models/loop/scenarios/index.js';
import { cli } from '../cli/run-cli.js';
import { run } from './helpers.js';

const outcome = (strategy: string, scenario: string, invariant: string, params: Record<string, number> = {}) =>
  run(strategy, scenario, params).result.outcomes.find((o) => o.invariant === invariant)!;

describe('stall windows in counterexamples', () => {
  it("pre-patch's race needs T1 stalled between the disk_openers read and the Lo_rundown store", () => {
    const o = outcome('pre-patch', 'stack-independent', 'stacked-no-teardown');
    const ws = stallWindows(o.trace!.steps.slice(1).map((s) => s.label));
    const clr = ws.find((w) => w.function === 'loop_clr_fd')!;
    expect(clr.thread).toBe('T1');
    expect(clr.from).toMatch(/read disk_openers\(A\) == 1/);
    expect(clr.to).toMatch(/st\(A\) := Lo_rundown/);
    expect(clr.toStep! - clr.fromStep - 1).toBe(clr.otherSteps);
    expect(clr.otherSteps).toBe(13);
    expect(clr.calls).toEqual(['T2: open(/dev/loopA) -> fd0', 'T2: open(/dev/loopB) -> fd1', 'T2: ioctl(fd1, LOOP_SET_FD, fd0)']);
    const md = renderTraceMarkdown(viewTrace(run('pre-patch', 'stack-independent').model, o.trace!, o.invariant, o.description), { run: 'x' });
    expect(md).toContain('**Stall windows**');
    expect(md).toMatch(/\| T1 \| `loop_clr_fd` \| .*read disk_openers\(A\) == 1.* \| 13 \|/);
  });

  it('a violation that needs no race has no stall window of loop_clr_fd', () => {
    const o = outcome('post-patch', 'stack-shared-fd', 'stacked-no-teardown');
    const ws = stallWindows(o.trace!.steps.slice(1).map((s) => s.label));
    expect(ws.filter((w) => w.function === 'loop_clr_fd')).toEqual([]);
  });
});

describe('--max-window-steps', () => {
  const scripted = SCENARIOS.filter((s) => s.scripted).map((s) => s.name);

  it('K = 0: the races that need a stall vanish, the ones that need none stay, and no deadlock appears', () => {
    const k0 = { windowSteps: 0 };
    expect(outcome('pre-patch', 'stack-independent', 'stacked-no-teardown', k0).verdict).toBe('holds');
    expect(outcome('pre-patch', 'change-fd', 'stacked-no-teardown', k0).verdict).toBe('holds');
    expect(outcome('post-patch', 'mount', 'mount-no-teardown', k0).verdict).toBe('holds');
    expect(outcome('v6.11', 'mount', 'mount-io', k0).verdict).toBe('holds');
    expect(outcome('post-patch', 'stack-shared-fd', 'stacked-no-teardown', k0).verdict).toBe('violated');
    for (const st of STRATEGIES) {
      for (const sc of scripted) expect(outcome(st.name, sc, 'deadlock', k0).verdict, `${st.name} / ${sc}`).toBe('holds');
    }
  });

  it('every stall window of a K-bounded counterexample holds at most K steps of others, and K large enough restores the race', () => {
    for (const K of [1, 3, 8]) {
      for (const st of ['pre-patch', 'v6.11']) {
        for (const o of run(st, 'mount', { windowSteps: K }).result.outcomes) {
          if (!o.trace) continue;
          for (const w of stallWindows(o.trace.steps.slice(1).map((s) => s.label))) expect(w.otherSteps).toBeLessThanOrEqual(K);
        }
      }
    }
    const unbounded = outcome('pre-patch', 'stack-independent', 'stacked-no-teardown');
    const bounded = outcome('pre-patch', 'stack-independent', 'stacked-no-teardown', { windowSteps: 16 });
    expect(bounded.verdict).toBe('violated');
    expect(bounded.trace!.steps.length).toBe(unbounded.trace!.steps.length);
  });

  it('CLI: the flag is the windowSteps parameter; stall windows reach JSON, SARIF and trace files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stall-'));
    const sarif = join(dir, 'r.sarif');
    const r = cli(['verify', '--no-config', '--strategy', 'pre-patch', '--scenario', 'mount', '--invariant', 'mount-io', '--json', '--sarif', sarif, '--trace-dir', dir, '--trace-format', 'json,html']);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    const o = json.results.find((x: { invariant: string }) => x.invariant === 'mount-io');
    expect(o.stallWindows.some((w: { function: string; otherSteps: number }) => w.function === 'loop_clr_fd' && w.otherSteps > 0)).toBe(true);
    const log = JSON.parse(readFileSync(sarif, 'utf8'));
    expect(log.runs[0].results[0].properties.stallWindows[0].function).toBe('loop_clr_fd');
    const file = JSON.parse(readFileSync(join(dir, 'pre-patch.mount.mount-io.json'), 'utf8'));
    expect(file.stallWindows[0].thread).toBe('T1');
    expect(readFileSync(join(dir, 'pre-patch.mount.mount-io.html'), 'utf8')).toContain('Stall windows');
    const k0 = cli(['verify', '--no-config', '--strategy', 'pre-patch', '--scenario', 'mount', '--invariant', 'mount-io', '--max-window-steps', '0']);
    expect(k0.code).toBe(0);
    expect(k0.stdout).toMatch(/mount-io\s+holds/);
    const bad = cli(['verify', '--no-config', '--max-window-steps', '-1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

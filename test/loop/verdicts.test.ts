// Golden results of the loop model: distinct-state counts and, per
// strategy × scenario × invariant, the verdict with the length (number of
// steps) of the shortest counterexample. These pin what the model produces
// (they were measured, not chosen); a change here is a change of the model's
// semantics and must be explained.

import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

const INVS = [
  'stacked-no-teardown',
  'stacked-io',
  'mount-no-teardown',
  'mount-io',
  'single-teardown',
  'walk-safe',
  'openers-consistent',
  'deadlock',
] as const;

/** 0 = holds; n > 0 = violated, shortest counterexample has n steps. */
type Row = { states: number; transitions: number; depth: number; v: Partial<Record<(typeof INVS)[number], number>> };

const GOLDEN: Record<string, { params?: Record<string, number>; 'pre-patch': Row; 'post-patch': Row }> = {
  'stack-independent': {
    'pre-patch': { states: 1337, transitions: 2420, depth: 55, v: { 'stacked-no-teardown': 29, 'stacked-io': 23 } },
    'post-patch': { states: 820, transitions: 1439, depth: 52, v: {} },
  },
  'stack-shared-fd': {
    'pre-patch': { states: 878, transitions: 1629, depth: 42, v: { 'stacked-no-teardown': 26, 'stacked-io': 21 } },
    'post-patch': { states: 661, transitions: 1206, depth: 39, v: { 'stacked-no-teardown': 23, 'stacked-io': 22 } },
  },
  'stack-fork': {
    'pre-patch': { states: 718, transitions: 1325, depth: 46, v: { 'stacked-no-teardown': 26, 'stacked-io': 20 } },
    'post-patch': { states: 497, transitions: 894, depth: 43, v: { 'stacked-no-teardown': 23, 'stacked-io': 21 } },
  },
  mount: {
    'pre-patch': { states: 483, transitions: 823, depth: 33, v: { 'mount-no-teardown': 15, 'mount-io': 9 } },
    'post-patch': { states: 401, transitions: 675, depth: 30, v: { 'mount-no-teardown': 12, 'mount-io': 10 } },
  },
  udev: {
    'pre-patch': { states: 275, transitions: 449, depth: 34, v: {} },
    'post-patch': { states: 243, transitions: 397, depth: 31, v: {} },
  },
  'change-fd': {
    'pre-patch': { states: 1145, transitions: 2102, depth: 50, v: { 'stacked-no-teardown': 28, 'stacked-io': 22 } },
    'post-patch': { states: 622, transitions: 1109, depth: 47, v: {} },
  },
};

const EXPLORE: { params: Record<string, number>; 'pre-patch': Row; 'post-patch': Row }[] = [
  {
    params: { calls: 2 },
    'pre-patch': { states: 93707, transitions: 193782, depth: 36, v: { 'mount-no-teardown': 18, 'mount-io': 12 } },
    'post-patch': { states: 93867, transitions: 193630, depth: 35, v: { 'mount-no-teardown': 15, 'mount-io': 13 } },
  },
  {
    params: { threads: 1, calls: 4 },
    'pre-patch': { states: 5829, transitions: 6698, depth: 36, v: { 'stacked-no-teardown': 29 } },
    'post-patch': { states: 5877, transitions: 6746, depth: 33, v: { 'stacked-no-teardown': 26 } },
  },
  {
    params: { calls: 2, shared: 1, fds: 1 },
    'pre-patch': {
      states: 106571,
      transitions: 223460,
      depth: 39,
      v: { 'stacked-no-teardown': 29, 'mount-no-teardown': 18, 'mount-io': 12 },
    },
    'post-patch': {
      states: 105583,
      transitions: 221136,
      depth: 36,
      v: { 'stacked-no-teardown': 26, 'mount-no-teardown': 15, 'mount-io': 13 },
    },
  },
];

function check(strategy: 'pre-patch' | 'post-patch', scenario: string, params: Record<string, number>, row: Row) {
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
  for (const [scenario, g] of Object.entries(GOLDEN)) {
    for (const strategy of ['pre-patch', 'post-patch'] as const) {
      it(`${strategy} × ${scenario}`, () => check(strategy, scenario, g.params ?? {}, g[strategy]));
    }
  }
});

describe('loop model: golden results of small explore configurations', () => {
  for (const e of EXPLORE) {
    for (const strategy of ['pre-patch', 'post-patch'] as const) {
      it(`${strategy} × explore ${JSON.stringify(e.params)}`, () => check(strategy, 'explore', e.params, e[strategy]));
    }
  }
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

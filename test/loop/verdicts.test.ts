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
  'read-data',
  'no-stale-partitions',
  'admitted-open-rundown',
  'single-teardown',
  'walk-safe',
  'openers-consistent',
  'deadlock',
] as const;

/** 0 = holds; n > 0 = violated, shortest counterexample has n steps. */
type Row = { states: number; transitions: number; depth: number; v: Partial<Record<(typeof INVS)[number], number>> };

const GOLDEN: Record<string, { params?: Record<string, number>; 'pre-patch': Row; 'post-patch': Row }> = {
  'stack-independent': {
    'pre-patch': { states: 2568, transitions: 4611, depth: 55, v: { 'stacked-no-teardown': 29, 'stacked-io': 23, 'read-data': 30, 'admitted-open-rundown': 6 } },
    'post-patch': { states: 1807, transitions: 3172, depth: 52, v: { 'admitted-open-rundown': 7 } },
  },
  'stack-shared-fd': {
    'pre-patch': { states: 931, transitions: 1721, depth: 42, v: { 'stacked-no-teardown': 26, 'stacked-io': 21, 'read-data': 28 } },
    'post-patch': { states: 714, transitions: 1298, depth: 39, v: { 'stacked-no-teardown': 23, 'stacked-io': 22, 'read-data': 25 } },
  },
  'stack-fork': {
    'pre-patch': { states: 768, transitions: 1410, depth: 46, v: { 'stacked-no-teardown': 26, 'stacked-io': 20, 'read-data': 27 } },
    'post-patch': { states: 547, transitions: 979, depth: 43, v: { 'stacked-no-teardown': 23, 'stacked-io': 21, 'read-data': 24 } },
  },
  mount: {
    'pre-patch': { states: 775, transitions: 1305, depth: 33, v: { 'mount-no-teardown': 15, 'mount-io': 9, 'admitted-open-rundown': 6 } },
    'post-patch': { states: 653, transitions: 1085, depth: 30, v: { 'mount-no-teardown': 12, 'mount-io': 10, 'admitted-open-rundown': 7 } },
  },
  udev: {
    'pre-patch': { states: 552, transitions: 904, depth: 34, v: { 'admitted-open-rundown': 6 } },
    'post-patch': { states: 464, transitions: 748, depth: 31, v: { 'admitted-open-rundown': 7 } },
  },
  'change-fd': {
    'pre-patch': { states: 2084, transitions: 3812, depth: 50, v: { 'stacked-no-teardown': 26, 'stacked-io': 20, 'read-data': 27, 'admitted-open-rundown': 6 } },
    'post-patch': { states: 1341, transitions: 2409, depth: 47, v: { 'admitted-open-rundown': 7 } },
  },
  'stack-on-partition': {
    'pre-patch': { states: 3398, transitions: 6212, depth: 63, v: { 'stacked-no-teardown': 23, 'stacked-io': 18, 'no-stale-partitions': 19, 'admitted-open-rundown': 6 } },
    'post-patch': { states: 2648, transitions: 4788, depth: 55, v: { 'stacked-no-teardown': 20, 'stacked-io': 19, 'no-stale-partitions': 16, 'admitted-open-rundown': 7 } },
  },
  'mount-partition': {
    'pre-patch': { states: 819, transitions: 1366, depth: 36, v: { 'mount-no-teardown': 15, 'mount-io': 9, 'no-stale-partitions': 19, 'admitted-open-rundown': 6 } },
    'post-patch': { states: 701, transitions: 1150, depth: 33, v: { 'mount-no-teardown': 12, 'mount-io': 10, 'no-stale-partitions': 16, 'admitted-open-rundown': 7 } },
  },
  'stale-partitions': {
    'pre-patch': { states: 576, transitions: 949, depth: 35, v: { 'no-stale-partitions': 19, 'admitted-open-rundown': 6 } },
    'post-patch': { states: 500, transitions: 813, depth: 32, v: { 'no-stale-partitions': 16, 'admitted-open-rundown': 7 } },
  },
  'clr-via-partition': {
    'pre-patch': { states: 640, transitions: 1015, depth: 39, v: { 'no-stale-partitions': 19, 'admitted-open-rundown': 9 } },
    'post-patch': { states: 545, transitions: 856, depth: 36, v: { 'no-stale-partitions': 16, 'admitted-open-rundown': 10 } },
  },
};

const EXPLORE: { params: Record<string, number>; 'pre-patch': Row; 'post-patch': Row }[] = [
  {
    params: { calls: 2 },
    'pre-patch': { states: 107443, transitions: 215046, depth: 36, v: { 'mount-no-teardown': 18, 'mount-io': 12, 'admitted-open-rundown': 9 } },
    'post-patch': { states: 105355, transitions: 210222, depth: 34, v: { 'mount-no-teardown': 15, 'mount-io': 13, 'admitted-open-rundown': 10 } },
  },
  {
    params: { threads: 1, calls: 4 },
    'pre-patch': { states: 7591, transitions: 8703, depth: 36, v: { 'stacked-no-teardown': 29 } },
    'post-patch': { states: 7631, transitions: 8743, depth: 33, v: { 'stacked-no-teardown': 26 } },
  },
  {
    params: { calls: 2, shared: 1, fds: 1 },
    'pre-patch': { states: 123681, transitions: 253822, depth: 37, v: { 'stacked-no-teardown': 29, 'mount-no-teardown': 18, 'mount-io': 12, 'admitted-open-rundown': 9 } },
    'post-patch': { states: 120527, transitions: 247092, depth: 34, v: { 'stacked-no-teardown': 26, 'mount-no-teardown': 15, 'mount-io': 13, 'admitted-open-rundown': 10 } },
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
      it(`${strategy} × explore ${JSON.stringify(e.params)}`, () => check(strategy, 'explore', e.params, e[strategy]), 60_000);
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

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
    'pre-patch': { states: 1761, transitions: 3169, depth: 55, v: { 'stacked-no-teardown': 29, 'stacked-io': 23, 'read-data': 30 } },
    'post-patch': { states: 1154, transitions: 2027, depth: 52, v: {} },
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
    'pre-patch': { states: 570, transitions: 960, depth: 33, v: { 'mount-no-teardown': 15, 'mount-io': 9 } },
    'post-patch': { states: 484, transitions: 808, depth: 30, v: { 'mount-no-teardown': 12, 'mount-io': 10 } },
  },
  udev: {
    'pre-patch': { states: 382, transitions: 627, depth: 34, v: {} },
    'post-patch': { states: 326, transitions: 531, depth: 31, v: {} },
  },
  'change-fd': {
    'pre-patch': { states: 1458, transitions: 2666, depth: 50, v: { 'stacked-no-teardown': 26, 'stacked-io': 20, 'read-data': 27 } },
    'post-patch': { states: 857, transitions: 1536, depth: 47, v: {} },
  },
  'stack-on-partition': {
    'pre-patch': { states: 2617, transitions: 4775, depth: 63, v: { 'stacked-no-teardown': 23, 'stacked-io': 18, 'no-stale-partitions': 19 } },
    'post-patch': { states: 2100, transitions: 3801, depth: 55, v: { 'stacked-no-teardown': 20, 'stacked-io': 19, 'no-stale-partitions': 16 } },
  },
  'mount-partition': {
    'pre-patch': { states: 626, transitions: 1040, depth: 36, v: { 'mount-no-teardown': 15, 'mount-io': 9, 'no-stale-partitions': 19 } },
    'post-patch': { states: 544, transitions: 892, depth: 33, v: { 'mount-no-teardown': 12, 'mount-io': 10, 'no-stale-partitions': 16 } },
  },
  'stale-partitions': {
    'pre-patch': { states: 431, transitions: 717, depth: 35, v: { 'no-stale-partitions': 19 } },
    'post-patch': { states: 387, transitions: 641, depth: 32, v: { 'no-stale-partitions': 16 } },
  },
  'clr-via-partition': {
    'pre-patch': { states: 505, transitions: 790, depth: 39, v: { 'no-stale-partitions': 19 } },
    'post-patch': { states: 442, transitions: 691, depth: 36, v: { 'no-stale-partitions': 16 } },
  },
};

const EXPLORE: { params: Record<string, number>; 'pre-patch': Row; 'post-patch': Row }[] = [
  {
    params: { calls: 2 },
    'pre-patch': { states: 99639, transitions: 200750, depth: 36, v: { 'mount-no-teardown': 18, 'mount-io': 12 } },
    'post-patch': { states: 99847, transitions: 200526, depth: 34, v: { 'mount-no-teardown': 15, 'mount-io': 13 } },
  },
  {
    params: { threads: 1, calls: 4 },
    'pre-patch': { states: 7591, transitions: 8703, depth: 36, v: { 'stacked-no-teardown': 29 } },
    'post-patch': { states: 7631, transitions: 8743, depth: 33, v: { 'stacked-no-teardown': 26 } },
  },
  {
    params: { calls: 2, shared: 1, fds: 1 },
    'pre-patch': { states: 117239, transitions: 241776, depth: 37, v: { 'stacked-no-teardown': 29, 'mount-no-teardown': 18, 'mount-io': 12 } },
    'post-patch': { states: 115489, transitions: 237812, depth: 34, v: { 'stacked-no-teardown': 26, 'mount-no-teardown': 15, 'mount-io': 13 } },
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

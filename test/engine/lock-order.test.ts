// Lock-order analysis finds cycles that never deadlock in the explored run,
// with shortest witnesses, and reproduces the lock order the specification
// lists for the loop driver's strategies.

import { describe, expect, it } from 'vitest';
import { explore } from '../../src/engine/bfs.js';
import { lockOrder, shortestCycle } from '../../src/engine/lock-order.js';
import { loopFamily } from '../../models/loop/index.js';
import { twoLocks } from '../fixtures/toy-models.js';
import { replayInReference } from '../reference/explorer.js';
import { cli } from '../cli/run-cli.js';

const edgesOf = (strategy: string, scenario: string) =>
  lockOrder(loopFamily.build({ params: {}, strategy, scenario })).edges.map((e) => `${e.from} -> ${e.to}`);

describe('lock order', () => {
  it('finds the crossed order as a cycle even when the run cannot deadlock', () => {
    const m = twoLocks(true, true);
    expect(explore(m).outcomes.find((o) => o.invariant === 'deadlock')!.verdict).toBe('holds');
    const r = lockOrder(m);
    expect(r.edges.map((e) => `${e.actor}: ${e.from} -> ${e.to}`).sort()).toEqual(['T0: lockA -> lockB', 'T1: lockB -> lockA']);
    expect(r.cycle!.map((e) => e.from).sort()).toEqual(['lockA', 'lockB']);
    for (const e of r.edges) {
      expect(replayInReference(m, e.witness)).toEqual([]);
      const last = e.witness.steps.at(-1)!;
      expect(last.label!.thread).toBe(e.actor);
    }
    // T0 takes A (1 step) then B (2nd step); T1 only after T0 finished (3 steps) + its 2.
    expect(r.edges.find((e) => e.actor === 'T0')!.witness.steps.length - 1).toBe(2);
    expect(r.edges.find((e) => e.actor === 'T1')!.witness.steps.length - 1).toBe(5);
  });

  it('reports no cycle for a consistent order', () => {
    expect(lockOrder(twoLocks(false)).cycle).toBeNull();
  });

  it('shortestCycle picks the shortest cycle', () => {
    expect(shortestCycle([['a', 'b'], ['b', 'c'], ['c', 'a'], ['b', 'a']])).toHaveLength(2);
    expect(shortestCycle([['a', 'b'], ['b', 'c']])).toBeNull();
  });

  it('loop driver: pre-patch keeps open_mutex -> loop_validate_mutex (release path flush), post-patch removes it', () => {
    expect(edgesOf('pre-patch', 'udev')).toContain('open_mutex(A) -> loop_validate_mutex');
    expect(edgesOf('post-patch', 'udev')).not.toContain('open_mutex(A) -> loop_validate_mutex');
    expect(edgesOf('post-patch', 'udev')).toContain('loop_validate_mutex -> lo_mutex(A)');
    expect(edgesOf('pre-patch', 'stack-independent')).toContain('loop_validate_mutex -> lo_mutex(B)');
    expect(edgesOf('pre-patch', 'stack-independent')).toContain('open_mutex(A) -> lo_mutex(A)');
  });

  it('loop driver: v5.17 freezes the queue under open_mutex (release path) and under lo_mutex (drain), as §1 lists', () => {
    expect(edgesOf('v5.17', 'udev')).toContain('open_mutex(A) -> queue_freeze(A)');
    expect(edgesOf('v5.17', 'stack-independent')).toContain('lo_mutex(B) -> queue_freeze(B)');
    // The freeze is a sink: nothing is acquired while a queue is frozen.
    expect(edgesOf('v5.17', 'stack-independent').filter((e) => e.startsWith('queue_freeze'))).toEqual([]);
    // Later trees freeze only outside every lock (or not at all) in the model.
    for (const s of ['pre-patch', 'post-patch', 'v6.11']) expect(edgesOf(s, 'udev').join()).not.toContain('queue_freeze');
  });

  it('CLI: exit 0 and no cycle for the loop model', () => {
    const r = cli(['lock-order', '--strategy', 'pre-patch', 'post-patch']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pre-patch\s+\d+\s+holds/);
    expect(r.stdout).not.toContain('CYCLE');
  });
});

// From a counterexample to a C reproducer: which calls, in which mode, and
// which outcome counts as the race happening.

import { describe, expect, it } from 'vitest';
import { loopFamily } from '../../models/loop/index.js';
import { explore } from '../../src/engine/bfs.js';
import { reproducerFor } from '../../src/conform/reproduce.js';
import { generateReproducer } from '../../src/conform/c/reproducer.js';
import type { TraceStep } from '../../src/engine/result.js';

function specFor(strategy: string, scenario: string, invariant: string) {
  const model = loopFamily.build({ strategy, scenario, params: {} });
  const trace = explore(model, { invariants: [invariant] }).outcomes.find((o) => o.invariant === invariant)!.trace!;
  return reproducerFor(model, trace, { strategy, scenario, invariant, params: {} });
}

describe('C reproducers from traces', () => {
  it('the pre-patch race: a racing reproducer whose hit is B reading zeros (a result no serial order gives)', () => {
    const spec = specFor('pre-patch', 'stack-independent', 'stacked-no-teardown');
    expect(spec.mode).toMatchObject({ kind: 'race' });
    // all eight calls of both scripts, in the order the trace starts them
    expect(spec.calls.map((c) => `T${c.thread + 1} ${c.call.op}`)).toEqual([
      'T1 clr', 'T2 open', 'T2 open', 'T2 set_fd', 'T1 close', 'T2 read', 'T2 close', 'T2 close',
    ]);
    expect(spec.bad).toEqual([{ call: 5, outcome: 'ok:zeros' }]);
    expect(generateReproducer(spec)).toContain('Bad outcome: read(fd1) (call 6) => ok:zeros');
  });

  it('post-patch mount race: the read through the mount fails only when the race happens', () => {
    const spec = specFor('post-patch', 'mount', 'mount-io');
    expect(spec.mode.kind).toBe('race');
    expect(spec.bad).toEqual([{ call: 2, outcome: '-EIO' }]);
  });

  it('a trace of whole calls becomes a serial reproducer that expects every outcome the model gives', () => {
    const model = loopFamily.build({ strategy: 'post-patch', scenario: 'stack-shared-fd', params: {} });
    // T2 open B, T2 LOOP_SET_FD(B, fd0), T1 LOOP_CLR_FD, T2 read B: each call whole (the serial counterexample conform runs)
    let s = model.initialStates()[0];
    const steps: TraceStep[] = [{ action: 0, label: null, state: s }];
    for (const t of [1, 1, 0, 1]) {
      const a = [...Array(model.actionCount).keys()].find((x) => model.label(x, s).thread === `T${t + 1}`)!;
      do {
        const d = s.slice();
        expect(model.step(a, s, d)).toBe(true);
        steps.push({ action: a, label: model.label(a, s), state: d });
        s = d;
      } while (model.busy!({ at: (i: number) => s[i] } as never).includes(`T${t + 1}`));
    }
    const spec = reproducerFor(model, { steps }, { strategy: 'post-patch', scenario: 'stack-shared-fd', invariant: 'read-data', params: {} });
    expect(spec.mode).toEqual({ kind: 'serial' });
    expect(spec.calls.map((c) => `T${c.thread + 1} ${c.call.op}`)).toEqual(['T2 open', 'T2 set_fd', 'T1 clr', 'T2 read', 'T1 close', 'T2 close']);
    expect(spec.bad.map((b) => b.outcome)).toEqual(['ok', 'ok', 'ok', 'ok:zeros', 'ok', 'ok']);
  });
});

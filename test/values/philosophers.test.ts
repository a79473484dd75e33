// The value-semantics philosophers (models/philosophers/values.ts) against
// the hand-packed model: the same transition system, so the same counts,
// depths, verdicts and shortest counterexample lengths.

import { describe, expect, it } from 'vitest';
import { explore } from '../../src/engine/bfs.js';
import { checkLiveness } from '../../src/engine/liveness.js';
import { buildPhilosophers } from '../../models/philosophers/index.js';
import { buildPhilosophersFromValues } from '../../models/philosophers/values.js';

describe('philosophers written with the value API', () => {
  it('N=10, M=3: 918,090 states, as the packed model, SPIN and TLC', () => {
    const r = explore(buildPhilosophersFromValues(10, 3));
    expect(r.complete).toBe(true);
    expect(r.stats.states).toBe(918_090);
    expect(r.outcomes.map((o) => [o.invariant, o.verdict])).toEqual([
      ['eating-holds-forks', 'holds'],
      ['deadlock', 'holds'],
    ]);
  }, 120_000);

  for (const [n, m] of [[3, 1], [4, 3], [5, 2], [6, 3]]) {
    it(`N=${n}, M=${m}: states, transitions and depth equal the packed model's`, () => {
      const a = explore(buildPhilosophers(n, m));
      const b = explore(buildPhilosophersFromValues(n, m));
      expect(b.stats.states).toBe(a.stats.states);
      expect(b.stats.transitions).toBe(a.stats.transitions);
      expect(b.stats.depth).toBe(a.stats.depth);
    });
  }

  it('lefty: the same deadlock, found at the same depth, with a trace in named values', () => {
    const a = explore(buildPhilosophers(4, 3, true));
    const b = explore(buildPhilosophersFromValues(4, 3, true));
    const da = a.outcomes.find((o) => o.invariant === 'deadlock')!;
    const db = b.outcomes.find((o) => o.invariant === 'deadlock')!;
    expect(db.verdict).toBe('violated');
    expect(db.trace!.steps.length).toBe(da.trace!.steps.length);
    const last = db.trace!.steps.at(-1)!;
    const layout = buildPhilosophersFromValues(4, 3, true).layout;
    // Every philosopher holds its first fork: pc[i] is has-first and fork[i] is owned by P<i>.
    for (let i = 0; i < 4; i++) {
      expect(layout.format(layout.index(`pc[${i}]`), last.state[layout.index(`pc[${i}]`)])).toBe('has-first');
      expect(layout.format(layout.index(`fork[${i}]`), last.state[layout.index(`fork[${i}]`)])).toBe(String(i));
    }
    expect(db.trace!.steps[1].label).toMatchObject({ thread: expect.stringMatching(/^P\d$/), action: 'get-hungry' });
  });

  it('hungry-eats fails as in the packed model (starvation under weak fairness)', () => {
    const packed = buildPhilosophers(3, 3);
    const values = buildPhilosophersFromValues(3, 3);
    const a = checkLiveness(packed, packed.liveness!);
    const b = checkLiveness(values, values.liveness!);
    expect(b.outcomes[0].verdict).toBe('violated');
    expect(a.outcomes[0].verdict).toBe('violated');
    expect(b.states).toBe(a.states);
    expect(b.transitions).toBe(a.transitions);
    expect(b.outcomes[0].trace!.steps.length).toBe(a.outcomes[0].trace!.steps.length);
  });
});

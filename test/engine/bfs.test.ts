// Pins the engine's answers on models whose figures are known exactly.

import { describe, expect, it } from 'vitest';
import { explore } from '../../src/engine/bfs.js';
import { buildPhilosophers } from '../../models/philosophers/index.js';
import { counter, twoLocks } from '../fixtures/toy-models.js';

describe('philosophers golden counts (SPIN and TLC agree, M=3)', () => {
  // transitions: SPIN/TLC count the initial state as one generated state, so theirs is ours + 1.
  const golden = [
    { n: 4, states: 450, transitions: 1480 - 1, depth: 17 },
    { n: 6, states: 5706, transitions: 28168 - 1, depth: 21 },
    { n: 8, states: 72378, transitions: 476788 - 1, depth: 25 },
  ];
  for (const g of golden) {
    it(`N=${g.n}`, () => {
      const r = explore(buildPhilosophers(g.n, 3));
      expect(r.stats.states).toBe(g.states);
      expect(r.stats.transitions).toBe(g.transitions);
      expect(r.stats.depth).toBe(g.depth);
      expect(r.complete).toBe(true);
      expect(r.outcomes.map((o) => [o.invariant, o.verdict])).toEqual([
        ['eating-holds-forks', 'holds'],
        ['deadlock', 'holds'],
      ]);
    });
  }
});

describe('shortest counterexamples', () => {
  for (const t of [1, 2, 3, 5, 7, 11]) {
    const k = Math.ceil(t / 3);
    it(`counter reaching x>=${t} is reported in exactly ${k} steps`, () => {
      const r = explore(counter(20, t), { checkDeadlock: false });
      const o = r.outcomes[0];
      expect(o.verdict).toBe('violated');
      expect(o.trace!.steps.length - 1).toBe(k);
      expect(o.trace!.steps.at(-1)!.state[0]).toBeGreaterThanOrEqual(t);
      expect(o.trace!.steps[0].label).toBeNull();
    });
  }

  it('an initial state that violates is a 0-step counterexample', () => {
    const r = explore(counter(10, 4, false, 6), { checkDeadlock: false });
    expect(r.outcomes[0].verdict).toBe('violated');
    expect(r.outcomes[0].trace!.steps.length).toBe(1);
    expect(r.stopReason).toBe('all-violated');
  });

  it('keeps searching after one violation until the others are decided', () => {
    // below-t is violated at depth 2, the deadlock (x = 19) only much later.
    const r = explore(counter(20, 3));
    expect(r.outcomes.map((o) => o.verdict)).toEqual(['violated', 'violated']);
    const dl = r.outcomes[1].trace!;
    expect(dl.steps.at(-1)!.state[0]).toBe(19);
    expect(dl.steps.length - 1).toBe(Math.floor(19 / 3) + (19 % 3));
  });
});

describe('deadlock', () => {
  it('finds the crossed lock order deadlock with its shortest trace', () => {
    const r = explore(twoLocks(true));
    const dl = r.outcomes.find((o) => o.invariant === 'deadlock')!;
    expect(dl.verdict).toBe('violated');
    expect(dl.trace!.steps.length - 1).toBe(2);
    expect([...dl.trace!.steps.at(-1)!.state.slice(0, 4)]).toEqual([1, 1, 1, 2]);
  });

  it('does not report the ordered version, whose final state is terminal', () => {
    const r = explore(twoLocks(false));
    expect(r.outcomes.find((o) => o.invariant === 'deadlock')!.verdict).toBe('holds');
    expect(r.complete).toBe(true);
  });

  it('terminal states are not deadlocks', () => {
    expect(explore(counter(10, 99, true)).outcomes[1].verdict).toBe('holds');
    expect(explore(counter(10, 99, false)).outcomes[1].verdict).toBe('violated');
  });
});

describe('limits give incomplete, never holds', () => {
  it('max-states', () => {
    const r = explore(buildPhilosophers(6, 3), { maxStates: 1000 });
    expect(r.complete).toBe(false);
    expect(r.stopReason).toBe('max-states');
    expect(r.stats.states).toBe(1000);
    expect(r.outcomes.every((o) => o.verdict === 'incomplete')).toBe(true);
  });

  it('max-depth below the diameter is incomplete, at the diameter it is complete', () => {
    const cut = explore(buildPhilosophers(4, 3), { maxDepth: 10 });
    expect(cut.complete).toBe(false);
    expect(cut.stopReason).toBe('max-depth');
    expect(cut.stats.depth).toBe(10);
    const full = explore(buildPhilosophers(4, 3), { maxDepth: 17 });
    expect(full.complete).toBe(true);
    expect(full.stats.states).toBe(450);
  });

  it('max-states equal to the reachable count still completes', () => {
    const r = explore(buildPhilosophers(4, 3), { maxStates: 450 });
    expect(r.complete).toBe(true);
    expect(r.stats.states).toBe(450);
  });

  it('time limit', () => {
    const r = explore(buildPhilosophers(10, 3), { timeLimit: 0.05 });
    expect(r.complete).toBe(false);
    expect(r.stopReason).toBe('time-limit');
    expect(r.outcomes.every((o) => o.verdict === 'incomplete')).toBe(true);
  });

  it('a violation found before the limit is still reported as violated', () => {
    const r = explore(counter(200, 2), { maxStates: 50 });
    expect(r.outcomes[0].verdict).toBe('violated');
    expect(r.outcomes[1].verdict).toBe('incomplete');
  });
});

describe('invariant selection', () => {
  it('rejects an unknown invariant name', () => {
    expect(() => explore(counter(5, 2), { invariants: ['nope'] })).toThrow(/unknown invariant 'nope'/);
  });
});

describe('philosophers with lefty=1', () => {
  it('deadlocks after every philosopher took its left fork: 2N steps', () => {
    for (const n of [2, 3, 5]) {
      const r = explore(buildPhilosophers(n, 3, true));
      const dl = r.outcomes.find((o) => o.invariant === 'deadlock')!;
      expect(dl.verdict).toBe('violated');
      expect(dl.trace!.steps.length - 1).toBe(2 * n);
      const last = dl.trace!.steps.at(-1)!.state;
      for (let i = 0; i < n; i++) expect(last[i]).toBe(2);
    }
  });
});

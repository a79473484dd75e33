// Partial-order reduction on the loop model: on every scripted scenario of
// every strategy, --por gives every invariant, deadlock, lock order and the
// (acyclic) liveness property the full search's verdict, stores no more
// states, and each counterexample it finds replays step by step.

import { describe, expect, it } from 'vitest';
import { explore } from '../../src/engine/bfs.js';
import { loopFamily } from '../../models/loop/index.js';
import { porSymmetryOnExplore } from './por-checks.js';

const params = Object.fromEntries(loopFamily.params.map((p) => [p.name, p.default]));
const scripted = loopFamily.scenarios.filter((s) => s.name !== 'explore');
const analyses = { liveness: ['syscalls-return'], lockOrder: true };

describe('--por on every scripted loop scenario', () => {
  for (const strategy of loopFamily.strategies) {
    it(`${strategy.name}: same verdicts, no more states, traces replay`, () => {
      for (const scenario of scripted) {
        const model = loopFamily.build({ strategy: strategy.name, scenario: scenario.name, params });
        const full = explore(model, { analyses });
        const por = explore(model, { analyses, por: true });
        const what = `${strategy.name}/${scenario.name}`;
        expect(por.stats.partialOrder, what).toBe(true);
        expect(por.stats.states, what).toBeLessThanOrEqual(full.stats.states);
        expect(por.outcomes.map((o) => [o.invariant, o.verdict]), what).toEqual(full.outcomes.map((o) => [o.invariant, o.verdict]));
        for (const o of por.outcomes) {
          if (!o.trace) continue;
          expect(o.trace.reduced, `${what} ${o.invariant}`).toBe(true);
          let cur = o.trace.steps[0].state;
          for (const s of o.trace.steps.slice(1)) {
            const dst = cur.slice();
            expect(model.step(s.action, cur, dst), `${what} ${o.invariant}`).toBe(true);
            expect(Array.from(dst)).toEqual(Array.from(s.state));
            cur = dst;
          }
        }
      }
    }, 120_000);
  }
});

describe('--por with --symmetry on explore (calls=1, every strategy; calls=2 in test/deep)', () => {
  for (const strategy of loopFamily.strategies) {
    it(`${strategy.name}: the full search's verdicts, the separate analyses under --por included`, () => {
      const r = porSymmetryOnExplore(strategy.name, 1);
      expect(r.reducedFlags).toBe(true);
      expect(r.reduced).toEqual(r.full);
      expect(r.reducedStates).toBeLessThan(r.fullStates);
    }, 120_000);
  }
});

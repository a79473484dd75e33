// Partial-order reduction on the loop model: on every scripted scenario of
// every strategy, --por gives every invariant, deadlock, lock order and the
// (acyclic) liveness property the full search's verdict, stores no more
// states, and each counterexample it finds replays step by step.

import { describe, expect, it } from 'vitest';
import { explore } from '../../src/engine/bfs.js';
import { loopFamily } from '../../models/loop/index.js';

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

describe('--por with --symmetry on explore (calls=2, every strategy)', () => {
  it('gives the full search verdicts, the separate analyses under --por included', async () => {
    const { withAnalyses } = await import('../../src/engine/analyses.js');
    for (const strategy of loopFamily.strategies) {
      const model = loopFamily.build({ strategy: strategy.name, scenario: 'explore', params: { ...params, calls: 2 } });
      const full = explore(model, { analyses });
      const base = explore(model, { por: true, symmetry: true, analyses });
      expect(base.stats.partialOrder && base.stats.symmetry, strategy.name).toBe(true);
      const reduced = withAnalyses(model, base, { liveness: model.liveness!, lockOrder: true }, { por: true });
      expect(reduced.outcomes.map((o) => [o.invariant, o.verdict]), strategy.name).toEqual(full.outcomes.map((o) => [o.invariant, o.verdict]));
      expect(reduced.stats.states).toBeLessThan(full.stats.states);
    }
  }, 600_000);
});

// Every strategy the registry holds is checked without naming it here: a
// strategy file added to models/loop/strategies/ (or loaded as a plugin into
// the registry) is built on every scenario, searched on every scripted one,
// its counterexamples replayed, and its state counts compared with the
// golden rows of golden.ts — where a registered strategy without rows fails.

import { describe, expect, it } from 'vitest';
import { replayTrace } from '../../src/app/replay.js';
import { explore } from '../../src/engine/bfs.js';
import { goldenRow } from './golden.js';
import { loopFamilyNow } from './helpers.js';

const loop = loopFamilyNow();
const defaults = Object.fromEntries(loop.params.map((p) => [p.name, p.default]));
const scripted = loop.defaultScenarios ?? loop.scenarios.map((s) => s.name);

describe('every registered loop strategy', () => {
  it('the registry holds the loop model with strategies and scripted scenarios', () => {
    expect(loop.strategies.length).toBeGreaterThanOrEqual(4);
    expect(scripted.length).toBeGreaterThan(0);
  });

  for (const strategy of loop.strategies.map((s) => s.name)) {
    describe(strategy, () => {
      it('has golden state counts for every scripted scenario', () => {
        const missing = scripted.map((s) => goldenRow(strategy, s)).filter((r) => typeof r === 'string');
        if (missing.length > 0) throw new Error(missing[0]);
      });

      it('builds on every scenario, searches each scripted one to the golden count, and its counterexamples replay', () => {
        for (const scenario of loop.scenarios.map((s) => s.name)) {
          const model = loop.build({ strategy, scenario, params: defaults });
          expect(model.actionCount).toBeGreaterThan(0);
          if (!scripted.includes(scenario)) continue;
          const r = explore(model, {});
          expect(r.complete, `${strategy} × ${scenario}`).toBe(true);
          const row = goldenRow(strategy, scenario);
          expect(r.stats.states, `${strategy} × ${scenario}: ${typeof row === 'string' ? row : ''}`).toBe(typeof row === 'string' ? -1 : row.states);
          for (const o of r.outcomes) {
            if (!o.trace) continue;
            const fresh = loop.build({ strategy, scenario, params: defaults });
            expect(replayTrace(fresh, o.trace, o.invariant, o.description).ok, `${strategy} × ${scenario} × ${o.invariant}`).toBe(true);
          }
        }
      });
    });
  }
});

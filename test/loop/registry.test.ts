// Every strategy the registry holds is checked without naming it here: a
// strategy file added to models/loop/strategies/ (or loaded as a plugin into
// the registry) is built on every scenario, searched on every scripted one,
// its counterexamples replayed, and its state counts compared with the
// golden table below — where a registered strategy without a row fails.

import { describe, expect, it } from 'vitest';
import { FAMILIES } from '../../src/app/registry.js';
import { replayTrace } from '../../src/app/replay.js';
import { explore } from '../../src/engine/bfs.js';

const loop = FAMILIES.find((f) => f.name === 'loop')!;
const defaults = Object.fromEntries(loop.params.map((p) => [p.name, p.default]));
const scripted = loop.defaultScenarios ?? loop.scenarios.map((s) => s.name);

/** Distinct states per scripted scenario (measured; README "What loopcheck finds"). */
const GOLDEN_STATES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'pre-patch': { 'stack-independent': 1337, 'stack-shared-fd': 877, 'stack-fork': 718, mount: 483, udev: 275, 'change-fd': 1117 },
  'post-patch': { 'stack-independent': 820, 'stack-shared-fd': 660, 'stack-fork': 497, mount: 401, udev: 243, 'change-fd': 606 },
  'v5.17': { 'stack-independent': 1267, 'stack-shared-fd': 988, 'stack-fork': 834, mount: 386, udev: 349, 'change-fd': 904 },
  'v6.11': { 'stack-independent': 1189, 'stack-shared-fd': 667, 'stack-fork': 384, mount: 359, udev: 255, 'change-fd': 618 },
};

describe('every registered loop strategy', () => {
  it('the registry holds the loop model with strategies and scripted scenarios', () => {
    expect(loop.strategies.length).toBeGreaterThanOrEqual(4);
    expect(scripted.length).toBeGreaterThan(0);
  });

  for (const strategy of loop.strategies.map((s) => s.name)) {
    describe(strategy, () => {
      it('has golden state counts for every scripted scenario', () => {
        expect(Object.keys(GOLDEN_STATES), `no golden counts for the registered strategy ${strategy}`).toContain(strategy);
        expect(Object.keys(GOLDEN_STATES[strategy]).sort()).toEqual([...scripted].sort());
      });

      it('builds on every scenario, searches each scripted one to the golden count, and its counterexamples replay', () => {
        for (const scenario of loop.scenarios.map((s) => s.name)) {
          const model = loop.build({ strategy, scenario, params: defaults });
          expect(model.actionCount).toBeGreaterThan(0);
          if (!scripted.includes(scenario)) continue;
          const r = explore(model, {});
          expect(r.complete, `${strategy} × ${scenario}`).toBe(true);
          expect(r.stats.states, `${strategy} × ${scenario}`).toBe(GOLDEN_STATES[strategy]?.[scenario]);
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

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
  'pre-patch': { 'stack-independent': 1761, 'stack-shared-fd': 931, 'stack-fork': 768, mount: 570, udev: 382, 'change-fd': 1458, 'stack-on-partition': 2617, 'mount-partition': 626, 'stale-partitions': 431, 'clr-via-partition': 505 },
  'post-patch': { 'stack-independent': 1154, 'stack-shared-fd': 714, 'stack-fork': 547, mount: 484, udev: 326, 'change-fd': 857, 'stack-on-partition': 2100, 'mount-partition': 544, 'stale-partitions': 387, 'clr-via-partition': 442 },
  'v5.17': { 'stack-independent': 1677, 'stack-shared-fd': 1058, 'stack-fork': 900, mount: 480, udev: 440, 'change-fd': 1188, 'stack-on-partition': 2772, 'mount-partition': 514, 'stale-partitions': 464, 'clr-via-partition': 576 },
  'v6.11': { 'stack-independent': 1527, 'stack-shared-fd': 667, 'stack-fork': 384, mount: 455, udev: 355, 'change-fd': 848, 'stack-on-partition': 1936, 'mount-partition': 458, 'stale-partitions': 341, 'clr-via-partition': 524 },
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

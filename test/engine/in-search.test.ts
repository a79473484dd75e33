// The analyses settled inside the safety search's pass (in-search.ts) give
// exactly the rows the separate passes give: same verdicts, same lock-order
// witnesses and cycle, same liveness lassos. Random models get resources and
// an obligation on top of their random transitions; a model's acyclic
// declaration is checked against its state graph; the loop model's
// declaration is checked on every strategy and scripted scenario.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchPool, exploreParallel } from '../../src/engine/parallel/coordinator.js';
import { registeredRecipe } from '../../src/app/recipe.js';
import { withAnalyses } from '../../src/engine/analyses.js';
import { explore } from '../../src/engine/bfs.js';
import type { ExploreResult, InvariantOutcome } from '../../src/engine/result.js';
import { LOCK_ORDER } from '../../src/engine/properties.js';
import { loopFamily } from '../../models/loop/index.js';
import { buildLoopModel } from '../../models/loop/model.js';
import { SCENARIOS } from '../../models/loop/scenarios/index.js';
import { STRATEGIES } from '../../models/loop/strategies/index.js';
import { leakyStrategy } from '../fixtures/leaky-strategy.js';
import { graphIsAcyclic, withResources } from '../fixtures/resource-models.js';

const shape = (o: InvariantOutcome) => ({
  invariant: o.invariant,
  verdict: o.verdict,
  detail: o.detail,
  loop: o.trace?.loop,
  actions: o.trace?.steps.map((s) => s.action),
  states: o.trace?.steps.map((s) => Array.from(s.state).join(',')),
  related: o.related?.map((r) => [r.title, r.trace.steps.map((s) => s.action)]),
});

const rows = (r: ExploreResult) => r.outcomes.map(shape);

describe('analyses in the search pass', () => {
  it('give the separate passes\' rows on 100 random models (lock order always; liveness on the acyclic ones)', () => {
    let acyclic = 0;
    let livenessViolated = 0;
    let cycles = 0;
    for (let seed = 1; seed <= 100; seed++) {
      for (const fast of [false, true]) {
        const model = withResources(seed, fast);
        const req = { liveness: model.liveness!, lockOrder: true };
        const inPass = explore(model, { analyses: { liveness: ['settles'], lockOrder: true } });
        const separate = withAnalyses(model, explore(model), req);
        if (inPass.stopReason === 'exhausted') {
          // The pass itself settled lock order, and liveness exactly when the model is acyclic.
          const settled = inPass.outcomes.map((o) => o.invariant);
          expect(settled).toContain(LOCK_ORDER);
          expect(settled.includes('settles')).toBe(!!model.acyclic);
        }
        expect(rows(withAnalyses(model, inPass, req)), `seed ${seed}`).toEqual(rows(separate));
        if (!fast) {
          if (model.acyclic) acyclic++;
          const live = separate.outcomes.find((o) => o.invariant === 'settles')!;
          if (model.acyclic && live.verdict === 'violated') livenessViolated++;
          if (separate.outcomes.find((o) => o.invariant === LOCK_ORDER)!.verdict === 'violated') cycles++;
        }
      }
    }
    // The sample exercises every path.
    console.log({ acyclic, livenessViolated, cycles });
    expect(acyclic).toBeGreaterThan(5);
    expect(livenessViolated).toBeGreaterThan(2);
    expect(cycles).toBeGreaterThan(5);
  }, 120_000);

  it('the loop model is acyclic, as it declares, in every strategy and scripted scenario', () => {
    const params = Object.fromEntries(loopFamily.params.map((p) => [p.name, p.default]));
    for (const strategy of STRATEGIES) {
      for (const scenario of SCENARIOS.filter((s) => s.scripted)) {
        const m = buildLoopModel(strategy, scenario, params);
        expect(m.acyclic).toBe(true);
        expect(graphIsAcyclic(m), `${strategy.name}/${scenario.name}`).toBe(true);
      }
    }
    const small = loopFamily.build({ params: { ...params, calls: 1 }, strategy: 'pre-patch', scenario: 'explore' });
    expect(graphIsAcyclic(small)).toBe(true);
  });

  it('find the lasso of a strategy that leaks a lock, as the graph does', () => {
    const params = Object.fromEntries(loopFamily.params.map((p) => [p.name, p.default]));
    const m = buildLoopModel(leakyStrategy, SCENARIOS.find((s) => s.name === 'stack-independent')!, params);
    const req = { liveness: m.liveness!, lockOrder: true };
    const inPass = explore(m, { analyses: { liveness: ['syscalls-return'], lockOrder: true } });
    const live = inPass.outcomes.find((o) => o.invariant === 'syscalls-return')!;
    expect(live.verdict).toBe('violated');
    expect(rows(withAnalyses(m, inPass, req))).toEqual(rows(withAnalyses(m, explore(m), req)));
  });
});

describe('analyses in the parallel search pass (2 workers)', () => {
  const FORCE = { probeStates: 0 };
  const MODULE = new URL('../fixtures/resource-models.ts', import.meta.url).href;
  let pool: SearchPool;
  beforeAll(() => {
    pool = new SearchPool(2);
  });
  afterAll(async () => {
    await pool.close();
  });
  const analyses = { liveness: ['settles'], lockOrder: true };

  it('give the sequential pass\'s rows on 40 random models', async () => {
    let settled = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const model = withResources(seed, seed % 2 === 0);
      const par = await exploreParallel(model, { module: MODULE, export: 'withResources', args: [seed, seed % 2 === 0] }, pool, { analyses }, FORCE);
      const seq = explore(model, { analyses });
      expect(rows(par), `seed ${seed}`).toEqual(rows(seq));
      if (par.outcomes.some((o) => o.invariant === LOCK_ORDER)) settled++;
    }
    expect(settled).toBeGreaterThan(20);
  }, 120_000);

  it('give the sequential pass\'s rows on the loop model\'s scripted scenarios', async () => {
    const params = Object.fromEntries(loopFamily.params.map((p) => [p.name, p.default]));
    for (const strategy of ['pre-patch', 'v5.17']) {
      for (const scenario of ['stack-independent', 'mount']) {
        const m = loopFamily.build({ params, strategy, scenario });
        const req = { liveness: ['syscalls-return'], lockOrder: true };
        const par = await exploreParallel(m, registeredRecipe('loop', params, strategy, scenario), pool, { analyses: req }, FORCE);
        const seq = explore(m, { analyses: req });
        expect(par.outcomes.map((o) => o.invariant)).toContain(LOCK_ORDER);
        expect(rows(par), `${strategy}/${scenario}`).toEqual(rows(seq));
      }
    }
  }, 120_000);
});

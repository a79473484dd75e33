// Symmetry reduction must never change a verdict or a shortest-trace length,
// must only merge states, and must show concrete traces that replay in the
// model as it is (not in its reduced form).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Force the two-phase parallel protocol even on small models (no sequential probe). */
const FORCE = { probeStates: 0 };
import { explore } from '../../src/engine/bfs.js';
import { SearchPool, exploreParallel } from '../../src/engine/parallel/coordinator.js';
import type { ExploreResult } from '../../src/engine/result.js';
import { loopFamily } from '../../models/loop/index.js';
import { buildSymmetric, randomSymmetricSpec } from '../fixtures/symmetric-model.js';
import { referenceExplore, replayInReference } from '../reference/explorer.js';

const verdicts = (r: ExploreResult) => r.outcomes.map((o) => [o.invariant, o.verdict, o.trace ? o.trace.steps.length : 0]);
const FACT = [1, 1, 2, 6, 24];

let pool: SearchPool;
beforeAll(() => {
  pool = new SearchPool(2);
});
afterAll(async () => {
  await pool.close();
});

describe('symmetry reduction', () => {
  it('keeps every verdict and shortest length on 200 random symmetric models', () => {
    let reducedSomething = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const spec = randomSymmetricSpec(seed * 2654435761);
      const m = buildSymmetric(spec);
      const full = explore(m);
      const red = explore(m, { symmetry: true });
      expect(red.stats.symmetry).toBe(true);
      expect(verdicts(red), `seed ${seed}`).toEqual(verdicts(full));
      expect(red.stats.states).toBeLessThanOrEqual(full.stats.states);
      expect(red.stats.states * FACT[spec.k]).toBeGreaterThanOrEqual(full.stats.states);
      expect(full.stats.states).toBe(referenceExplore(m).states);
      if (red.stats.states < full.stats.states) reducedSomething++;
      for (const o of red.outcomes) {
        if (!o.trace) continue;
        expect(replayInReference(m, o.trace), `seed ${seed} ${o.invariant}`).toEqual([]);
      }
    }
    expect(reducedSomething).toBeGreaterThan(100);
  });

  it('gives the same reduced search on worker threads', async () => {
    const module = new URL('../fixtures/symmetric-model.ts', import.meta.url).href;
    for (let seed = 1; seed <= 12; seed++) {
      const spec = randomSymmetricSpec(seed * 40503);
      const m = buildSymmetric(spec);
      const seq = explore(m, { symmetry: true });
      const par = await exploreParallel(m, { module, export: 'buildSymmetric', args: [spec] }, pool, { symmetry: true }, FORCE);
      expect(par.stats.states).toBe(seq.stats.states);
      expect(par.outcomes.map((o) => o.trace?.steps.map((s) => Array.from(s.state)) ?? null)).toEqual(
        seq.outcomes.map((o) => o.trace?.steps.map((s) => Array.from(s.state)) ?? null),
      );
    }
  });

  it('halves the loop model explore space with two threads, verdicts unchanged', () => {
    for (const strategy of ['pre-patch', 'post-patch']) {
      const m = loopFamily.build({ params: { devices: 2, threads: 2, calls: 2, fds: 2, shared: 0, bound: 1 }, strategy, scenario: 'explore' });
      expect(m.symmetry?.length).toBe(1);
      const full = explore(m);
      const red = explore(m, { symmetry: true });
      expect(verdicts(red)).toEqual(verdicts(full));
      expect(red.stats.states).toBeLessThan(full.stats.states);
      expect(red.stats.states * 2).toBeGreaterThanOrEqual(full.stats.states);
    }
  });

  it('is not declared where threads are not interchangeable', () => {
    const shared = loopFamily.build({ params: { devices: 2, threads: 2, calls: 2, fds: 1, shared: 1, bound: 1 }, strategy: 'post-patch', scenario: 'explore' });
    expect(shared.symmetry).toBeUndefined();
    const scripted = loopFamily.build({ params: {}, strategy: 'post-patch', scenario: 'stack-independent' });
    expect(scripted.symmetry).toBeUndefined();
  });
});

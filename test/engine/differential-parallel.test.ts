// The differential test of differential.test.ts, run through the parallel
// engine on two worker threads: hundreds of random models, each compared
// with the brute-force reference (counts, verdicts, shortest replayable
// traces) and with the sequential engine (identical results).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Force the two-phase parallel protocol even on small models (no sequential probe). */
const FORCE = { probeStates: 0 };
import { explore } from '../../src/engine/bfs.js';
import { SearchPool, exploreParallel } from '../../src/engine/parallel/coordinator.js';
import type { ExploreOptions } from '../../src/engine/result.js';
import { compareWithReference } from '../reference/compare.js';
import { buildModel, describeSpec, randomSpec } from '../reference/random-model.js';

const MODULE = new URL('../reference/random-model.ts', import.meta.url).href;
const MODELS = 300;

let pool: SearchPool;
beforeAll(() => {
  pool = new SearchPool(2);
});
afterAll(async () => {
  await pool.close();
});

describe('parallel engine (2 workers) against the reference', () => {
  it(`agrees on ${MODELS} random models`, async () => {
    let checked = 0;
    for (let seed = 1; seed <= MODELS; seed++) {
      const spec = randomSpec(seed * 1000003 + 17);
      const m = buildModel(spec);
      const recipe = { module: MODULE, export: 'buildModel', args: [spec] };
      for (const opts of [{}, { invariants: [], checkDeadlock: false }] as ExploreOptions[]) {
        const par = await exploreParallel(m, recipe, pool, opts, FORCE);
        const errs = compareWithReference(m, par, opts);
        expect(errs, `${describeSpec(spec)}\n${JSON.stringify(opts)}`).toEqual([]);
        const seq = explore(m, opts);
        expect(par.stats.states).toBe(seq.stats.states);
        expect(par.stats.transitions).toBe(seq.stats.transitions);
        expect(par.outcomes.map((o) => o.trace?.steps.map((s) => s.action) ?? null)).toEqual(
          seq.outcomes.map((o) => o.trace?.steps.map((s) => s.action) ?? null),
        );
      }
      checked++;
    }
    expect(checked).toBe(MODELS);
  });
});

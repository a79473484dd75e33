// The parallel engine must give the sequential engine's answers exactly:
// the same distinct states, transitions, depth, verdicts and the very same
// shortest traces, for any number of workers.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Force the two-phase parallel protocol even on small models (no sequential probe). */
const FORCE = { probeStates: 0 };
import { explore } from '../../src/engine/bfs.js';
import type { Model } from '../../src/engine/model.js';
import { SearchPool, exploreParallel } from '../../src/engine/parallel/coordinator.js';
import type { ModelRecipe } from '../../src/engine/recipe.js';
import type { ExploreOptions, ExploreResult } from '../../src/engine/result.js';
import { buildPhilosophers } from '../../models/philosophers/index.js';
import { LARGE, buildModel, randomSpec } from '../reference/random-model.js';

const PHIL = new URL('../../models/philosophers/index.ts', import.meta.url).href;
const RANDOM = new URL('../reference/random-model.ts', import.meta.url).href;

/** Everything that must not depend on the worker count. */
function essence(r: ExploreResult) {
  return {
    states: r.stats.states,
    transitions: r.stats.transitions,
    depth: r.stats.depth,
    complete: r.complete,
    stopReason: r.stopReason,
    outcomes: r.outcomes.map((o) => ({
      invariant: o.invariant,
      verdict: o.verdict,
      trace: o.trace?.steps.map((s) => [s.action, Array.from(s.state)]) ?? null,
    })),
  };
}

// Worker threads start once per pool size and are reused by every search.
const pools = new Map<number, SearchPool>();
beforeAll(() => {
  for (const n of [1, 2, 3]) pools.set(n, new SearchPool(n));
});
afterAll(async () => {
  for (const p of pools.values()) await p.close();
});

async function agree(model: Model, recipe: ModelRecipe, workers: number[], opts: ExploreOptions = {}) {
  const seq = essence(explore(model, opts));
  for (const w of workers) {
    const par = essence(await exploreParallel(model, recipe, pools.get(w)!, opts, FORCE));
    expect(par, `${model.name} with ${w} workers`).toEqual(seq);
  }
  return seq;
}

describe('parallel search equals sequential search', () => {
  it('philosophers N=4..7, 1-3 workers', async () => {
    for (const n of [4, 5, 6, 7]) {
      const seq = await agree(buildPhilosophers(n, 3), { module: PHIL, export: 'buildPhilosophers', args: [n, 3] }, [1, 2, 3]);
      if (n === 4) expect(seq.states).toBe(450);
      if (n === 6) expect(seq.states).toBe(5706);
    }
  });

  it('deadlock traces are the same shortest trace', async () => {
    for (const n of [3, 4]) {
      const seq = await agree(
        buildPhilosophers(n, 3, true),
        { module: PHIL, export: 'buildPhilosophers', args: [n, 3, true] },
        [2, 3],
      );
      expect(seq.outcomes.find((o) => o.invariant === 'deadlock')!.verdict).toBe('violated');
    }
  });

  it('limits cut at the same states', async () => {
    const recipe = { module: PHIL, export: 'buildPhilosophers', args: [6, 3] };
    const m = buildPhilosophers(6, 3);
    const a = await agree(m, recipe, [2], { maxStates: 1234 });
    expect(a.stopReason).toBe('max-states');
    expect(a.states).toBe(1234);
    const b = await agree(m, recipe, [2], { maxDepth: 9 });
    expect(b.stopReason).toBe('max-depth');
  });

  it('random models, small and large', async () => {
    let checked = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const spec = randomSpec(seed * 7919, seed % 4 === 0 ? LARGE : undefined);
      const recipe = { module: RANDOM, export: 'buildModel', args: [spec] };
      await agree(buildModel(spec), recipe, [2]);
      checked++;
    }
    expect(checked).toBe(24);
  });

  it('the shared visited table grows in place without losing or inventing states', async () => {
    for (const n of [6, 7]) {
      const m = buildPhilosophers(n, 3);
      const recipe = { module: PHIL, export: 'buildPhilosophers', args: [n, 3] };
      const seq = essence(explore(m));
      for (const w of [2, 3]) {
        for (const opts of [{}, { exact: true }]) {
          const par = await exploreParallel(m, recipe, pools.get(w)!, opts, { probeStates: 0, tableSlots: 4 });
          expect(essence(par), `N=${n}, ${w} workers, ${JSON.stringify(opts)}`).toEqual(seq);
        }
      }
    }
    for (let seed = 1; seed <= 12; seed++) {
      const spec = randomSpec(seed * 15485863, seed % 3 === 0 ? LARGE : undefined);
      const recipe = { module: RANDOM, export: 'buildModel', args: [spec] };
      const m = buildModel(spec);
      const par = await exploreParallel(m, recipe, pools.get(3)!, {}, { probeStates: 0, tableSlots: 4 });
      expect(essence(par)).toEqual(essence(explore(m)));
    }
  });

  it('a crashing worker fails the run with a clear error instead of hanging', async () => {
    const recipe = { module: new URL('../fixtures/crashing-model.ts', import.meta.url).href, export: 'crashingPhilosophers', args: [6, 500] };
    await expect(exploreParallel(buildPhilosophers(6, 3), recipe, 2, {}, FORCE)).rejects.toThrow(/search worker \d (failed|crashed).*exploded on purpose/);
  });
});

describe('--exact mode', () => {
  it('matches fingerprint mode on small models, sequential and parallel', async () => {
    for (const n of [4, 6]) {
      const m = buildPhilosophers(n, 3);
      const recipe = { module: PHIL, export: 'buildPhilosophers', args: [n, 3] };
      const fp = essence(explore(m));
      expect(essence(explore(m, { exact: true }))).toEqual(fp);
      expect(essence(await exploreParallel(m, recipe, pools.get(2)!, { exact: true }, FORCE))).toEqual(fp);
    }
    for (let seed = 1; seed <= 10; seed++) {
      const spec = randomSpec(seed * 104729);
      const m = buildModel(spec);
      expect(essence(explore(m, { exact: true }))).toEqual(essence(explore(m)));
    }
  });

  it('survives certain fingerprint collisions that make fingerprint mode lose states', async () => {
    // 4 bits per word: 256 fingerprints for 5,706 states.
    const m = buildPhilosophers(6, 3);
    const recipe = { module: PHIL, export: 'buildPhilosophers', args: [6, 3] };
    const weak = explore(m, { fingerprintMask: 0xf });
    expect(weak.stats.states).toBeLessThan(5706);
    const exactSeq = explore(m, { exact: true, fingerprintMask: 0xf });
    expect(exactSeq.stats.states).toBe(5706);
    expect(exactSeq.stats.collisionProbability).toBe(0);
    const exactPar = await exploreParallel(m, recipe, pools.get(2)!, { exact: true, fingerprintMask: 0xf }, FORCE);
    expect(essence(exactPar)).toEqual(essence(exactSeq));
    expect(essence(exactSeq)).toEqual(essence(explore(m)));
  });
});

describe('running out of addressable memory', () => {
  it('ends the search as incomplete (max-memory), sequential and parallel', async () => {
    const { exhaustingPhilosophers } = await import('../fixtures/crashing-model.js');
    const seq = explore(exhaustingPhilosophers(6, 5000));
    expect(seq.stopReason).toBe('max-memory');
    expect(seq.complete).toBe(false);
    expect(seq.outcomes.every((o) => o.verdict === 'incomplete')).toBe(true);
    const recipe = { module: new URL('../fixtures/crashing-model.ts', import.meta.url).href, export: 'exhaustingPhilosophers', args: [6, 5000] };
    const one = await exploreParallel(buildPhilosophers(6, 3), recipe, 1);
    expect(one.stopReason).toBe('max-memory');
    const two = await exploreParallel(buildPhilosophers(6, 3), recipe, 2, {}, FORCE);
    expect(['max-memory']).toContain(two.stopReason);
  });
});

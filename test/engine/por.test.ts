// Partial-order reduction (src/engine/por.ts) against the full search: on
// random models of actors with a sound declaration, --por must give every
// invariant and deadlock the full search's verdict, store no more states,
// and every counterexample must be a real run that ends in a violation; the
// parallel engine must reduce exactly as the sequential one. A deliberately
// false declaration must make the comparison fail (so it can fail).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explore } from '../../src/engine/bfs.js';
import type { Model } from '../../src/engine/model.js';
import { SearchPool, exploreParallel } from '../../src/engine/parallel/coordinator.js';
import type { ExploreResult, Trace } from '../../src/engine/result.js';
import { StateView } from '../../src/engine/state-view.js';
import { buildPorModel, randomPorSpec, type PorSpec } from './helpers/por-models.js';

const HELPER = new URL('./helpers/por-models.ts', import.meta.url).href;

/** Why a trace is not a real run to a violation of `invariant`, or null. */
function replayProblem(model: Model, trace: Trace, invariant: string): string | null {
  const steps = trace.steps;
  let cur = model.initialStates()[steps[0].action];
  if (!cur || !sameBytes(cur, steps[0].state)) return 'initial state differs';
  for (let i = 1; i < steps.length; i++) {
    const dst = cur.slice();
    if (!model.step(steps[i].action, cur, dst)) return `step ${i} not enabled`;
    if (!sameBytes(dst, steps[i].state)) return `step ${i} leads elsewhere`;
    cur = dst;
  }
  const view = new StateView(model.layout, cur);
  if (invariant === 'deadlock') {
    for (let a = 0; a < model.actionCount; a++) if (model.step(a, cur, cur.slice())) return 'last state is no deadlock';
    return null;
  }
  return model.invariants.find((x) => x.name === invariant)!.holds(view) ? 'last state does not violate it' : null;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Disagreements of the reduced search with the full one on one model. */
function disagreements(model: Model, full: ExploreResult, reduced: ExploreResult): string[] {
  const errs: string[] = [];
  if (!reduced.stats.partialOrder) errs.push('the reduced search did not run with partial-order reduction');
  if (reduced.stats.states > full.stats.states) errs.push(`reduced search stored more states (${reduced.stats.states} > ${full.stats.states})`);
  for (const o of full.outcomes) {
    const r = reduced.outcomes.find((x) => x.invariant === o.invariant);
    if (!r) {
      errs.push(`${o.invariant}: missing under --por`);
      continue;
    }
    if (r.verdict !== o.verdict) errs.push(`${o.invariant}: full ${o.verdict}, --por ${r.verdict}`);
    if (r.trace) {
      if (!r.trace.reduced) errs.push(`${o.invariant}: trace not marked as found under --por`);
      const p = replayProblem(model, r.trace, o.invariant);
      if (p) errs.push(`${o.invariant}: counterexample does not replay (${p})`);
      if (o.trace && r.trace.steps.length < o.trace.steps.length) errs.push(`${o.invariant}: shorter than the shortest`);
    }
  }
  return errs;
}

function check(spec: PorSpec): string[] {
  const model = buildPorModel(spec);
  return disagreements(model, explore(model), explore(model, { por: true }));
}

describe('partial-order reduction on random actor models', () => {
  it('gives the full search verdicts on 1,500 models, and reduces some', () => {
    let reducedSome = 0;
    let statesFull = 0;
    let statesPor = 0;
    let violated = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const spec = randomPorSpec(seed);
      const model = buildPorModel(spec);
      const full = explore(model);
      const por = explore(model, { por: true });
      const errs = disagreements(model, full, por);
      expect(errs, `seed ${seed}: ${JSON.stringify(spec)}`).toEqual([]);
      if (por.stats.states < full.stats.states) reducedSome++;
      statesFull += full.stats.states;
      statesPor += por.stats.states;
      violated += full.outcomes.filter((o) => o.verdict === 'violated').length;
    }
    // The suite means something only if the reduction bites and verdicts vary.
    expect(reducedSome).toBeGreaterThan(100);
    expect(statesPor).toBeLessThan(statesFull);
    expect(violated).toBeGreaterThan(300);
  }, 180_000);

  it('catches a false declaration on a small hand model (a shared variable declared private)', () => {
    // A0 copies x into its local, then sets bad if it saw 1; A1 sets x to 1.
    // Fields: pc0 l0 pc1 l1 x bad lock. bad == 1 is reachable (A1 first).
    const hand: PorSpec = {
      actors: 2,
      domains: [2, 2, 2, 2, 2, 2, 3],
      owner: [0, 0, 1, 1, -1, -1, -1],
      lock: 6,
      actions: [
        { actor: 0, guard: [{ field: 0, eq: true, value: 0 }], updates: [{ field: 1, from: 4 }, { field: 0, value: 1 }] },
        { actor: 0, guard: [{ field: 0, eq: true, value: 1 }, { field: 1, eq: true, value: 1 }], updates: [{ field: 5, value: 1 }] },
        { actor: 1, guard: [{ field: 2, eq: true, value: 0 }], updates: [{ field: 4, value: 1 }, { field: 2, value: 1 }] },
      ],
      invariants: [[{ field: 5, eq: false, value: 1 }]],
      wrongOwner: -1,
    };
    expect(check(hand)).toEqual([]);
    const wrong = check({ ...hand, wrongOwner: 4 });
    expect(wrong).toContain('inv0: full violated, --por holds');
  });

  it('a model that declares nothing is searched in full', () => {
    const spec = randomPorSpec(7);
    const { partialOrder: _, ...bare } = buildPorModel(spec);
    const r = explore(bare as Model, { por: true });
    expect(r.stats.partialOrder).toBeUndefined();
    expect(r.stats.states).toBe(explore(bare as Model).stats.states);
  });
});

describe('partial-order reduction in the parallel engine', () => {
  let pool: SearchPool;
  beforeAll(() => {
    pool = new SearchPool(2);
  });
  afterAll(async () => {
    await pool.close();
  });

  it('reduces exactly as the sequential engine (states, transitions, verdicts, traces)', async () => {
    const essence = (r: ExploreResult) => ({
      states: r.stats.states,
      transitions: r.stats.transitions,
      depth: r.stats.depth,
      outcomes: r.outcomes.map((o) => [o.invariant, o.verdict, o.trace?.steps.map((s) => s.action) ?? null]),
    });
    let reduced = 0;
    for (let seed = 1; seed <= 80; seed++) {
      const spec = randomPorSpec(seed * 31);
      const model = buildPorModel(spec);
      const seq = explore(model, { por: true });
      const par = await exploreParallel(model, { module: HELPER, export: 'buildPorModel', args: [spec] }, pool, { por: true }, { force: true });
      expect(essence(par), `seed ${seed * 31}`).toEqual(essence(seq));
      if (seq.stats.states < explore(model).stats.states) reduced++;
    }
    expect(reduced).toBeGreaterThan(3);
  }, 120_000);
});

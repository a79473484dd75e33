// Differential testing of the engine's breadth-first search against the
// brute-force reference explorer (test/reference/explorer.ts) on thousands
// of small random models (test/reference/random-model.ts).
//
// For every random model the engine is run three ways — default options, a
// random selection of invariants with deadlock checking on or off, and a
// pure counting run (no invariant, no deadlock check) — and each result must
// agree with the reference: stop reason, distinct states, transitions, depth,
// per-invariant and deadlock verdicts, and every counterexample must replay in
// the reference and be exactly as long as the shortest one.
//
// On failure fast-check prints the shrunk model in readable form (fields,
// initial states, guarded actions, invariants, terminal, constraint).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { explore } from '../../src/engine/bfs.js';
import { Layout } from '../../src/engine/layout.js';
import type { Model } from '../../src/engine/model.js';
import type { ExploreOptions, ExploreResult } from '../../src/engine/result.js';
import type { StateView } from '../../src/engine/state-view.js';
import { DEADLOCK } from '../../src/engine/result.js';
import { referenceExplore, replayInReference } from '../reference/explorer.js';
import { compareWithReference } from '../reference/compare.js';
import { LARGE, arbModel, describeSpec, randomModel } from '../reference/random-model.js';
import type { RandomModel } from '../reference/random-model.js';
import { mutations } from './helpers/explorers.js';
import type { Explorer, Mutation } from './helpers/explorers.js';

/** Options drawn alongside a model: a mask of invariants and the deadlock switch. */
const arbSelection = fc.record({ mask: fc.nat({ max: 7 }), checkDeadlock: fc.boolean() });

function selectionOpts(m: RandomModel, sel: { mask: number; checkDeadlock: boolean }): ExploreOptions {
  return {
    invariants: m.invariants.filter((_, i) => (sel.mask >> i) & 1).map((inv) => inv.name),
    checkDeadlock: sel.checkDeadlock,
  };
}

const COUNTING: ExploreOptions = { invariants: [], checkDeadlock: false };

/** All disagreements of one explorer with the reference on one model, labelled by run. */
function disagreements(run: Explorer, m: RandomModel, sel: { mask: number; checkDeadlock: boolean }): string[] {
  const errs: string[] = [];
  for (const [tag, opts] of [
    ['default options', {}],
    [`selection ${JSON.stringify(selectionOpts(m, sel))}`, selectionOpts(m, sel)],
    ['counting run', COUNTING],
  ] as const) {
    let result: ExploreResult;
    try {
      result = run(m, opts);
    } catch (e) {
      errs.push(`${tag}: explore threw ${(e as Error).stack ?? String(e)}`);
      continue;
    }
    for (const e of compareWithReference(m, result, opts)) errs.push(`${tag}: ${e}`);
  }
  return errs;
}

function differentialProperty(run: Explorer) {
  return fc.property(arbModel(), arbSelection, (m, sel) => {
    const errs = disagreements(run, m, sel);
    if (errs.length > 0) throw new Error(`engine disagrees with the reference:\n  ${errs.join('\n  ')}`);
  });
}

describe('differential: engine BFS vs reference explorer', () => {
  it('agrees on 3000 random models (fast-check)', () => {
    fc.assert(differentialProperty(explore), { numRuns: 3000 });
  });

  it('agrees on 500 seeded random models (plain generator)', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const m = randomModel(seed);
      const errs = disagreements(explore, m, { mask: seed % 8, checkDeadlock: seed % 3 !== 0 });
      expect(errs, describeSpec(m.spec)).toEqual([]);
    }
  });

  it('agrees on large models that outgrow the engine tables and level queues', () => {
    // seeds picked for 40k..120k reachable states (and levels over 4096 states)
    let widest = 0;
    for (const seed of [1, 11, 19, 31]) {
      const m = randomModel(seed, undefined, LARGE);
      const ref = referenceExplore(m);
      expect(ref.states, `seed ${seed}`).toBeGreaterThan(1 << 15);
      widest = Math.max(widest, ...ref.perDepth);
      const counting = { ...ref, outcomes: [], allViolated: false };
      for (const [opts, reference] of [
        [{}, ref],
        [COUNTING, counting],
      ] as const) {
        const errs = compareWithReference(m, explore(m, opts), { ...opts, reference });
        expect(errs, `${JSON.stringify(opts)}\n${describeSpec(m.spec)}`).toEqual([]);
      }
    }
    expect(widest).toBeGreaterThan(1 << 12);
  }, 60_000);

  it('agrees on a model with 65536 actions (the largest action number survives in traces)', () => {
    const layout = new Layout([{ name: 'x', domain: 3 }]);
    const last = 0xffff;
    const m: Model = {
      name: 'many-actions',
      layout,
      actionCount: last + 1,
      initialStates: () => [layout.newVector()],
      step(a, src, dst) {
        if (a !== last && a !== 7) return false;
        if (src[0] === 2) return false;
        dst[0] = a === last ? src[0] + 1 : 0;
        return true;
      },
      label: (a) => ({ thread: 't', action: `a${a}` }),
      invariants: [{ name: 'lt2', description: 'x < 2', holds: (s: StateView) => s.at(0) < 2 }],
    };
    for (const opts of [{}, COUNTING]) {
      const r = explore(m, opts);
      expect(compareWithReference(m, r, opts)).toEqual([]);
    }
    const r = explore(m, { checkDeadlock: false });
    expect(r.outcomes[0].trace!.steps.map((s) => s.action)).toEqual([0, last, last]);
  });

  it('agrees under a depth limit (maxDepth) on 500 random models', () => {
    fc.assert(
      fc.property(arbModel(), fc.nat({ max: 8 }), (m, extra) => {
        const ref = referenceExplore(m, COUNTING);
        const full = referenceExplore(m);
        if (ref.maxDepth === 0) return;
        const k = 1 + (extra % ref.maxDepth); // 1 .. maxDepth
        // counting run: exact level sums, stop reason decided by whether level k+1 exists
        const r = explore(m, { ...COUNTING, maxDepth: k });
        const upTo = ref.perDepth.slice(1, k + 1).reduce((a, b) => a + b, 0);
        const ctx = `maxDepth ${k}, reference max depth ${ref.maxDepth}`;
        expect(r.stats.states, ctx).toBe(upTo);
        expect(r.stats.depth, ctx).toBe(k);
        expect(r.stopReason, ctx).toBe(k >= ref.maxDepth ? 'exhausted' : 'max-depth');
        expect(r.complete, ctx).toBe(k >= ref.maxDepth);
        // with every property: violations within the limit are found with shortest traces
        const d = explore(m, { maxDepth: k });
        for (const exp of full.outcomes) {
          const got = d.outcomes.find((o) => o.invariant === exp.name)!;
          const within = exp.shortest !== null && exp.shortest <= k;
          // a deadlock at depth k is only seen if the limit level was fully stepped
          const maybe = exp.name === DEADLOCK && exp.shortest === k && d.stopReason === 'max-depth';
          if (within && !maybe) {
            expect(got.verdict, `${ctx}: ${exp.name}`).toBe('violated');
          }
          if (got.verdict === 'violated') {
            expect(within, `${ctx}: ${exp.name} violated beyond the limit`).toBe(true);
            expect(replayInReference(m, got.trace!), `${ctx}: ${exp.name}`).toEqual([]);
            expect(got.trace!.steps.length, `${ctx}: ${exp.name}`).toBe(exp.shortest);
          } else {
            expect(got.verdict, `${ctx}: ${exp.name}`).toBe(d.complete ? 'holds' : 'incomplete');
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------
// The comparison must be able to fail: wrap the real engine in deliberately
// broken explorers and check that the same property catches each of them.

function broken(mutate: Mutation): Explorer {
  return (m, opts) => {
    const r = explore(m, opts);
    return mutate(m, r) ?? r;
  };
}

describe('differential: the comparison catches broken engines', () => {
  for (const name of ['dropAState', 'extraTransition', 'hideViolation', 'insertSelfLoop', 'corruptLastState', 'repeatLastStep']) {
    it(`catches ${name}`, () => {
      const check = fc.check(differentialProperty(broken(mutations[name])), { numRuns: 500, seed: 42 });
      expect(check.failed, `${name} went unnoticed`).toBe(true);
      // the report names the model readably
      expect(String(check.counterexample?.[0])).toMatch(/^model fc-random\n {2}fields: /);
    });
  }

  it('catches an engine that silently stops at depth 3 and calls it exhausted', () => {
    const shallow: Explorer = (m, opts) => {
      const r = explore(m, { ...opts, maxDepth: 3 });
      return r.stopReason === 'max-depth'
        ? {
            ...r,
            complete: true,
            stopReason: 'exhausted',
            outcomes: r.outcomes.map((o) => (o.verdict === 'incomplete' ? { ...o, verdict: 'holds' as const } : o)),
          }
        : r;
    };
    const check = fc.check(differentialProperty(shallow), { numRuns: 500, seed: 7 });
    expect(check.failed).toBe(true);
  });

  it('catches an engine that ignores the constraint on initial states', () => {
    // explore a copy of the model whose constraint lets the initial states
    // through (the reference drops them)
    const leaky: Explorer = (m, opts) => {
      const c = m.constraint;
      if (!c) return explore(m, opts);
      const inits = new Set(m.initialStates().map((v) => v.join(',')));
      const wrapped: Model = {
        name: m.name,
        layout: m.layout,
        actionCount: m.actionCount,
        initialStates: () => m.initialStates(),
        step: (a, src, dst) => m.step(a, src, dst),
        label: (a, src) => m.label(a, src),
        invariants: m.invariants,
        isTerminal: m.isTerminal,
        constraint: (s: StateView) => inits.has(s.copy().join(',')) || c(s),
      };
      return explore(wrapped, opts);
    };
    const check = fc.check(differentialProperty(leaky), { numRuns: 2000, seed: 3 });
    expect(check.failed).toBe(true);
  });
});

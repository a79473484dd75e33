// Sanity tests of the reference explorer, the random-model generator and the
// comparison, so that none of them is merely trusted.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Layout } from '../../src/engine/layout.js';
import type { Model } from '../../src/engine/model.js';
import { DEADLOCK } from '../../src/engine/result.js';
import { StateView } from '../../src/engine/state-view.js';
import { key, referenceExplore, replayInReference } from './explorer.js';
import { compareWithReference } from './compare.js';
import { arbModel, buildModel, describeSpec, randomModel, randomSpec } from './random-model.js';
import type { ModelSpec } from './random-model.js';
import { dfsTraceEngine, mutations, referenceEngine } from '../engine/helpers/explorers.js';

// --- handwritten models ------------------------------------------------------

/** n independent counters, counter i over 0..dom[i]-1, action i increments it (wrapping or not). */
function counters(doms: number[], wrap: boolean, extra: Partial<Model> = {}): Model {
  const layout = new Layout(doms.map((d, i) => ({ name: `c${i}`, domain: d })));
  return {
    name: `counters(${doms.join(',')}${wrap ? ',wrap' : ''})`,
    layout,
    actionCount: doms.length,
    initialStates: () => [layout.newVector()],
    step(a, src, dst) {
      if (!wrap && src[a] === doms[a] - 1) return false;
      dst[a] = (src[a] + 1) % doms[a];
      return true;
    },
    label: (a) => ({ thread: `t${a}`, action: 'inc' }),
    invariants: [],
    ...extra,
  };
}

describe('reference explorer on handwritten models', () => {
  it('counts a bounded counter: N states, N-1 transitions, deadlock at the top', () => {
    for (const n of [1, 2, 5, 9]) {
      const r = referenceExplore(counters([n], false));
      expect(r.states).toBe(n);
      expect(r.transitions).toBe(n - 1);
      expect(r.maxDepth).toBe(n);
      expect(r.deadlock.violated).toBe(true);
      expect(r.deadlock.shortest).toBe(n);
      expect(r.outcomes.map((o) => o.name)).toEqual([DEADLOCK]);
      expect(r.allViolated).toBe(true);
    }
  });

  it('counts a wrapping counter: N states, N transitions, no deadlock', () => {
    const r = referenceExplore(counters([7], true));
    expect(r.states).toBe(7);
    expect(r.transitions).toBe(7);
    expect(r.deadlock.violated).toBe(false);
    expect(r.allViolated).toBe(false);
  });

  it('counts independent counters: product of domains, sum of firings', () => {
    // 3*4*2 = 24 states; every state enables all 3 actions: 72 transitions;
    // deepest state (2,3,1) is 2+3+1 = 6 steps from (0,0,0): depth 7.
    const r = referenceExplore(counters([3, 4, 2], true));
    expect(r.states).toBe(24);
    expect(r.transitions).toBe(72);
    expect(r.maxDepth).toBe(7);
    expect(r.perDepth).toEqual([0, 1, 3, 5, 6, 5, 3, 1]);
    // bounded version: transitions = sum over states of non-top counters
    // = sum_i (states with c_i below top) = 24*(2/3) + 24*(3/4) + 24*(1/2) = 16+18+12
    const b = referenceExplore(counters([3, 4, 2], false));
    expect(b.states).toBe(24);
    expect(b.transitions).toBe(46);
    expect(b.deadlock.shortest).toBe(7);
  });

  it('finds the shortest counterexample, not just any', () => {
    // c0 in 0..4 (wrapping), c1 in 0..4; invariant: not (c0 == 2 and c1 == 1): shortest is 3 incs + 1 = 4 states
    const m = counters([5, 5], true, {
      invariants: [{ name: 'no21', description: 'not (2,1)', holds: (s: StateView) => !(s.at(0) === 2 && s.at(1) === 1) }],
    });
    const r = referenceExplore(m);
    const o = r.outcomes.find((x) => x.name === 'no21')!;
    expect(o.violated).toBe(true);
    expect(o.shortest).toBe(4);
    expect(key(m, o.trace![3].state)).toBe('2,1');
    expect(o.trace![0].action).toBe(0);
  });

  it('applies the constraint to successors and to initial states; dropped firings still count', () => {
    // wrapping counter mod 5 with constraint c < 3: states 0,1,2; firings 0->1, 1->2, 2->3 (dropped) = 3
    const m = counters([5], true, { constraint: (s: StateView) => s.at(0) < 3 });
    const r = referenceExplore(m);
    expect(r.states).toBe(3);
    expect(r.transitions).toBe(3);
    expect(r.deadlock.violated).toBe(false); // 2 has an enabled action (its successor is merely dropped)
    expect([...r.reachable].sort()).toEqual(['0', '1', '2']);
    // an initial state failing the constraint is dropped
    const dropped = referenceExplore(counters([5], true, { constraint: (s: StateView) => s.at(0) > 0 }));
    expect(dropped.states).toBe(0);
    expect(dropped.transitions).toBe(0);
    expect(dropped.maxDepth).toBe(0);
    expect(dropped.allViolated).toBe(false);
  });

  it('respects isTerminal and the invariant selection', () => {
    const m = counters([4], false, {
      isTerminal: (s: StateView) => s.at(0) === 3,
      invariants: [
        { name: 'lt3', description: 'c0 < 3', holds: (s: StateView) => s.at(0) < 3 },
        { name: 'true', description: 'true', holds: () => true },
      ],
    });
    const r = referenceExplore(m);
    expect(r.deadlock.violated).toBe(false);
    expect(r.outcomes.map((o) => [o.name, o.violated, o.shortest])).toEqual([
      ['lt3', true, 4],
      ['true', false, null],
      [DEADLOCK, false, null],
    ]);
    const only = referenceExplore(m, { invariants: ['lt3'], checkDeadlock: false });
    expect(only.outcomes.map((o) => o.name)).toEqual(['lt3']);
    expect(only.allViolated).toBe(true);
    expect(() => referenceExplore(m, { invariants: ['nope'] })).toThrow();
  });

  it('deduplicates initial states and checks them at depth 1', () => {
    const layout = new Layout([{ name: 'x', domain: 3 }]);
    const m: Model = {
      name: 'dup-init',
      layout,
      actionCount: 1,
      initialStates: () => [Uint8Array.of(2, 0, 0, 0), Uint8Array.of(2, 0, 0, 0), Uint8Array.of(0, 0, 0, 0)],
      step: () => false,
      label: () => ({ thread: 't', action: 'none' }),
      invariants: [{ name: 'not2', description: 'x != 2', holds: (s: StateView) => s.at(0) !== 2 }],
    };
    const r = referenceExplore(m);
    expect(r.states).toBe(2);
    expect(r.transitions).toBe(0);
    expect(r.outcomes[0].shortest).toBe(1);
    expect(r.deadlock.shortest).toBe(1);
  });
});

describe('replayInReference', () => {
  const m = counters([3, 3], false);
  const z = (a: number, b: number) => Uint8Array.of(a, b, 0, 0);
  const lab = (a: number) => ({ thread: `t${a}`, action: 'inc' });

  it('accepts a valid trace', () => {
    expect(
      replayInReference(m, {
        steps: [
          { action: 0, label: null, state: z(0, 0) },
          { action: 1, label: lab(1), state: z(0, 1) },
          { action: 0, label: lab(0), state: z(1, 1) },
        ],
      }),
    ).toEqual([]);
  });

  it('rejects a non-initial start, a wrong successor, a disabled action, a wrong label', () => {
    expect(replayInReference(m, { steps: [{ action: 0, label: null, state: z(1, 0) }] })).not.toEqual([]);
    expect(
      replayInReference(m, {
        steps: [
          { action: 0, label: null, state: z(0, 0) },
          { action: 1, label: lab(1), state: z(1, 0) },
        ],
      }),
    ).not.toEqual([]);
    expect(
      replayInReference(m, {
        steps: [
          { action: 0, label: null, state: z(0, 0) },
          { action: 0, label: lab(0), state: z(1, 0) },
          { action: 0, label: lab(0), state: z(2, 0) },
          { action: 0, label: lab(0), state: z(0, 0) },
        ],
      }),
    ).not.toEqual([]);
    expect(
      replayInReference(m, {
        steps: [
          { action: 0, label: null, state: z(0, 0) },
          { action: 0, label: lab(1), state: z(1, 0) },
        ],
      }),
    ).not.toEqual([]);
    expect(replayInReference(m, { steps: [] })).not.toEqual([]);
    expect(replayInReference(m, { steps: [{ action: 1, label: null, state: z(0, 0) }] })).not.toEqual([]);
  });
});

// --- an independent cross-check: fixpoint over the whole product space --------

/**
 * Distances by naive relaxation over every vector of the product space (no
 * queue, no visited set): dist(s) = 1 for allowed initial states, else
 * 1 + min dist of an allowed predecessor, iterated to a fixpoint.
 */
function fixpointDistances(model: Model): Map<string, number> {
  const doms = model.layout.fields.map((f) => f.domain);
  const all: Uint8Array[] = [];
  const rec = (i: number, v: number[]) => {
    if (i === doms.length) {
      const vec = model.layout.newVector();
      v.forEach((x, j) => (vec[j] = x));
      all.push(vec);
      return;
    }
    for (let x = 0; x < doms[i]; x++) rec(i + 1, [...v, x]);
  };
  rec(0, []);
  const ok = (v: Uint8Array) => !model.constraint || model.constraint(new StateView(model.layout, v));
  const dist = new Map<string, number>();
  for (const i of model.initialStates()) if (ok(i)) dist.set(key(model, i), 1);
  for (let changed = true; changed; ) {
    changed = false;
    for (const v of all) {
      const d = dist.get(key(model, v));
      if (d === undefined) continue;
      for (let a = 0; a < model.actionCount; a++) {
        const dst = v.slice();
        if (!model.step(a, v.slice(), dst) || !ok(dst)) continue;
        const k = key(model, dst);
        if ((dist.get(k) ?? Infinity) > d + 1) {
          dist.set(k, d + 1);
          changed = true;
        }
      }
    }
  }
  return dist;
}

describe('reference explorer against a fixpoint computation', () => {
  it('agrees on reachable states, transitions, max depth and shortest lengths (400 seeded models)', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const m = randomModel(seed);
      const r = referenceExplore(m);
      const dist = fixpointDistances(m);
      const ctx = describeSpec(m.spec);
      expect([...r.reachable].sort(), ctx).toEqual([...dist.keys()].sort());
      expect(r.maxDepth, ctx).toBe(Math.max(0, ...dist.values()));
      let transitions = 0;
      const view = (k: string) => {
        const v = m.layout.newVector();
        k.split(',').forEach((x, i) => (v[i] = Number(x)));
        return v;
      };
      const best = new Map<string, number>();
      for (const [k, d] of dist) {
        const v = view(k);
        let enabled = 0;
        for (let a = 0; a < m.actionCount; a++) if (m.step(a, v.slice(), v.slice())) enabled++;
        transitions += enabled;
        const sv = new StateView(m.layout, v);
        for (const inv of m.invariants) if (!inv.holds(sv)) best.set(inv.name, Math.min(best.get(inv.name) ?? Infinity, d));
        if (enabled === 0 && !(m.isTerminal?.(sv) ?? false)) best.set(DEADLOCK, Math.min(best.get(DEADLOCK) ?? Infinity, d));
      }
      expect(r.transitions, ctx).toBe(transitions);
      for (const o of r.outcomes) expect(o.shortest, `${ctx}\n${o.name}`).toBe(best.get(o.name) ?? null);
    }
  });
});

// --- the generator ------------------------------------------------------------

describe('random models', () => {
  it('are reproducible from a seed and print readably', () => {
    expect(randomSpec(42)).toEqual(randomSpec(42));
    const text = String(randomModel(42));
    expect(text).toContain('model random#42');
    expect(text).toMatch(/a0: .* -> /);
    expect(fc.stringify(randomModel(7))).toBe(describeSpec(randomSpec(7)));
  });

  it('obey the step contract: disabled leaves dst untouched, deterministic, in domain', () => {
    fc.assert(
      fc.property(arbModel(), fc.array(fc.nat({ max: 255 }), { minLength: 5, maxLength: 5 }), (m, raw) => {
        const src = m.layout.newVector();
        m.layout.fields.forEach((f, i) => (src[i] = raw[i] % f.domain));
        for (let a = 0; a < m.actionCount; a++) {
          const d1 = src.slice();
          const d2 = src.slice();
          const e1 = m.step(a, src, d1);
          const e2 = m.step(a, src, d2);
          expect(e1).toBe(e2);
          expect([...d1]).toEqual([...d2]);
          if (!e1) expect([...d1]).toEqual([...src]);
          expect(m.layout.inDomain(d1)).toBe(true);
        }
        for (const i of m.initialStates()) expect(m.layout.inDomain(i)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('check the engine side of the contract (dst must be a copy of src)', () => {
    const m = randomModel(3);
    const src = m.layout.newVector();
    const dst = src.slice();
    dst[0] = 1;
    expect(() => m.step(0, src, dst)).toThrow(/step contract/);
    const lax = buildModel(m.spec, { checkStepContract: false });
    expect(() => lax.step(0, src, dst)).not.toThrow();
  });

  it('cover the interesting cases', () => {
    let withConstraint = 0,
      withTerminal = 0,
      deadlocks = 0,
      violations = 0,
      holds = 0,
      emptyInit = 0,
      initViolations = 0,
      allViolated = 0,
      padded = 0,
      big = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const m = randomModel(seed);
      const r = referenceExplore(m);
      if (m.spec.constraint) withConstraint++;
      if (m.spec.terminal) withTerminal++;
      if (r.deadlock.violated) deadlocks++;
      for (const o of r.outcomes) {
        if (o.name === DEADLOCK) continue;
        if (o.violated) violations++;
        else holds++;
        if (o.shortest === 1) initViolations++;
      }
      if (r.states === 0) emptyInit++;
      if (r.allViolated) allViolated++;
      if (m.layout.stride > m.layout.width) padded++;
      if (r.states >= 20) big++;
    }
    expect(withConstraint).toBeGreaterThan(100);
    expect(withTerminal).toBeGreaterThan(100);
    expect(deadlocks).toBeGreaterThan(100);
    expect(violations).toBeGreaterThan(200);
    expect(holds).toBeGreaterThan(200);
    expect(emptyInit).toBeGreaterThan(5);
    expect(initViolations).toBeGreaterThan(50);
    expect(allViolated).toBeGreaterThan(20);
    expect(padded).toBeGreaterThan(500);
    expect(big).toBeGreaterThan(50);
  });
});

// --- the comparison itself: accepts the reference, rejects broken explorers ---

describe('compareWithReference', () => {
  const optsFor = (m: ReturnType<typeof randomModel>, seed: number) =>
    seed % 3 === 0
      ? { invariants: m.invariants.filter((_, i) => (seed >> i) & 1).map((i) => i.name), checkDeadlock: seed % 2 === 0 }
      : {};

  it('accepts the reference presented as an engine', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const m = randomModel(seed);
      const opts = optsFor(m, seed);
      expect(compareWithReference(m, referenceEngine(m, opts), opts), describeSpec(m.spec)).toEqual([]);
    }
  });

  for (const [name, mutate] of Object.entries(mutations)) {
    it(`rejects the mutation ${name}`, () => {
      let applied = 0;
      for (let seed = 1; seed <= 300; seed++) {
        const m = randomModel(seed);
        const opts = optsFor(m, seed);
        const ref = referenceExplore(m, opts);
        // count mutations are only detectable when the search must exhaust
        if ((name === 'dropAState' || name === 'extraTransition') && ref.allViolated) continue;
        const bad = mutate(m, referenceEngine(m, opts));
        if (!bad) continue;
        applied++;
        expect(compareWithReference(m, bad, { ...opts, reference: ref }), describeSpec(m.spec)).not.toEqual([]);
      }
      expect(applied).toBeGreaterThan(10);
    });
  }

  it('rejects depth-first (valid but not shortest) counterexamples', () => {
    const check = fc.check(
      fc.property(arbModel(), (m) => {
        const errs = compareWithReference(m, dfsTraceEngine(m));
        return errs.length === 0;
      }),
      { numRuns: 2000, seed: 1 },
    );
    expect(check.failed).toBe(true);
    // and every complaint is about trace length only: the DFS traces replay
    const m = check.counterexample![0];
    const errs = compareWithReference(m, dfsTraceEngine(m));
    expect(errs.length).toBeGreaterThan(0);
    for (const e of errs) expect(e).toMatch(/trace length \d+, shortest is \d+/);
  });

  it('a model specification prints with every part shown', () => {
    const spec: ModelSpec = {
      name: 'hand',
      domains: [3, 2],
      actions: [
        {
          guard: { combine: 'and', atoms: [{ kind: 'const', field: 0, op: '<', value: 2 }] },
          updates: [{ kind: 'inc', field: 0 }, { kind: 'copy', field: 1, from: 0 }],
        },
        { guard: { combine: 'or', atoms: [] }, updates: [{ kind: 'set', field: 1, value: 1 }] },
      ],
      invariants: [{ combine: 'or', atoms: [{ kind: 'field', field: 0, op: '!=', other: 1 }] }],
      terminal: { combine: 'and', atoms: [] },
      constraint: null,
      initial: [[0, 1]],
    };
    expect(describeSpec(spec)).toBe(
      [
        'model hand',
        '  fields: f0:3 f1:2',
        '  init: [0,1]',
        '  a0: f0 < 2  ->  f0 := (f0+1) mod 3; f1 := f0 mod 2',
        '  a1: false  ->  f1 := 1',
        '  inv0: f0 != f1',
        '  terminal: true',
        '  constraint: (none)',
      ].join('\n'),
    );
    // and the semantics match the text: from (0,1), a0 gives (1, 0 mod 2 = 0)
    const m = buildModel(spec);
    const src = Uint8Array.of(0, 1, 0, 0);
    const dst = src.slice();
    expect(m.step(0, src, dst)).toBe(true);
    expect([...dst]).toEqual([1, 0, 0, 0]);
    expect(m.step(1, src, src.slice())).toBe(false);
  });
});

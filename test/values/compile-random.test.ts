// Random value models, searched with the compiled answers (decision trees,
// src/values/compile.ts) and on real records for every call: the same state
// counts, transitions, depths, verdicts and counterexamples. The generated
// guards and updates mix what the tracker follows (get, the accessors, set,
// update, list iterations) with what it must give up on (toJS, equals,
// reverse, merge, withMutations, getIn), so both paths and their seams run.

import { List } from 'immutable';
import { describe, expect, it } from 'vitest';
import { explore } from '../../src/engine/bfs.js';
import { action, intRange, listOf, valueModel, type State } from '../../src/values/index.js';

const V = intRange(0, 2);
const fields = { x: V, y: V, z: V, xs: listOf(3, V) };
type S = State<typeof fields>;
type Expr = (s: S) => number;
type Guard = (s: S) => boolean;
type Update = (s: S) => S;

/** A small deterministic generator (mulberry32). */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

function model(seed: number, compile: boolean) {
  const r = rng(seed);
  const scalar = () => r.pick(['x', 'y', 'z'] as const);
  const expr = (): Expr => {
    const k = r.int(3);
    const f = scalar();
    const i = r.int(3);
    return r.pick<Expr>([
      () => k,
      (s) => s[f],
      (s) => s.get(f),
      (s) => s.xs.get(i)!,
      (s) => s.xs.count((v) => v === k) % 3,
      (s) => Math.max(0, s.xs.indexOf(k)),
      (s) => s.xs.reduce((n: number, v) => n + v, 0) % 3,
      (s) => (s.toJS() as { y: number }).y, // escapes
      (s) => s.getIn(['xs', i]) as number, // escapes
    ]);
  };
  const guard = (): Guard => {
    const a = expr();
    const b = expr();
    const k = r.int(3);
    return r.pick<Guard>([
      (s) => a(s) === b(s),
      (s) => a(s) !== b(s),
      (s) => a(s) < b(s),
      (s) => s.xs.some((v) => v === k),
      (s) => s.xs.every((v) => v <= k),
      (s) => s.xs.includes(k),
      (s) => s.xs.find((v) => v > k) !== undefined,
      (s) => !s.xs.equals(List([k, k, k])), // escapes
      () => true,
    ]);
  };
  const update = (): Update => {
    const e = expr();
    const f = scalar();
    const i = r.int(3);
    return r.pick<Update>([
      (s) => s.set(f, (e(s) + 1) % 3),
      (s) => s.set(f, e(s)),
      (s) => s.update(f, (v) => (v + e(s)) % 3),
      (s) => s.set('xs', s.xs.set(i, e(s))),
      (s) => s.update('xs', (xs) => xs.update(i, (v) => (v + 1) % 3)),
      (s) => s.set('xs', s.xs.map((v) => (v + e(s)) % 3)),
      (s) => s.set('xs', s.xs.reverse()), // escapes
      (s) => s.merge({ [f]: e(s) }), // escapes
      (s) => s.withMutations((m) => m.set(f, 0)), // escapes
    ]);
  };
  const actions: Record<string, ReturnType<typeof action<S>>> = {};
  const nActions = 3 + r.int(4);
  for (let a = 0; a < nActions; a++) {
    const g = guard();
    const u1 = update();
    const g2 = scalar();
    // Every other action also moves a counter on, so the models go somewhere.
    const u2 = r.int(2) === 0 ? update() : (s: S) => s.set(g2, (s.get(g2) + 1) % 3);
    actions[`a${a}`] = action<S>({ actor: () => `T${a % 2}`, next: (s) => (g(s) ? u2(u1(s)) : null) });
  }
  // Rarely violated (so the searches go deep), sometimes violated (so traces are compared too).
  const invs = [0, 1].map(() => {
    const [g1, g2, g3] = [guard(), guard(), guard()];
    return (s: S) => !(g1(s) && g2(s) && g3(s));
  });
  return valueModel(
    {
      name: `random-${seed}`,
      fields,
      init: () => ({ x: r.int(3), y: 0, z: 0, xs: [0, 0, 0] }),
      actions,
      invariants: invs.map((holds, k) => ({ name: `inv${k}`, description: `generated invariant ${k}`, holds })),
    },
    { compile },
  );
}

function summary(m: ReturnType<typeof model>) {
  const r = explore(m);
  return {
    states: r.stats.states,
    transitions: r.stats.transitions,
    depth: r.stats.depth,
    outcomes: r.outcomes.map((o) => [o.invariant, o.verdict, o.trace?.steps.map((s) => `${s.label?.action ?? ''}:${Array.from(s.state).join('')}`).join(' ') ?? null]),
  };
}

describe('random value models: compiled answers equal runs on records', () => {
  it('100 models', () => {
    let nonTrivial = 0;
    let violated = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const compiled = summary(model(seed, true));
      const plain = summary(model(seed, false));
      expect(compiled, `seed ${seed}`).toEqual(plain);
      if (plain.states > 5) nonTrivial++;
      if (plain.outcomes.some((o) => o[1] === 'violated' && o[0] !== 'deadlock')) violated++;
    }
    // The generator is not degenerate: most models reach more than a handful of states, some violate an invariant.
    expect(nonTrivial).toBeGreaterThan(50);
    expect(violated).toBeGreaterThan(10);
  });
});

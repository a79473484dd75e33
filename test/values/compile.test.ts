// The value API's compiled answers (src/values/compile.ts: decision trees
// over the bytes the author's code reads) against running that code on real
// records for every call: the same searches, including code the tracker must
// give up on (methods it cannot follow), and far fewer calls of the code.

import { List } from 'immutable';
import { describe, expect, it } from 'vitest';
import { explore } from '../../src/engine/bfs.js';
import { checkLiveness } from '../../src/engine/liveness.js';
import { action, bool, intRange, listOf, maybe, valueModel, type State } from '../../src/values/index.js';
import { buildPhilosophersFromValues } from '../../models/philosophers/values.js';

const fields = {
  a: intRange(0, 3),
  b: intRange(0, 3),
  flags: listOf(4, bool()),
  owner: maybe(intRange(0, 3)),
};
type S = State<typeof fields>;
const params = { i: intRange(0, 3) };
const actor = ({ i }: { i: number }) => `T${i}`;

/** A model whose code uses reads, iterations, copies across fields and methods the tracker cannot follow. */
function mixed(compile: boolean, calls = { next: 0 }) {
  const counted = <T>(f: T): T => ((...args: unknown[]) => {
    calls.next++;
    return (f as (...a: unknown[]) => unknown)(...args);
  }) as T;
  return valueModel(
    {
      name: 'mixed',
      fields,
      init: () => ({ a: 0, b: 0, flags: [false, false, false, false], owner: null }),
      actions: {
        // toJS reads every field behind the tracker's back: must run on real records.
        'inc-a': action<S>({ actor: () => 'T0', next: counted((s: S) => ((s.toJS() as { a: number }).a < 3 ? s.set('a', s.a + 1) : null)) }),
        copy: action<S, typeof params>({ params, actor, next: counted((s: S, { i }: { i: number }) => (s.flags.get(i) ? s.set('b', s.a) : null)) }),
        flip: action<S, typeof params>({ params, actor, next: counted((s: S, { i }: { i: number }) => s.update('flags', (f) => f.update(i, (v) => !v))) }),
        claim: action<S, typeof params>({
          params,
          actor,
          next: counted((s: S, { i }: { i: number }) => (s.owner === null && s.flags.count((f) => f) >= 2 && s.flags.indexOf(true) <= i ? s.set('owner', i) : null)),
        }),
        release: action<S, typeof params>({
          params,
          actor,
          next: counted((s: S, { i }: { i: number }) => (s.owner === i ? s.set('owner', null).set('flags', s.flags.map((v) => !v)) : null)),
        }),
        // reverse and merge are not followed: cached as "run it".
        reverse: action<S>({ actor: () => 'T1', next: counted((s: S) => (s.b === 2 ? s.set('flags', s.flags.reverse()) : null)) }),
        reset: action<S>({ actor: () => 'T2', next: counted((s: S) => (s.a === s.b && s.a > 0 ? s.merge({ a: 0 }) : null)) }),
        'b-to-a': action<S>({ actor: () => 'T3', next: counted((s: S) => (s.b === 3 ? s.withMutations((r) => r.set('a', r.b)) : null)) }),
      },
      invariants: [
        { name: 'not-all-flags', description: 'some flag is down', holds: (s) => !s.flags.every((f) => f) },
        { name: 'few-flags', description: 'at most three flags up', holds: (s) => s.flags.reduce((n: number, f) => n + (f ? 1 : 0), 0) <= 3 },
        { name: 'equals-escape', description: 'never all four flags up with owner 3', holds: (s) => !s.flags.equals(List([true, true, true, true])) || s.owner !== 3 },
        { name: 'a-not-b-three', description: 'a and b are not both 3', holds: (s) => !(s.a === 3 && s.b === 3) },
      ],
      liveness: [{ name: 'owner-releases', description: 'an owner eventually releases', obligations: ['T0', 'T1', 'T2', 'T3'], pending: (s, k) => s.owner === k }],
      fairActors: true,
      constraint: (s) => s.a + s.b < 6,
    },
    { compile },
  );
}

function summary(r: ReturnType<typeof explore>) {
  return {
    states: r.stats.states,
    transitions: r.stats.transitions,
    depth: r.stats.depth,
    outcomes: r.outcomes.map((o) => [o.invariant, o.verdict, o.trace?.steps.length ?? null, o.trace?.steps.map((s) => Array.from(s.state).join(','))]),
  };
}

describe('value models answered from decision trees', () => {
  it('a model mixing followed and unfollowed code: the same search as on real records', () => {
    const compiled = summary(explore(mixed(true)));
    const plain = summary(explore(mixed(false)));
    expect(compiled).toEqual(plain);
    // The model is not trivial: some invariants fail, with traces.
    expect(plain.outcomes.filter((o) => o[1] === 'violated').length).toBeGreaterThan(0);
    expect(plain.states).toBeGreaterThan(50);
  });

  it('liveness over the compiled pending: the same lasso as on real records', () => {
    const a = mixed(true);
    const b = mixed(false);
    const ra = checkLiveness(a, a.liveness!);
    const rb = checkLiveness(b, b.liveness!);
    expect(ra.states).toBe(rb.states);
    expect(ra.outcomes.map((o) => [o.verdict, o.trace?.steps.length])).toEqual(rb.outcomes.map((o) => [o.verdict, o.trace?.steps.length]));
  });

  it('the author code runs once per distinct path, not once per call', () => {
    const on = { next: 0 };
    const off = { next: 0 };
    const r = explore(mixed(true, on));
    explore(mixed(false, off));
    // Every action is tried on every state when not compiled (and again on the traces' states).
    expect(off.next).toBeGreaterThanOrEqual(r.stats.states * mixed(false).actionCount);
    expect(on.next).toBeLessThan(off.next / 3);
  });

  it('philosophers N=6: the same counts, verdicts and traces compiled and not', () => {
    const a = explore(buildPhilosophersFromValues(6, 3));
    const b = explore(valueModelOf(6));
    expect(summary(a)).toEqual(summary(b));
  });

  it('a value outside its domain is still reported with the field and action', () => {
    const bad = valueModel({
      name: 'bad',
      fields: { x: intRange(0, 2) },
      init: () => ({ x: 0 }),
      actions: { up: action<State<{ x: ReturnType<typeof intRange> }>>({ actor: () => 'T', next: (s) => s.set('x', s.x + 1) }) },
    });
    expect(() => explore(bad)).toThrow(/bad: action up set x to 3, outside its domain \(an integer in 0\.\.2\)/);
  });
});

/** Philosophers through the uncompiled path (the same spec, compile off). */
function valueModelOf(n: number) {
  return buildPhilosophersFromValues(n, 3, false, { compile: false });
}

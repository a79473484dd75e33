// Dining philosophers written with the value-semantics API (src/values):
// the worked example of docs/writing-a-model.md. The same transition system
// as the hand-packed model in index.ts (so the same state counts), written
// as Immutable.js records: a philosopher's phase, each fork's owner (or
// null) and the shared meal counter.

import type { Model } from '../../src/engine/model.js';
import { action, intRange, listOf, maybe, oneOf, valueModel, type State, type ValueModelOptions } from '../../src/values/index.js';

const PHASE = oneOf('thinking', 'hungry', 'has-first', 'eating');

export function buildPhilosophersFromValues(n: number, m: number, lefty = false, options: ValueModelOptions = {}): Model {
  const philosopher = intRange(0, n - 1);
  const fields = {
    pc: listOf(n, PHASE, { group: (i) => `philosopher P${i}` }),
    fork: listOf(n, maybe(philosopher, 'free'), { group: () => 'forks' }),
    meals: intRange(0, m - 1),
  };
  type S = State<typeof fields>;

  const left = (i: number) => i;
  const right = (i: number) => (i + 1) % n;
  // Philosopher N-1 takes its forks in the opposite order (no deadlock), unless lefty.
  const first = (i: number) => (lefty || i < n - 1 ? left(i) : right(i));
  const second = (i: number) => (lefty || i < n - 1 ? right(i) : left(i));
  const params = { i: philosopher };
  const actor = ({ i }: { i: number }) => `P${i}`;

  return valueModel({
    name: `philosophers[N=${n},M=${m}${lefty ? ',lefty' : ''},values]`,
    fields,
    groups: { meals: 'shared' },
    init: () => ({ pc: Array(n).fill('thinking'), fork: Array(n).fill(null), meals: 0 }),
    actions: {
      'get-hungry': action<S, typeof params>({
        params,
        actor,
        next: (s, { i }) => (s.pc.get(i) === 'thinking' ? s.set('pc', s.pc.set(i, 'hungry')) : null),
      }),
      'take-first': action<S, typeof params>({
        params,
        actor,
        next: (s, { i }) =>
          s.pc.get(i) === 'hungry' && s.fork.get(first(i)) === null
            ? s.set('pc', s.pc.set(i, 'has-first')).set('fork', s.fork.set(first(i), i))
            : null,
      }),
      'take-second': action<S, typeof params>({
        params,
        actor,
        next: (s, { i }) =>
          s.pc.get(i) === 'has-first' && s.fork.get(second(i)) === null
            ? s.set('pc', s.pc.set(i, 'eating')).set('fork', s.fork.set(second(i), i))
            : null,
      }),
      release: action<S, typeof params>({
        params,
        actor,
        next: (s, { i }) =>
          s.pc.get(i) === 'eating'
            ? s
                .set('pc', s.pc.set(i, 'thinking'))
                .set('fork', s.fork.set(left(i), null).set(right(i), null))
                .set('meals', (s.meals + 1) % m)
            : null,
      }),
    },
    invariants: [
      {
        name: 'eating-holds-forks',
        description: 'every eating philosopher holds both of its forks',
        holds: (s) => s.pc.every((phase, i) => phase !== 'eating' || (s.fork.get(left(i)) === i && s.fork.get(right(i)) === i)),
      },
    ],
    liveness: [
      {
        name: 'hungry-eats',
        description: 'under weak fairness of every philosopher, every hungry philosopher eventually eats (fails: starvation)',
        obligations: Array.from({ length: n }, (_, i) => `P${i}`),
        pending: (s, i) => s.pc.get(i) === 'hungry' || s.pc.get(i) === 'has-first',
      },
    ],
    fairActors: true,
    held: (s) => {
      const out: Record<string, string[]> = {};
      for (let i = 0; i < n; i++) out[`P${i}`] = [];
      s.fork.forEach((owner, j) => {
        if (owner !== null) out[`P${owner}`].push(`fork[${j}]`);
      });
      return out;
    },
  }, options);
}

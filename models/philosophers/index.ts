// Dining philosophers with a shared meal counter: the engine's calibration
// model. Exactly the transition system of shared/bench/philosophers.pml, so
// its reachable state counts can be compared with SPIN's and TLC's.
//
// State: pc[i] (0 thinking, 1 hungry, 2 holds first fork, 3 eating),
// fork[j] (0 free, else owner+1), meals (mod M). Philosopher i takes fork i
// then fork (i+1) mod N, except philosopher N-1, who takes them in the
// opposite order. Action 4*i+k is philosopher i's k-th transition.
// With `lefty` every philosopher takes its left fork first: the classic
// deadlock, kept as a small registered model with a real counterexample.

import type { ModelFamily } from '../../src/engine/catalog.js';
import { Layout, type FieldDecl } from '../../src/engine/layout.js';
import type { ActionLabel, Invariant, Model } from '../../src/engine/model.js';
import type { StateView } from '../../src/engine/state-view.js';
import { LOCK_ORDER, LOCK_ORDER_DESCRIPTION } from '../../src/engine/properties.js';
import { DEADLOCK } from '../../src/engine/result.js';
import { buildPhilosophersFromValues } from './values.js';

const HUNGRY_EATS = {
  name: 'hungry-eats',
  description: 'under weak fairness of every philosopher, every hungry philosopher eventually eats (fails: starvation)',
} as const;

const PC_NAMES = ['thinking', 'hungry', 'has-first', 'eating'] as const;
const ACTIONS = ['get-hungry', 'take-first', 'take-second', 'release'] as const;

export function buildPhilosophers(n: number, m: number, lefty = false): Model {
  const fields: FieldDecl[] = [];
  for (let i = 0; i < n; i++) fields.push({ name: `pc[${i}]`, domain: 4, values: PC_NAMES, group: `philosopher P${i}` });
  const forkValues = ['free', ...Array.from({ length: n }, (_, i) => `P${i}`)];
  for (let j = 0; j < n; j++) fields.push({ name: `fork[${j}]`, domain: n + 1, values: forkValues, group: 'forks' });
  fields.push({ name: 'meals', domain: m, group: 'shared' });
  const layout = new Layout(fields);
  const PC = 0;
  const FORK = n;
  const MEALS = 2 * n;
  const left = (i: number) => i;
  const right = (i: number) => (i + 1) % n;
  const first = (i: number) => (lefty || i < n - 1 ? left(i) : right(i));
  const second = (i: number) => (lefty || i < n - 1 ? right(i) : left(i));
  const firstOf = Int32Array.from({ length: n }, (_, i) => first(i));
  const secondOf = Int32Array.from({ length: n }, (_, i) => second(i));

  const bothForks: Invariant = {
    name: 'eating-holds-forks',
    description: 'every eating philosopher holds both of its forks',
    holds(s: StateView): boolean {
      for (let i = 0; i < n; i++) {
        if (s.at(PC + i) === 3 && (s.at(FORK + left(i)) !== i + 1 || s.at(FORK + right(i)) !== i + 1)) return false;
      }
      return true;
    },
  };

  return {
    name: `philosophers[N=${n},M=${m}${lefty ? ',lefty' : ''}]`,
    layout,
    actionCount: 4 * n,
    initialStates: () => [layout.newVector()],
    step(a: number, s: Uint8Array, d: Uint8Array): boolean {
      const i = a >>> 2;
      const pc = s[PC + i];
      switch (a & 3) {
        case 0:
          if (pc !== 0) return false;
          d[PC + i] = 1;
          return true;
        case 1: {
          const f = FORK + firstOf[i];
          if (pc !== 1 || s[f] !== 0) return false;
          d[f] = i + 1;
          d[PC + i] = 2;
          return true;
        }
        case 2: {
          const f = FORK + secondOf[i];
          if (pc !== 2 || s[f] !== 0) return false;
          d[f] = i + 1;
          d[PC + i] = 3;
          return true;
        }
        default:
          if (pc !== 3) return false;
          d[FORK + left(i)] = 0;
          d[FORK + right(i)] = 0;
          d[PC + i] = 0;
          d[MEALS] = (s[MEALS] + 1) % m;
          return true;
      }
    },
    label(a: number): ActionLabel {
      const i = a >>> 2;
      const k = a & 3;
      const fork = k === 1 ? firstOf[i] : k === 2 ? secondOf[i] : -1;
      return { thread: `P${i}`, action: ACTIONS[k], ...(fork >= 0 ? { params: { fork } } : {}) };
    },
    invariants: [bothForks],
    liveness: [
      {
        ...HUNGRY_EATS,
        obligations: n,
        obligationName: (i) => `P${i}`,
        pending: (s, i) => s.at(PC + i) === 1 || s.at(PC + i) === 2,
      },
    ],
    fairness: { groups: Array.from({ length: n }, (_, i) => `P${i}`), groupOf: (a) => a >>> 2 },
    // Partial-order reduction: each philosopher owns its pc; forks and meals are shared.
    // The invariant reads the pcs only through "eating or not" and the forks.
    partialOrder: {
      actorOf: Array.from({ length: 4 * n }, (_, a) => a >>> 2),
      actors: n,
      owner: layout.fields.map((_, f) => (f < n ? f : -1)),
      writeGuard: layout.fields.map(() => -1),
      accessGuard: layout.fields.map(() => -1),
      invariantReads: (name) =>
        name === bothForks.name
          ? [
              ...Array.from({ length: n }, (_, i) => ({ fields: [PC + i], classOf: (s: Uint8Array) => (s[PC + i] === 3 ? 1 : 0) })),
              ...Array.from({ length: n }, (_, j) => ({ fields: [FORK + j] })),
            ]
          : null,
    },
    held(s: StateView) {
      const out: Record<string, string[]> = {};
      for (let i = 0; i < n; i++) {
        const forks: string[] = [];
        for (let j = 0; j < n; j++) if (s.at(FORK + j) === i + 1) forks.push(`fork[${j}]`);
        out[`P${i}`] = forks;
      }
      return out;
    },
  };
}

export const philosophersFamily: ModelFamily = {
  name: 'philosophers',
  description: 'dining philosophers with a meal counter (calibration model, same as shared/bench/philosophers.pml)',
  params: [
    { name: 'N', description: 'number of philosophers and forks', default: 10, min: 2, max: 64 },
    { name: 'M', description: 'meal counter modulus', default: 3, min: 1, max: 256 },
    { name: 'lefty', description: '1: every philosopher takes its left fork first (deadlocks)', default: 0, min: 0, max: 1 },
  ],
  strategies: [],
  scenarios: [],
  invariants: [
    { name: 'eating-holds-forks', description: 'every eating philosopher holds both of its forks' },
    HUNGRY_EATS,
    { name: LOCK_ORDER, description: LOCK_ORDER_DESCRIPTION },
  ],
  // The benchmark's runs: the graph analyses are asked for by name.
  defaultInvariants: ['eating-holds-forks', DEADLOCK],
  build: (opts) => buildPhilosophers(opts.params.N, opts.params.M, opts.params.lefty === 1),
};

/** The same family written with the value-semantics API (values.ts): the benchmark's measure of what records cost. */
export const philosophersValuesFamily: ModelFamily = {
  ...philosophersFamily,
  name: 'philosophers-values',
  description: 'dining philosophers written with the value-semantics API (models/philosophers/values.ts); same states as philosophers',
  build: (opts) => buildPhilosophersFromValues(opts.params.N, opts.params.M, opts.params.lefty === 1),
};

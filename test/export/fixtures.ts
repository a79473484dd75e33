// Counterexamples to export: philosophers with lefty=1 (a real deadlock), and
// a toy family with strategies and scenarios (two threads and two locks,
// with held()) so strategy/scenario handling and lock events are covered.

import { buildPhilosophers } from '../../models/philosophers/index.js';
import type { ModelFamily } from '../../src/engine/catalog.js';
import type { Model } from '../../src/engine/model.js';
import { explore } from '../../src/engine/bfs.js';
import type { TraceContext } from '../../src/report/trace-data.js';
import { counter, twoLocks } from '../fixtures/toy-models.js';

export function contextFor(
  model: Model,
  origin: Pick<TraceContext, 'family' | 'params' | 'strategy' | 'scenario'>,
  invariant: string,
): TraceContext {
  const r = explore(model);
  const o = r.outcomes.find((x) => x.invariant === invariant);
  if (!o?.trace) throw new Error(`${model.name}: ${invariant} not violated`);
  return { ...origin, model, invariant, description: o.description, trace: o.trace };
}

export const LEFTY_PARAMS = { N: 3, M: 3, lefty: 1 };

export function philosophersDeadlock(): TraceContext {
  return contextFor(buildPhilosophers(3, 3, true), { family: 'philosophers', params: LEFTY_PARAMS, strategy: null, scenario: null }, 'deadlock');
}

/** twoLocks with held() and field groups, plus an invariant that T1 never finishes (so `ordered` has a violation with releases). */
export function lockModel(crossed: boolean): Model {
  const base = twoLocks(crossed);
  return {
    ...base,
    name: `locks[${crossed ? 'crossed' : 'ordered'}]`,
    held(s) {
      const out: Record<string, string[]> = { T0: [], T1: [] };
      if (s.at(2) > 0) out[`T${s.at(2) - 1}`].push('lockA');
      if (s.at(3) > 0) out[`T${s.at(3) - 1}`].push('lockB');
      return out;
    },
    invariants: [{ name: 't1-never-done', description: 'thread T1 never finishes', holds: (s) => s.at(1) !== 3 }],
  };
}

export const toyFamily: ModelFamily = {
  name: 'toy',
  description: 'two threads, two locks',
  params: [{ name: 'K', description: 'unused', default: 1, min: 1, max: 3 }],
  strategies: [
    { name: 'crossed', description: 'opposite lock orders (deadlocks)' },
    { name: 'ordered', description: 'same lock order' },
  ],
  scenarios: [{ name: 's1', description: 'the only scenario' }],
  invariants: [{ name: 't1-never-done', description: 'thread T1 never finishes' }],
  build: (o) => lockModel(o.strategy === 'crossed'),
};

export function toyContext(strategy: 'crossed' | 'ordered', invariant: string): TraceContext {
  return contextFor(lockModel(strategy === 'crossed'), { family: 'toy', params: { K: 1 }, strategy, scenario: 's1' }, invariant);
}

export function counterContext(): TraceContext {
  return contextFor(counter(10, 5), { family: 'counter', params: {}, strategy: null, scenario: null }, 'below-t');
}

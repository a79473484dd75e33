// The names a run can check on a model, whatever kind of check each one is:
// state invariants (bfs.ts), the deadlock check, liveness properties
// (liveness.ts) and the lock-order analysis (lock-order.ts). The CLI, the
// config checker and the trace reader all resolve names here, so a name
// means the same thing everywhere.

import type { Model } from './model.js';
import { DEADLOCK } from './result.js';
import { DEADLOCK_DESCRIPTION } from './finish.js';

export const LOCK_ORDER = 'lock-order';
export const LOCK_ORDER_DESCRIPTION = 'the "held X while acquiring Y" graph over all reachable transitions has no cycle (a potential deadlock, as lockdep reports it)';

export type PropertyKind = 'invariant' | 'deadlock' | 'liveness' | 'lock-order';

export interface PropertyInfo {
  readonly name: string;
  readonly description: string;
  readonly kind: PropertyKind;
}

/** Every property the built model offers (the order of the family's catalogue, deadlock last). */
export function modelProperties(model: Model): PropertyInfo[] {
  return [
    ...model.invariants.map((i) => ({ name: i.name, description: i.description, kind: 'invariant' as const })),
    ...(model.liveness ?? []).map((p) => ({ name: p.name, description: p.description, kind: 'liveness' as const })),
    ...(model.held ? [{ name: LOCK_ORDER, description: LOCK_ORDER_DESCRIPTION, kind: 'lock-order' as const }] : []),
    { name: DEADLOCK, description: DEADLOCK_DESCRIPTION, kind: 'deadlock' as const },
  ];
}

export function propertyOf(model: Model, name: string): PropertyInfo | undefined {
  return modelProperties(model).find((p) => p.name === name);
}

// Counterexample reconstruction. The search keeps only a parent index and an
// action number per state; a trace is rebuilt by walking parents back to an
// initial state and then re-executing the actions forward through the model,
// so no full state is ever stored for it.

import type { Model } from './model.js';
import type { Trace, TraceStep } from './result.js';

export const NO_PARENT = 0xffffffff;

export interface ParentLinks {
  /** parent.get(id) = parent state id, or NO_PARENT for an initial state. */
  readonly parent: { get(i: number): number };
  /** action.get(id) = action taken from the parent (initial-state index for roots). */
  readonly action: { get(i: number): number };
}

/** The chain of actions leading to state `id`: [initIndex, a1, a2, ...]. */
export function pathTo(links: ParentLinks, id: number): number[] {
  const rev: number[] = [];
  let cur = id;
  while (links.parent.get(cur) !== NO_PARENT) {
    rev.push(links.action.get(cur));
    cur = links.parent.get(cur);
  }
  rev.push(links.action.get(cur));
  return rev.reverse();
}

/**
 * Re-execute a path (initial-state index, then action numbers) through the
 * model. Throws if an action is not enabled: that would be an engine or model
 * bug (a non-deterministic step function), never a user error.
 */
export function replayPath(model: Model, inits: readonly Uint8Array[], path: readonly number[]): Trace {
  const init = inits[path[0]];
  if (!init) throw new Error(`internal error: no initial state #${path[0]}`);
  const steps: TraceStep[] = [{ action: path[0], label: null, state: init.slice() }];
  let cur = init.slice();
  for (let i = 1; i < path.length; i++) {
    const a = path[i];
    const dst = cur.slice();
    if (!model.step(a, cur, dst)) {
      throw new Error(`internal error: trace action ${a} at step ${i} is not enabled on replay`);
    }
    steps.push({ action: a, label: model.label(a, cur), state: dst });
    cur = dst;
  }
  return { steps };
}

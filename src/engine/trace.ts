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
  let cur: Uint8Array = init.slice();
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

/**
 * Rebuild a trace found under symmetry reduction. The path's actions were
 * taken from representatives; the trace shown is a concrete run from the
 * model's own initial state: at each step, the first action whose successor
 * has the recorded representative. Throws if there is none, which means the
 * model's symmetry declaration is unsound.
 */
export function replayPathReduced(
  model: Model,
  inits: readonly Uint8Array[],
  path: readonly number[],
  canon: { canonicalize(v: Uint8Array): void },
): Trace {
  const init = inits[path[0]];
  if (!init) throw new Error(`internal error: no initial state #${path[0]}`);
  const steps: TraceStep[] = [{ action: path[0], label: null, state: init.slice() }];
  let rep: Uint8Array = init.slice();
  canon.canonicalize(rep);
  let cur: Uint8Array = init.slice();
  const probe = new Uint8Array(cur.length);
  for (let i = 1; i < path.length; i++) {
    const nextRep = rep.slice();
    if (!model.step(path[i], rep, nextRep)) throw new Error(`internal error: trace action ${path[i]} at step ${i} is not enabled on replay`);
    canon.canonicalize(nextRep);
    let found = -1;
    let next: Uint8Array | null = null;
    for (let a = 0; a < model.actionCount && found < 0; a++) {
      const dst = cur.slice();
      if (!model.step(a, cur, dst)) continue;
      probe.set(dst);
      canon.canonicalize(probe);
      if (probe.every((x, j) => x === nextRep[j])) {
        found = a;
        next = dst;
      }
    }
    if (found < 0 || !next) {
      throw new Error(`internal error: no concrete step ${i} matches the symmetry-reduced trace (unsound symmetry declaration?)`);
    }
    steps.push({ action: found, label: model.label(found, cur), state: next });
    cur = next;
    rep = nextRep;
  }
  return { steps };
}

/** The shortest trace to any stored state id, from a search's parent links (and symmetry map, if reduced). */
export function traceBuilder(
  model: Model,
  inits: readonly Uint8Array[],
  links: ParentLinks,
  canon: { canonicalize(v: Uint8Array): void } | null,
): (id: number) => Trace {
  return (id) => (canon ? replayPathReduced(model, inits, pathTo(links, id), canon) : replayPath(model, inits, pathTo(links, id)));
}

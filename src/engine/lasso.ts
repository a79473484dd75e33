// Checks that a lasso really violates a liveness property, independently of
// how it was found: the loop closes (its last state is the state it loops
// back to), one obligation stays pending in every state of the loop, and the
// loop is weakly fair (each fairness group is taken in it or disabled in one
// of its states; a stuttering end needs nothing enabled). Used on every
// liveness counterexample before it is shown and on every trace read back.

import type { LivenessProperty, Model } from './model.js';
import type { TraceStep } from './result.js';
import { StateView } from './state-view.js';

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Which fairness groups have an enabled action in `s` (one flag per group: any number of groups). */
function enabledGroups(model: Model, s: Uint8Array): boolean[] {
  const scratch = s.slice();
  const groups = new Array<boolean>(model.fairness?.groups.length ?? 0).fill(false);
  for (let a = 0; a < model.actionCount; a++) {
    scratch.set(s);
    if (!model.step(a, s, scratch)) continue;
    const g = model.fairness?.groupOf(a) ?? -1;
    if (g >= 0) groups[g] = true;
  }
  return groups;
}

function anyEnabled(model: Model, s: Uint8Array): boolean {
  const scratch = s.slice();
  for (let a = 0; a < model.actionCount; a++) {
    scratch.set(s);
    if (model.step(a, s, scratch)) return true;
  }
  return false;
}

/** Why the steps with this loop index are not a counterexample to `prop`, or null when they are. */
export function lassoProblem(model: Model, steps: readonly TraceStep[], loop: number | undefined, prop: LivenessProperty): string | null {
  const last = steps.length - 1;
  if (loop === undefined) return `a counterexample to the liveness property ${prop.name} must be a lasso (no loop index)`;
  if (!Number.isInteger(loop) || loop < 0 || loop > last) return `loop index ${loop} is outside the trace (0..${last})`;
  if (loop < last && !same(steps[loop].state, steps[last].state)) return `the loop does not close: the last state differs from state ${loop}`;
  if (loop === last && anyEnabled(model, steps[last].state)) return `claims the last state stutters, but an action is enabled in it`;
  const view = new StateView(model.layout);
  let stuck = -1;
  for (let k = 0; k < prop.obligations && stuck < 0; k++) {
    let always = true;
    for (let i = loop; i <= last && always; i++) always = prop.pending(StateView.point(view, steps[i].state), k);
    if (always) stuck = k;
  }
  if (stuck < 0) return `no obligation of ${prop.name} stays pending throughout the loop`;
  const groups = model.fairness?.groups ?? [];
  // A group is treated fairly when it is taken in the loop or disabled in one of its states.
  const satisfied = new Array<boolean>(groups.length).fill(false);
  for (let i = loop + 1; i <= last; i++) {
    const g = model.fairness ? model.fairness.groupOf(steps[i].action) : -1;
    if (g >= 0) satisfied[g] = true;
  }
  const loopStates = loop === last ? [last] : Array.from({ length: last - loop }, (_, j) => loop + j);
  for (const i of loopStates) enabledGroups(model, steps[i].state).forEach((on, g) => (satisfied[g] ||= !on));
  const unfair = satisfied.indexOf(false);
  if (unfair >= 0) return `the loop is not fair to ${groups[unfair]}: always enabled in it, never taken`;
  return null;
}

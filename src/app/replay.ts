// Re-executes a recorded trace against the current model: the first state
// must be one of the model's initial states, every step's action must be
// enabled and must produce exactly the recorded state, and the last state
// must violate what the trace claims (for `deadlock`: no action enabled and
// not terminal; for a liveness property: a closing, fair lasso, lasso.ts).
// The first disagreement is reported with expected vs actual. The runner
// replays every counterexample with it before anything shows or writes one.

import type { Model } from '../engine/model.js';
import { DEADLOCK, type Trace, type TraceStep } from '../engine/result.js';
import { StateView } from '../engine/state-view.js';
import { lassoProblem } from '../engine/lasso.js';
import { LOCK_ORDER } from '../engine/properties.js';
import { stepTitle } from '../report/trace-view.js';

export interface FieldDiff {
  readonly field: string;
  readonly expected: string;
  readonly actual: string;
}

export type ReplayOutcome =
  | { readonly ok: true; readonly trace: Trace; readonly invariant: string; readonly description: string }
  | {
      readonly ok: false;
      /** Step number of the first divergence (0 = the initial state). */
      readonly step: number;
      /** The step's recorded label, printed. */
      readonly title: string;
      readonly reason: string;
      readonly diffs: readonly FieldDiff[];
    };

function diffs(model: Model, expected: Uint8Array, actual: Uint8Array): FieldDiff[] {
  const layout = model.layout;
  const out: FieldDiff[] = [];
  layout.fields.forEach((f, i) => {
    if (expected[i] !== actual[i]) {
      out.push({ field: f.name, expected: layout.format(i, expected[i]), actual: layout.format(i, actual[i]) });
    }
  });
  return out;
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

function labelText(l: TraceStep['label']): string {
  if (!l) return '';
  return `${l.thread} ${stepTitle({ action: l.action, step: l.step ?? null, params: l.params ?? null })}`;
}

/** Why the last step of a lock-order witness is not an acquisition under another held resource, or null. */
function lockStepProblem(model: Model, steps: readonly TraceStep[]): string | null {
  if (!model.held || steps.length < 2) return 'a lock-order witness ends with a step that acquires a resource while holding another';
  const before = model.held(new StateView(model.layout, steps[steps.length - 2].state));
  const after = model.held(new StateView(model.layout, steps[steps.length - 1].state));
  for (const [actor, now] of Object.entries(after)) {
    const had = before[actor] ?? [];
    if (had.length > 0 && now.some((y) => !had.includes(y))) return null;
  }
  return 'replays, but its last step acquires nothing while holding another resource';
}

/**
 * Re-executes `recorded` against `model` and checks that its last state
 * violates `invariant` (or deadlocks). Used on every trace file read back and
 * on every counterexample before it is shown or written.
 */
export function replayTrace(model: Model, recorded: Trace, invariant: string, description: string): ReplayOutcome {
  const rec = recorded.steps;
  const inits = model.initialStates();
  const first = rec[0].state;
  let initIndex = inits.findIndex((v) => same(v, first));
  if (initIndex < 0) {
    const nearest = inits[rec[0].action] ?? inits[0];
    return {
      ok: false,
      step: 0,
      title: 'initial state',
      reason: 'the recorded initial state is not an initial state of the model',
      diffs: diffs(model, first, nearest),
    };
  }
  if (inits[rec[0].action] && same(inits[rec[0].action], first)) initIndex = rec[0].action;
  const steps: TraceStep[] = [{ action: initIndex, label: null, state: inits[initIndex].slice() }];
  let cur = inits[initIndex].slice();
  for (let i = 1; i < rec.length; i++) {
    const r = rec[i];
    const title = labelText(r.label) || `action ${r.action}`;
    const dst = cur.slice();
    if (!model.step(r.action, cur, dst)) {
      return { ok: false, step: i, title, reason: `action ${r.action} (${title}) is not enabled`, diffs: [] };
    }
    const label = model.label(r.action, cur);
    const d = diffs(model, r.state, dst);
    if (d.length > 0) {
      return { ok: false, step: i, title, reason: 'the successor differs from the recorded state', diffs: d };
    }
    if (r.label && labelText(r.label) !== labelText(label)) {
      return {
        ok: false,
        step: i,
        title,
        reason: `the action is now labelled '${labelText(label)}', recorded '${labelText(r.label)}'`,
        diffs: [],
      };
    }
    steps.push({ action: r.action, label, state: dst });
    cur = dst;
  }
  const last = rec.length - 1;
  const view = new StateView(model.layout, cur);
  if (invariant === DEADLOCK) {
    const scratch = cur.slice();
    let enabled = -1;
    for (let a = 0; a < model.actionCount && enabled < 0; a++) {
      scratch.set(cur);
      if (model.step(a, cur, scratch)) enabled = a;
    }
    if (enabled >= 0) {
      return {
        ok: false,
        step: last,
        title: 'last state',
        reason: `claims a deadlock, but action ${enabled} (${labelText(model.label(enabled, cur))}) is enabled`,
        diffs: [],
      };
    }
    if (model.isTerminal?.(view)) {
      return { ok: false, step: last, title: 'last state', reason: 'claims a deadlock, but the model marks the last state terminal', diffs: [] };
    }
  } else {
    const live = model.liveness?.find((p) => p.name === invariant);
    if (live) {
      const why = lassoProblem(model, steps, recorded.loop, live);
      if (why) return { ok: false, step: recorded.loop ?? last, title: 'loop', reason: why, diffs: [] };
      return { ok: true, trace: { steps, loop: recorded.loop }, invariant, description };
    }
    if (invariant === LOCK_ORDER) {
      const why = lockStepProblem(model, steps);
      if (why) return { ok: false, step: last, title: 'last state', reason: why, diffs: [] };
      return { ok: true, trace: { steps }, invariant, description };
    }
    const inv = model.invariants.find((x) => x.name === invariant);
    if (!inv) return { ok: false, step: last, title: 'last state', reason: `${model.name} has no invariant ${invariant}`, diffs: [] };
    if (inv.holds(view)) {
      return { ok: false, step: last, title: 'last state', reason: `replays, but the last state does not violate ${invariant}`, diffs: [] };
    }
  }
  if (recorded.loop !== undefined) {
    return { ok: false, step: recorded.loop, title: 'loop', reason: `a loop index belongs only to liveness counterexamples, not to ${invariant}`, diffs: [] };
  }
  return { ok: true, trace: { steps }, invariant, description };
}

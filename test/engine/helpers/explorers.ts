// Explorers used to show that the differential comparison can fail:
// the reference dressed up as an engine (which must pass), a depth-first
// variant whose traces are valid but not always shortest, and mutations of
// any ExploreResult (drop a state, add a transition, flip a verdict, lengthen
// or corrupt a trace).

import type { Model } from '../../../src/engine/model.js';
import { DEADLOCK } from '../../../src/engine/result.js';
import type { ExploreOptions, ExploreResult, InvariantOutcome, Trace, TraceStep } from '../../../src/engine/result.js';
import { StateView } from '../../../src/engine/state-view.js';
import { key, referenceExplore } from '../../reference/explorer.js';
import type { RefStep } from '../../reference/explorer.js';

export type Explorer = (model: Model, opts?: ExploreOptions) => ExploreResult;

function toTrace(model: Model, steps: readonly RefStep[]): Trace {
  const out: TraceStep[] = steps.map((s, i) => ({
    action: s.action,
    label: i === 0 ? null : model.label(s.action, steps[i - 1].state.slice()),
    state: s.state.slice(),
  }));
  return { steps: out };
}

function description(model: Model, name: string): string {
  return model.invariants.find((i) => i.name === name)?.description ?? 'no state without an enabled action';
}

/** The reference explorer presented as an ExploreResult. */
export const referenceEngine: Explorer = (model, opts = {}) => {
  const ref = referenceExplore(model, opts);
  const outcomes: InvariantOutcome[] = ref.outcomes.map((o) => ({
    invariant: o.name,
    description: description(model, o.name),
    verdict: o.violated ? 'violated' : 'holds',
    trace: o.trace ? toTrace(model, o.trace) : null,
  }));
  return {
    model: model.name,
    complete: true,
    stopReason: ref.allViolated ? 'all-violated' : 'exhausted',
    stats: {
      states: ref.states,
      transitions: ref.transitions,
      depth: ref.maxDepth,
      seconds: 0,
      statesPerSecond: 0,
      peakRssBytes: 0,
      collisionProbability: 0,
    },
    outcomes,
  };
};

/**
 * First counterexample found by a depth-first search, per property: valid
 * paths, but not necessarily shortest ones.
 */
export function dfsCounterexamples(model: Model, opts: ExploreOptions = {}): Map<string, RefStep[]> {
  const names = opts.invariants ?? model.invariants.map((i) => i.name);
  const invs = names.map((n) => model.invariants.find((i) => i.name === n)!);
  const checkDeadlock = opts.checkDeadlock ?? true;
  const found = new Map<string, RefStep[]>();
  const seen = new Set<string>();
  const allowed = (v: Uint8Array) => !model.constraint || model.constraint(new StateView(model.layout, v));

  const visit = (path: RefStep[]) => {
    const vec = path[path.length - 1].state;
    const view = new StateView(model.layout, vec.slice());
    for (const inv of invs) if (!found.has(inv.name) && !inv.holds(view)) found.set(inv.name, path.slice());
    let enabled = 0;
    for (let a = 0; a < model.actionCount; a++) {
      const dst = vec.slice();
      if (!model.step(a, vec.slice(), dst)) continue;
      enabled++;
      if (!allowed(dst)) continue;
      const k = key(model, dst);
      if (seen.has(k)) continue;
      seen.add(k);
      visit([...path, { action: a, state: dst }]);
    }
    if (checkDeadlock && enabled === 0 && !found.has(DEADLOCK) && !(model.isTerminal?.(view) ?? false)) {
      found.set(DEADLOCK, path.slice());
    }
  };
  model.initialStates().forEach((init, i) => {
    const v = init.slice();
    if (!allowed(v)) return;
    const k = key(model, v);
    if (seen.has(k)) return;
    seen.add(k);
    visit([{ action: i, state: v }]);
  });
  return found;
}

/** The reference, but with depth-first (not necessarily shortest) traces. */
export const dfsTraceEngine: Explorer = (model, opts = {}) => {
  const base = referenceEngine(model, opts);
  const dfs = dfsCounterexamples(model, opts);
  return {
    ...base,
    outcomes: base.outcomes.map((o) => {
      const path = dfs.get(o.invariant);
      return path && o.verdict === 'violated' ? { ...o, trace: toTrace(model, path) } : o;
    }),
  };
};

// ---------------------------------------------------------------------------
// Mutations of a result. Each returns null when it does not apply.

export type Mutation = (model: Model, r: ExploreResult) => ExploreResult | null;

export const dropAState: Mutation = (_m, r) =>
  r.stats.states > 0 ? { ...r, stats: { ...r.stats, states: r.stats.states - 1 } } : null;

export const extraTransition: Mutation = (_m, r) => ({ ...r, stats: { ...r.stats, transitions: r.stats.transitions + 1 } });

function firstViolated(r: ExploreResult): number {
  return r.outcomes.findIndex((o) => o.verdict === 'violated' && o.trace !== null);
}

function replaceOutcome(r: ExploreResult, i: number, o: InvariantOutcome): ExploreResult {
  return { ...r, outcomes: r.outcomes.map((x, j) => (j === i ? o : x)) };
}

/** Report a violated property as holding. */
export const hideViolation: Mutation = (_m, r) => {
  const i = firstViolated(r);
  if (i < 0) return null;
  return replaceOutcome(r, i, { ...r.outcomes[i], verdict: 'holds', trace: null });
};

/** Repeat the last step of a counterexample (one step longer, not a valid path). */
export const repeatLastStep: Mutation = (_m, r) => {
  const i = firstViolated(r);
  if (i < 0) return null;
  const steps = r.outcomes[i].trace!.steps;
  const last = steps[steps.length - 1];
  const extra: TraceStep = steps.length > 1 ? last : { action: 0, label: { thread: 'x', action: 'x' }, state: last.state };
  return replaceOutcome(r, i, { ...r.outcomes[i], trace: { steps: [...steps, extra] } });
};

/**
 * Lengthen a counterexample by a valid detour when one exists: find an
 * enabled self-loop in some state of the trace and insert it there. The
 * result replays, ends in the violating state, and is one step too long.
 */
export const insertSelfLoop: Mutation = (model, r) => {
  const i = firstViolated(r);
  if (i < 0) return null;
  const steps = r.outcomes[i].trace!.steps;
  for (let s = 0; s < steps.length; s++) {
    const vec = steps[s].state.slice();
    for (let a = 0; a < model.actionCount; a++) {
      const dst = vec.slice();
      if (model.step(a, vec.slice(), dst) && key(model, dst) === key(model, vec)) {
        const loop: TraceStep = { action: a, label: model.label(a, vec.slice()), state: dst };
        const longer = [...steps.slice(0, s + 1), loop, ...steps.slice(s + 1)];
        return replaceOutcome(r, i, { ...r.outcomes[i], trace: { steps: longer } });
      }
    }
  }
  return null;
};

/** Corrupt one field of the last state of a counterexample. */
export const corruptLastState: Mutation = (model, r) => {
  const i = firstViolated(r);
  if (i < 0) return null;
  const steps = r.outcomes[i].trace!.steps;
  const last = steps[steps.length - 1];
  const state = last.state.slice();
  state[0] = (state[0] + 1) % model.layout.fields[0].domain;
  return replaceOutcome(r, i, {
    ...r.outcomes[i],
    trace: { steps: [...steps.slice(0, -1), { ...last, state }] },
  });
};

/** Lose the deadlock outcome entirely. */
export const dropDeadlockOutcome: Mutation = (_m, r) => {
  const i = r.outcomes.findIndex((o) => o.invariant === DEADLOCK);
  if (i < 0) return null;
  return { ...r, outcomes: r.outcomes.filter((_, j) => j !== i) };
};

export const mutations: Readonly<Record<string, Mutation>> = {
  dropAState,
  extraTransition,
  hideViolation,
  repeatLastStep,
  insertSelfLoop,
  corruptLastState,
  dropDeadlockOutcome,
};

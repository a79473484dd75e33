// A brute-force reference explorer, written for clarity rather than speed.
//
// It shares no code with the engine: states are serialised to strings
// (the meaningful bytes joined with commas), the visited set is a plain
// Map<string, Node>, the BFS queue is a plain array. It always explores the
// whole reachable space (no early stop) and reports what the engine's
// breadth-first search must report:
//
//  - initial states have depth 1; initial states failing the constraint are
//    dropped; successors failing the constraint are neither stored, nor
//    checked, nor expanded;
//  - states: distinct stored states;
//  - transitions: enabled action firings from expanded states (every stored
//    state is expanded), whether the successor is new, already seen, or
//    dropped by the constraint;
//  - per selected invariant: violated or not, and the length (number of
//    states, initial included) of its shortest counterexample;
//  - deadlock: a stored state with no enabled action that the model does not
//    mark terminal; its shortest length likewise.

import type { Model } from '../../src/engine/model.js';
import { StateView } from '../../src/engine/state-view.js';
import { DEADLOCK } from '../../src/engine/result.js';
import type { Trace } from '../../src/engine/result.js';

export interface ReferenceOptions {
  /** Invariant names to check (default: all the model offers). */
  readonly invariants?: readonly string[];
  /** Report deadlocks (default true). */
  readonly checkDeadlock?: boolean;
}

/** One step of a reference path: action is the initial index for step 0. */
export interface RefStep {
  readonly action: number;
  readonly state: Uint8Array;
}

export interface RefOutcome {
  readonly name: string;
  readonly violated: boolean;
  /** Length (number of states) of the shortest counterexample, or null. */
  readonly shortest: number | null;
  /** One shortest counterexample, or null. */
  readonly trace: readonly RefStep[] | null;
}

export interface ReferenceResult {
  readonly states: number;
  readonly transitions: number;
  /** Deepest depth of a stored state (initial = 1); 0 when nothing is stored. */
  readonly maxDepth: number;
  /** Serialised form (see key()) of every stored state. */
  readonly reachable: ReadonlySet<string>;
  /** Number of stored states at each depth (index 0 unused). */
  readonly perDepth: readonly number[];
  /** One entry per selected invariant, in the order selected, then deadlock if checked. */
  readonly outcomes: readonly RefOutcome[];
  /** Deadlock, computed whether or not it is checked. */
  readonly deadlock: RefOutcome;
  /** Whether every checked property is violated (and there is at least one). */
  readonly allViolated: boolean;
}

/** Serialised state: its meaningful bytes (layout.width of them) joined by commas. */
export function key(model: Model, vec: ArrayLike<number>): string {
  const parts: number[] = [];
  for (let i = 0; i < model.layout.width; i++) parts.push(vec[i]);
  return parts.join(',');
}

function viewOf(model: Model, vec: Uint8Array): StateView {
  return new StateView(model.layout, vec);
}

interface Node {
  readonly vec: Uint8Array;
  readonly depth: number;
  readonly parent: string | null;
  /** Action from the parent, or initial-state index for depth 1. */
  readonly action: number;
}

function selectedInvariants(model: Model, names?: readonly string[]) {
  if (!names) return model.invariants;
  return names.map((n) => {
    const inv = model.invariants.find((i) => i.name === n);
    if (!inv) throw new Error(`reference: unknown invariant ${n}`);
    return inv;
  });
}

export function referenceExplore(model: Model, opts: ReferenceOptions = {}): ReferenceResult {
  const invariants = selectedInvariants(model, opts.invariants);
  const checkDeadlock = opts.checkDeadlock ?? true;
  const layout = model.layout;

  const nodes = new Map<string, Node>();
  const queue: string[] = [];
  const firstViolation = new Map<string, string>(); // invariant name -> state key
  let firstDeadlock: string | null = null;
  let transitions = 0;

  const allowed = (vec: Uint8Array) => !model.constraint || model.constraint(viewOf(model, vec));

  model.initialStates().forEach((init, index) => {
    const vec = init.slice(0, layout.stride);
    if (!allowed(vec)) return;
    const k = key(model, vec);
    if (nodes.has(k)) return;
    nodes.set(k, { vec, depth: 1, parent: null, action: index });
    queue.push(k);
  });

  // The queue holds states in order of non-decreasing depth, so the first
  // violating state met for each property is one of least depth.
  for (let head = 0; head < queue.length; head++) {
    const k = queue[head];
    const node = nodes.get(k)!;
    const view = viewOf(model, node.vec.slice());

    for (const inv of invariants) {
      if (!firstViolation.has(inv.name) && !inv.holds(view)) firstViolation.set(inv.name, k);
    }

    let enabled = 0;
    for (let a = 0; a < model.actionCount; a++) {
      const src = node.vec.slice();
      const dst = node.vec.slice();
      if (!model.step(a, src, dst)) continue;
      enabled++;
      transitions++;
      if (!allowed(dst)) continue;
      const dk = key(model, dst);
      if (nodes.has(dk)) continue;
      nodes.set(dk, { vec: dst, depth: node.depth + 1, parent: k, action: a });
      queue.push(dk);
    }

    if (enabled === 0 && firstDeadlock === null) {
      const terminal = model.isTerminal ? model.isTerminal(viewOf(model, node.vec.slice())) : false;
      if (!terminal) firstDeadlock = k;
    }
  }

  const pathTo = (k: string): RefStep[] => {
    const steps: RefStep[] = [];
    let cur: string | null = k;
    while (cur !== null) {
      const n: Node = nodes.get(cur)!;
      steps.unshift({ action: n.action, state: n.vec.slice() });
      cur = n.parent;
    }
    return steps;
  };
  const outcome = (name: string, k: string | null | undefined): RefOutcome => {
    if (k === null || k === undefined) return { name, violated: false, shortest: null, trace: null };
    const trace = pathTo(k);
    return { name, violated: true, shortest: trace.length, trace };
  };

  const outcomes: RefOutcome[] = invariants.map((inv) => outcome(inv.name, firstViolation.get(inv.name)));
  const deadlock = outcome(DEADLOCK, firstDeadlock);
  if (checkDeadlock) outcomes.push(deadlock);

  const perDepth: number[] = [0];
  let maxDepth = 0;
  for (const n of nodes.values()) {
    while (perDepth.length <= n.depth) perDepth.push(0);
    perDepth[n.depth]++;
    maxDepth = Math.max(maxDepth, n.depth);
  }

  return {
    states: nodes.size,
    transitions,
    maxDepth,
    reachable: new Set(nodes.keys()),
    perDepth,
    outcomes,
    deadlock,
    allViolated: outcomes.length > 0 && outcomes.every((o) => o.violated),
  };
}

/**
 * Check a trace against the model, step by step: steps[0] is an initial state
 * (the one its action field indexes) with label null; every later step's
 * action is enabled in the previous state, yields exactly the recorded state,
 * and carries the model's label; every state satisfies the constraint.
 * Returns a list of problems (empty when the trace is valid).
 */
export function replayInReference(model: Model, trace: Trace): string[] {
  const problems: string[] = [];
  const layout = model.layout;
  const steps = trace.steps;
  if (steps.length === 0) return ['trace has no steps'];

  const inits = model.initialStates();
  const initKeys = inits.map((v) => key(model, v));
  const s0 = steps[0];
  if (s0.label !== null) problems.push('step 0: label is not null');
  if (!initKeys.includes(key(model, s0.state))) {
    problems.push(`step 0: state [${key(model, s0.state)}] is not an initial state`);
  } else if (initKeys[s0.action] !== key(model, s0.state)) {
    problems.push(`step 0: action ${s0.action} does not index the initial state [${key(model, s0.state)}]`);
  }

  steps.forEach((st, i) => {
    if (st.state.length !== layout.stride) {
      problems.push(`step ${i}: state has ${st.state.length} bytes, stride is ${layout.stride}`);
    }
    if (!layout.inDomain(st.state.slice(0, layout.stride))) problems.push(`step ${i}: state out of domain`);
    if (model.constraint && !model.constraint(viewOf(model, st.state.slice(0, layout.stride)))) {
      problems.push(`step ${i}: state [${key(model, st.state)}] fails the constraint`);
    }
  });

  for (let i = 1; i < steps.length; i++) {
    const prev = steps[i - 1].state.slice(0, layout.stride);
    const { action, label, state } = steps[i];
    if (!Number.isInteger(action) || action < 0 || action >= model.actionCount) {
      problems.push(`step ${i}: no action ${action}`);
      continue;
    }
    const dst = prev.slice();
    if (!model.step(action, prev.slice(), dst)) {
      problems.push(`step ${i}: action ${action} is not enabled in [${key(model, prev)}]`);
      continue;
    }
    if (key(model, dst) !== key(model, state)) {
      problems.push(
        `step ${i}: action ${action} from [${key(model, prev)}] yields [${key(model, dst)}], trace has [${key(model, state)}]`,
      );
    }
    const expected = model.label(action, prev.slice());
    if (JSON.stringify(label) !== JSON.stringify(expected)) {
      problems.push(`step ${i}: label ${JSON.stringify(label)}, model says ${JSON.stringify(expected)}`);
    }
  }
  return problems;
}

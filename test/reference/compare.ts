// The differential comparison: does an ExploreResult agree with the reference?
//
// compareWithReference returns a list of disagreements (empty = agreement).
// It is used by the differential property test against the real engine and
// by the self-tests against deliberately broken explorers.

import type { Model } from '../../src/engine/model.js';
import { DEADLOCK } from '../../src/engine/result.js';
import type { ExploreResult, InvariantOutcome } from '../../src/engine/result.js';
import { StateView } from '../../src/engine/state-view.js';
import { key, referenceExplore, replayInReference } from './explorer.js';
import type { ReferenceOptions, ReferenceResult } from './explorer.js';

/** Whether the last state of a counterexample really violates the property. */
function lastStateViolates(model: Model, name: string, state: Uint8Array): boolean {
  const vec = state.slice(0, model.layout.stride);
  const view = new StateView(model.layout, vec);
  if (name === DEADLOCK) {
    for (let a = 0; a < model.actionCount; a++) {
      if (model.step(a, vec.slice(), vec.slice())) return false;
    }
    return !(model.isTerminal?.(view) ?? false);
  }
  const inv = model.invariants.find((i) => i.name === name);
  return inv ? !inv.holds(view) : false;
}

export interface CompareOptions extends ReferenceOptions {
  /** Reuse a reference result computed with the same options. */
  readonly reference?: ReferenceResult;
}

export function compareWithReference(model: Model, result: ExploreResult, opts: CompareOptions = {}): string[] {
  const ref = opts.reference ?? referenceExplore(model, opts);
  const errs: string[] = [];

  // --- stop reason and completeness
  const expectedStop = ref.allViolated ? 'all-violated' : 'exhausted';
  if (result.stopReason !== expectedStop) errs.push(`stopReason ${result.stopReason}, expected ${expectedStop}`);
  if (result.complete !== true) errs.push(`complete is ${result.complete}, expected true`);
  if (result.model !== model.name) errs.push(`model name ${result.model}, expected ${model.name}`);

  // --- counts
  const st = result.stats;
  if (!ref.allViolated) {
    if (st.states !== ref.states) errs.push(`states ${st.states}, expected ${ref.states}`);
    if (st.transitions !== ref.transitions) errs.push(`transitions ${st.transitions}, expected ${ref.transitions}`);
    if (st.depth !== ref.maxDepth) errs.push(`depth ${st.depth}, expected ${ref.maxDepth}`);
  } else {
    // Stopped early once the last property was violated: the counts are
    // bounded above by the full space and below by every state shallower
    // than the deepest shortest counterexample (BFS stored those before it
    // could reach that depth).
    const deepest = Math.max(...ref.outcomes.map((o) => o.shortest ?? 0));
    let below = 0;
    for (let d = 1; d < deepest; d++) below += ref.perDepth[d] ?? 0;
    if (st.states > ref.states) errs.push(`states ${st.states} > reachable ${ref.states} (early stop)`);
    if (st.states < below) errs.push(`states ${st.states} < ${below} states shallower than depth ${deepest} (early stop)`);
    if (st.transitions > ref.transitions) {
      errs.push(`transitions ${st.transitions} > total ${ref.transitions} (early stop)`);
    }
    if (st.depth > ref.maxDepth) errs.push(`depth ${st.depth} > max depth ${ref.maxDepth} (early stop)`);
    if (st.depth < deepest - 1) errs.push(`depth ${st.depth} < ${deepest - 1} (early stop)`);
  }

  // --- outcomes: exactly one per checked property
  const names = result.outcomes.map((o) => o.invariant);
  const expectedNames = ref.outcomes.map((o) => o.name);
  if (names.length !== new Set(names).size) errs.push(`duplicate outcomes: ${names.join(', ')}`);
  if ([...names].sort().join('|') !== [...expectedNames].sort().join('|')) {
    errs.push(`outcomes for [${names.join(', ')}], expected [${expectedNames.join(', ')}]`);
  }

  for (const exp of ref.outcomes) {
    const got: InvariantOutcome | undefined = result.outcomes.find((o) => o.invariant === exp.name);
    if (!got) continue;
    const inv = model.invariants.find((i) => i.name === exp.name);
    if (inv && got.description !== inv.description) {
      errs.push(`${exp.name}: description ${JSON.stringify(got.description)}, expected ${JSON.stringify(inv.description)}`);
    }
    if (!exp.violated) {
      if (got.verdict !== 'holds') errs.push(`${exp.name}: verdict ${got.verdict}, expected holds`);
      if (got.trace !== null) errs.push(`${exp.name}: holds but has a trace`);
      continue;
    }
    if (got.verdict !== 'violated') {
      errs.push(`${exp.name}: verdict ${got.verdict}, expected violated (shortest ${exp.shortest})`);
      continue;
    }
    if (!got.trace) {
      errs.push(`${exp.name}: violated without a trace`);
      continue;
    }
    const problems = replayInReference(model, got.trace);
    for (const p of problems) errs.push(`${exp.name}: trace does not replay: ${p}`);
    const steps = got.trace.steps;
    if (steps.length !== exp.shortest) {
      errs.push(`${exp.name}: trace length ${steps.length}, shortest is ${exp.shortest}`);
    }
    if (steps.length > 0 && !lastStateViolates(model, exp.name, steps[steps.length - 1].state)) {
      errs.push(`${exp.name}: last trace state [${key(model, steps[steps.length - 1].state)}] does not violate it`);
    }
    if (problems.length === 0) {
      for (const s of steps) {
        if (!ref.reachable.has(key(model, s.state))) errs.push(`${exp.name}: trace state [${key(model, s.state)}] unreachable`);
      }
    }
  }
  return errs;
}

// The end of a search, shared by the sequential and the parallel engine:
// per-invariant verdicts (violated, or holds only when the search was
// complete), shortest traces rebuilt from the parent links, and statistics.

import { collisionProbability } from './collision.js';
import type { Invariant, Model } from './model.js';
import { DEADLOCK, type ExploreResult, type InvariantOutcome, type StopReason, type Trace } from './result.js';

export interface SearchEnd {
  readonly model: Model;
  readonly invariants: readonly Invariant[];
  readonly checkDeadlock: boolean;
  /** First violating state id per invariant, then deadlock; -1 when none. */
  readonly violationAt: Int32Array;
  readonly stop: StopReason;
  readonly t0: number;
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly exact: boolean;
  readonly symmetry: boolean;
  /** Partial-order reduction ran. */
  readonly partialOrder?: boolean;
  readonly traceTo: (id: number) => Trace;
}

export const DEADLOCK_DESCRIPTION = 'some state other than a terminal one has no enabled action';

export function finishSearch(end: SearchEnd): ExploreResult {
  const seconds = (performance.now() - end.t0) / 1000;
  const complete = end.stop === 'exhausted' || end.stop === 'all-violated';
  const outcome = (invariant: string, description: string, at: number): InvariantOutcome => ({
    invariant,
    description,
    verdict: at >= 0 ? 'violated' : complete ? 'holds' : 'incomplete',
    trace: at >= 0 ? end.traceTo(at) : null,
  });
  const outcomes = end.invariants.map((inv, i) => outcome(inv.name, inv.description, end.violationAt[i]));
  if (end.checkDeadlock) outcomes.push(outcome(DEADLOCK, DEADLOCK_DESCRIPTION, end.violationAt[end.invariants.length]));
  return {
    model: end.model.name,
    complete,
    stopReason: end.stop,
    stats: {
      states: end.states,
      transitions: end.transitions,
      depth: end.depth,
      seconds,
      statesPerSecond: end.states / Math.max(seconds, 1e-9),
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      collisionProbability: end.exact ? 0 : collisionProbability(end.states),
      exact: end.exact,
      symmetry: end.symmetry,
      ...(end.partialOrder ? { partialOrder: true } : {}),
    },
    outcomes,
  };
}

// Checks that need more than one state at a time, run after the safety
// search and reported as further outcome rows of the same result: liveness
// properties (liveness.ts, over the whole state graph) and the lock-order
// graph (lock-order.ts). A limit that cuts either short makes the whole
// result incomplete, as it does for the safety search.

import { explore, isCapacityError } from './bfs.js';
import { checkLiveness } from './liveness.js';
import { lockOrder } from './lock-order.js';
import type { LivenessProperty, Model } from './model.js';
import { lockOrderOutcome } from './in-search.js';
import { LOCK_ORDER, LOCK_ORDER_DESCRIPTION } from './properties.js';
import type { ExploreOptions, ExploreResult, InvariantOutcome, PassOptions, StopReason } from './result.js';

export interface AnalysisRequest {
  readonly liveness: readonly LivenessProperty[];
  readonly lockOrder: boolean;
}


/**
 * The search limits and, relabelled with the pass's name, the progress
 * reporter. The time limit is for the whole check: each pass gets what the
 * earlier ones left (`started` is when the safety search began).
 */
const limitsOf = (o: ExploreOptions, phase: string, started: number): PassOptions => ({
  por: o.por,
  maxStates: o.maxStates,
  maxDepth: o.maxDepth,
  timeLimit: o.timeLimit === undefined ? undefined : Math.max(1e-6, o.timeLimit - (performance.now() - started) / 1000),
  maxMemoryBytes: o.maxMemoryBytes,
  shouldStop: o.shouldStop,
  progressEvery: o.progressEvery,
  ...(o.onProgress ? { onProgress: (p) => o.onProgress!({ ...p, phase }) } : {}),
});

/** `base` with the requested analyses' outcomes appended (base itself when none is requested). */
export function withAnalyses(model: Model, base: ExploreResult, request: AnalysisRequest, opts: ExploreOptions = {}): ExploreResult {
  const req = remaining(base, request);
  if (req.liveness.length === 0 && !req.lockOrder) return base;
  const t0 = performance.now();
  const started = t0 - base.stats.seconds * 1000;
  const outcomes: InvariantOutcome[] = [...base.outcomes];
  const stops: StopReason[] = [];
  if (opts.shouldStop?.()) {
    // Already interrupted: nothing is started; the analyses are incomplete.
    for (const p of [...req.liveness, ...(req.lockOrder ? [{ name: LOCK_ORDER, description: LOCK_ORDER_DESCRIPTION }] : [])]) {
      outcomes.push({ invariant: p.name, description: p.description, verdict: 'incomplete', trace: null });
    }
    return merged(base, outcomes, ['interrupted'], t0);
  }
  const outOfMemory = (names: readonly { name: string; description: string }[]) => {
    stops.push('max-memory');
    for (const p of names) outcomes.push({ invariant: p.name, description: p.description, verdict: 'incomplete', trace: null });
  };
  if (req.liveness.length > 0) {
    try {
      const live = opts.por && model.acyclic && model.partialOrder
        ? acyclicLivenessReduced(model, req.liveness, limitsOf(opts, 'liveness', started))
        : checkLiveness(model, req.liveness, limitsOf(opts, 'liveness graph', started));
      outcomes.push(...live.outcomes);
      if (!live.complete) stops.push(live.stop);
    } catch (e) {
      if (!isCapacityError(e)) throw e;
      outOfMemory(req.liveness);
    }
  }
  if (req.lockOrder) {
    let lo: ReturnType<typeof lockOrder>;
    try {
      lo = lockOrder(model, limitsOf(opts, 'lock order', started));
    } catch (e) {
      if (!isCapacityError(e)) throw e;
      outOfMemory([{ name: LOCK_ORDER, description: LOCK_ORDER_DESCRIPTION }]);
      return merged(base, outcomes, stops, t0);
    }
    if (!lo.search.complete) stops.push(lo.search.stopReason);
    outcomes.push(lockOrderOutcome(lo, lo.search.complete));
  }
  return merged(base, outcomes, stops, t0);
}

/**
 * Liveness of a model declared acyclic, under partial-order reduction: a
 * search of the reduced graph without symmetry that settles it in its pass
 * (in-search.ts). The reduced graph keeps every state with nothing enabled,
 * where such a property fails, so the verdict is the full graph's.
 */
function acyclicLivenessReduced(model: Model, props: readonly LivenessProperty[], limits: PassOptions): { outcomes: InvariantOutcome[]; complete: boolean; stop: StopReason } {
  const r = explore(model, { ...limits, invariants: [], checkDeadlock: false, symmetry: false, analyses: { liveness: props.map((p) => p.name), lockOrder: false } });
  const rows = r.outcomes.filter((o) => props.some((p) => p.name === o.invariant));
  const complete = r.stopReason === 'exhausted' && rows.length === props.length;
  return {
    outcomes: complete ? rows : props.map((p) => ({ invariant: p.name, description: p.description, verdict: 'incomplete' as const, trace: null })),
    complete,
    stop: complete ? 'exhausted' : r.stopReason === 'exhausted' ? 'max-memory' : r.stopReason,
  };
}

/** The part of `req` the search has not settled in its own pass (in-search.ts). */
export function remaining<T extends { readonly name: string }>(
  base: ExploreResult,
  req: { readonly liveness: readonly T[]; readonly lockOrder: boolean },
): { liveness: T[]; lockOrder: boolean } {
  const done = new Set(base.outcomes.map((o) => o.invariant));
  return { liveness: req.liveness.filter((p) => !done.has(p.name)), lockOrder: req.lockOrder && !done.has(LOCK_ORDER) };
}

function merged(base: ExploreResult, outcomes: InvariantOutcome[], stops: StopReason[], t0: number): ExploreResult {
  // Liveness rows before the lock-order row, whichever pass settled each.
  const lockRow = outcomes.findIndex((o) => o.invariant === LOCK_ORDER);
  if (lockRow >= 0 && lockRow < outcomes.length - 1) outcomes.push(...outcomes.splice(lockRow, 1));
  return {
    ...base,
    stats: { ...base.stats, analysisSeconds: (performance.now() - t0) / 1000 },
    complete: base.complete && stops.length === 0,
    stopReason: base.complete && stops.length > 0 ? stops[0] : base.stopReason,
    outcomes,
  };
}

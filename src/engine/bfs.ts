// Breadth-first explicit-state search over packed vectors.
//
// Level by level: the current level's vectors sit bit-packed in one buffer
// (packer.ts), successors are computed into a scratch vector, fingerprinted,
// and appended to the next level when new. Per state only a parent index and an action number are
// kept, so the first violation found for each invariant is a shortest one and
// its trace is rebuilt by replay (trace.ts). The hot loop allocates nothing.
// A level is always finished before stopping for `all-violated` or
// `max-states`, so the parallel engine (parallel/coordinator.ts) reproduces
// this engine's states, counts and traces exactly.

import { ExactSet, type VisitedSet } from './exact-set.js';
import { fpOut } from './fingerprint.js';
import { FingerprintSet } from './fingerprint-set.js';
import { GrowableU16, GrowableU32, VectorQueue } from './growable.js';
import type { Model } from './model.js';
import {
  markReduced,
  type ExploreOptions,
  type ExploreResult,
  type StopReason,
  type Trace,
} from './result.js';
import { finishSearch } from './finish.js';
import { Packer } from './packer.js';
import type { PassAnalyses } from './in-search.js';
import { DISABLED, SUCCESSOR, Successors, type TransitionObserver } from './successors.js';
import { NO_PARENT, traceBuilder } from './trace.js';

export { selectInvariants, type TransitionObserver } from './successors.js';

/** Whether an error is an allocation beyond what a typed array or the heap can hold. */
export function isCapacityError(e: unknown): boolean {
  return e instanceof RangeError && /typed array length|Array buffer allocation failed|Invalid array length|out of memory/i.test(e.message);
}

export { collisionProbability } from './collision.js';

export function explore(model: Model, opts: ExploreOptions = {}): ExploreResult {
  return exploreTraced(model, opts).result;
}

/**
 * explore(), with an optional observer of every transition and, afterwards,
 * the shortest trace to any stored state id (ids are assigned in BFS order
 * and are the ones the observer saw).
 */
export function exploreTraced(
  model: Model,
  opts: ExploreOptions = {},
  observe?: TransitionObserver,
): { result: ExploreResult; traceTo(id: number): Trace } {
  const layout = model.layout;
  const stride = layout.stride;
  const nWords = stride >>> 2;
  const sem = new Successors(model, opts, observe);
  const nInv = sem.invariants.length;
  const checkDeadlock = opts.checkDeadlock ?? true;
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const timeLimitMs = (opts.timeLimit ?? Infinity) * 1000;
  const maxMemory = opts.maxMemoryBytes ?? Infinity;
  const progressEveryMs = (opts.progressEvery ?? 2) * 1000;
  const actionCount = model.actionCount;

  // violationAt[i] = first (shortest) violating state id of invariant i; index nInv = deadlock.
  const violationAt = new Int32Array(nInv + 1).fill(-1);
  /** openInv[i] = 1 while invariant i is unviolated. */
  const openInv = new Uint8Array(nInv).fill(1);
  let open = nInv + (checkDeadlock ? 1 : 0);

  const exact = opts.exact ?? false;
  // Small to start with (the sets double as they fill): a small search should not allocate for a large one.
  const seen: VisitedSet = exact ? new ExactSet(nWords, 1 << 10) : new FingerprintSet(1 << 10);
  const pass = sem.pass;
  const por = sem.por;
  /** Under partial-order reduction: the fingerprints of the next level's states (for the cycle proviso). */
  let nextLevel: FingerprintSet | null = por !== null ? new FingerprintSet() : null;
  const parent = new GrowableU32();
  const action = new GrowableU16();
  // Levels hold bit-packed vectors (packer.words 32-bit words each).
  const packer = new Packer(layout);
  const pw = packer.words;
  let current = new VectorQueue(pw * 4);
  let next = new VectorQueue(pw * 4);

  const src = new Uint8Array(stride);
  const srcWords = new Uint32Array(src.buffer);
  const dst = new Uint8Array(stride);
  const dstWords = new Uint32Array(dst.buffer);

  const t0 = performance.now();
  let lastTick = t0;
  let transitions = 0;
  let depth = 0;
  let stop: StopReason | null = null;
  /** Set when the current level must be the last: all violated, or no room for more states. */
  let lastLevel: StopReason | null = null;

  const checkNew = (id: number, vec: Uint8Array): void => {
    for (let i = sem.violated(vec, 0, openInv); i >= 0; i = sem.violated(vec, 0, openInv, i + 1)) {
      violationAt[i] = id;
      openInv[i] = 0;
      open--;
    }
  };

  // Initial states.
  const inits = sem.initial(dst, dstWords, (index) => {
    if (!seen.add(fpOut[0], fpOut[1], dstWords, 0)) return;
    const id = parent.length;
    parent.push(NO_PARENT);
    action.push(index);
    const off = current.reserve() >>> 2;
    packer.pack(dst, current.words, off);
    current.count++;
    checkNew(id, dst);
  });
  if (current.count > 0) depth = 1;
  const anyCheck = nInv > 0 || checkDeadlock;
  if (anyCheck && open === 0) stop = 'all-violated';

  let levelBase = 0;
  try {
    while (current.count > 0 && stop === null) {
      const atDepthLimit = depth >= maxDepth;
      const nextBase = parent.length;
      const cw = current.words;
      for (let k = 0; k < current.count && stop === null; k++) {
        const id = levelBase + k;
        packer.unpack(cw, k * pw, src);
        for (let w = 0; w < nWords; w++) dstWords[w] = srcWords[w];
        let enabled = 0;
        // Partial-order reduction: one actor's actions first; the rest only
        // when the proviso fails (an ample successor stored at this depth or less).
        const ample = por !== null && !atDepthLimit ? por.ampleActor(src) : -1;
        const own = ample >= 0 ? por!.actionsOf[ample] : null;
        let full = ample < 0;
        // Pass 0: the ample actor's actions (all actions without one); pass 1: the others', when the proviso fails.
        for (let pass = 0; pass < 2; pass++) {
          if (pass === 1 && (own === null || !full || stop !== null)) break;
          const n = pass === 0 && own !== null ? own.length : actionCount;
          for (let i = 0; i < n; i++) {
            const a = pass === 0 && own !== null ? own[i] : i;
            if (pass === 1 && por!.actorOf[a] === ample) continue;
            const fired = sem.fire(id, a, src, dst, dstWords);
            if (fired === DISABLED) continue;
            enabled++;
            if (fired === SUCCESSOR) {
              if (atDepthLimit) {
                // Not expanded: only learn whether the limit hides anything. The
                // level is still scanned to the end for transitions and deadlocks.
                if (lastLevel === null && !seen.has(fpOut[0], fpOut[1], dstWords, 0)) lastLevel = 'max-depth';
              } else if (lastLevel !== 'max-states' && seen.add(fpOut[0], fpOut[1], dstWords, 0)) {
                const newId = parent.length;
                if (newId >= maxStates) {
                  lastLevel = 'max-states';
                } else {
                  parent.push(id);
                  action.push(a);
                  const off = next.reserve() >>> 2; // may reallocate next.words
                  packer.pack(dst, next.words, off);
                  next.count++;
                  if (nextLevel !== null) nextLevel.add(fpOut[0], fpOut[1]);
                  if (nInv > 0) checkNew(newId, dst);
                }
              } else if (!full && !atDepthLimit && !nextLevel!.has(fpOut[0], fpOut[1])) {
                full = true; // the cycle proviso: an ample successor is no deeper than this state
              }
            }
            for (let w = 0; w < nWords; w++) dstWords[w] = srcWords[w];
            if (stop !== null) break;
          }
        }
        if (por !== null && ample >= 0 && !full) por.reduced++;
        transitions += enabled;
        if (enabled === 0 && sem.stuck(id, src, checkDeadlock && violationAt[nInv] < 0)) {
          violationAt[nInv] = id;
          open--;
        }
        if (anyCheck && open === 0 && (lastLevel === null || lastLevel === 'max-depth')) lastLevel = 'all-violated';
        if ((k & 255) === 255) {
          const now = performance.now();
          if (opts.shouldStop?.()) stop = 'interrupted';
          if (now - t0 > timeLimitMs) stop = 'time-limit';
          else if (maxMemory !== Infinity && (k & 4095) === 4095 && process.memoryUsage.rss() > maxMemory) stop = 'max-memory';
          if (now - lastTick >= progressEveryMs) {
            lastTick = now;
            if (opts.onProgress) {
              const secs = (now - t0) / 1000;
              opts.onProgress({
                states: parent.length,
                transitions,
                depth,
                queue: current.count - k + next.count,
                seconds: secs,
                statesPerSecond: parent.length / Math.max(secs, 1e-9),
                rssBytes: process.memoryUsage.rss(),
              });
            }
          }
        }
      }
      if (stop === null && lastLevel !== null) stop = lastLevel;
      if (atDepthLimit) break;
      const tmp = current;
      current = next;
      next = tmp;
      next.clear();
      if (nextLevel !== null) nextLevel = new FingerprintSet();
      levelBase = nextBase;
      if (current.count > 0) depth++;
    }
  } catch (e) {
    // A typed array past what the engine can address: out of memory, not a bug.
    if (!isCapacityError(e)) throw e;
    stop = 'max-memory';
  }
  if (stop === null) stop = 'exhausted';

  const traceTo = markReduced(traceBuilder(model, inits.map((v) => v.slice()), { parent, action }, sem.canon), por !== null);
  const result = finishSearch({
    model,
    invariants: sem.invariants,
    checkDeadlock,
    violationAt,
    stop,
    t0,
    states: parent.length,
    transitions,
    depth,
    exact,
    symmetry: sem.canon !== null,
    partialOrder: por !== null,
    traceTo,
  });
  return { result: pass && stop === 'exhausted' ? withPassOutcomes(result, pass, traceTo) : result, traceTo };
}

/** The result with the rows of the analyses settled in the search's pass appended. */
export function withPassOutcomes(result: ExploreResult, pass: PassAnalyses, traceTo: (id: number) => Trace): ExploreResult {
  return { ...result, outcomes: [...result.outcomes, ...pass.outcomes(traceTo)] };
}

// Parallel breadth-first search on worker threads, with results identical to
// the sequential engine for any number of workers.
//
// All workers share one visited table (shared-table.ts) and one claim table
// per level (level-table.ts). A level runs in three phases. Expand: workers
// take chunks of the level in turn, drop successors already visited and
// claim the others for their chunk; a claim keeps the least chunk, which
// holds the transition by which the sequential search first meets the state.
// Settle: each worker keeps, per chunk, the records its chunk still holds
// (the new states, in key order) and publishes their count; prefix sums here
// give each chunk its position in the next level, which is therefore the
// sequential engine's next level, with its state ids, parents and actions.
// Write: workers copy their new states there, set parents and actions,
// insert them into the visited table and check the invariants. Hence the
// same states, verdicts and shortest traces. Nothing is merged on this
// thread, and each successor is computed once. Small searches never get this
// far: they run sequentially in one worker first (see PROBE_STATES).

import type { TableRef } from '../exact-set.js';
import { ExactSet } from '../exact-set.js';
import { fpOut } from '../fingerprint.js';
import { FingerprintSet } from '../fingerprint-set.js';
import { isCapacityError } from '../bfs.js';
import { finishSearch } from '../finish.js';
import type { Model } from '../model.js';
import type { ModelRecipe } from '../recipe.js';
import { markReduced, type ExploreOptions, type ExploreResult, type StopReason } from '../result.js';
import { GrowableU16, GrowableU32 } from '../growable.js';
import { Packer } from '../packer.js';
import { Successors } from '../successors.js';
import { withPassOutcomes } from '../bfs.js';
import { NO_PARENT, traceBuilder } from '../trace.js';
import { levelSlotWords } from './level-table.js';
import { CapacityFailure, SearchPool } from './pool.js';
import {
  CLAIM_BATCH,
  CONTROL_WORDS,
  C_CLAIMED,
  C_NEXT,
  C_OVERFLOW,
  C_STOP,
  MAX_CHUNK,
  type ExpandedMsg,
  type SettledMsg,
  type WrittenMsg,
} from './protocol.js';
import {
  allocTable,
  capacityOf,
  growTo,
  growable,
  insertExact,
  insertFingerprint,
  placeDeferred,
  rangeStarts,
  regrowRange,
  slotWords,
  words,
} from './shared-table.js';

export { CapacityFailure, SearchPool, defaultWorkers } from './pool.js';

/** Distinct states a search may reach on one worker before it is redone on all of them. */
export const PROBE_STATES = 100_000;

/** Chunks per worker and level (more balance the load; fewer mean less bookkeeping). */
const CHUNKS_PER_WORKER = 64;

/**
 * Search `model` on worker threads. `workers` is a pool to reuse or a number
 * of threads to start for this search only. `recipe` must build the same
 * model in each worker.
 */
export async function exploreParallel(
  model: Model,
  recipe: ModelRecipe,
  workers: SearchPool | number,
  opts: ExploreOptions = {},
  /**
   * Tests set probeStates to 0 to force the phased protocol on small models,
   * and tableSlots small to make the visited table grow often.
   */
  tuning: { readonly probeStates?: number; readonly tableSlots?: number } = {},
): Promise<ExploreResult> {
  const probeStates = tuning.probeStates ?? PROBE_STATES;
  const ownPool = typeof workers === 'number';
  const pool = typeof workers === 'number' ? new SearchPool(Math.max(1, Math.floor(workers))) : workers;
  try {
    if (pool.size === 1 || (probeStates > 0 && (opts.maxStates ?? Infinity) <= probeStates)) {
      return await searchInWorker(recipe, pool, opts);
    }
    // Most searches are small: the sequential engine in one worker finishes
    // them before the phased protocol's per-level round trips would pay
    // off. Only a search that outgrows the probe is redone in parallel (the
    // results are the same either way).
    if (probeStates > 0) {
      const probe = await searchInWorker(recipe, pool, { ...opts, maxStates: probeStates });
      if (probe.stopReason !== 'max-states') return probe;
    }
    return await search(model, recipe, pool, opts, tuning.tableSlots ?? 1 << 16);
  } finally {
    if (ownPool) await pool.close();
  }
}

/** One worker: the sequential engine, run off the main thread so the caller stays responsive. */
async function searchInWorker(recipe: ModelRecipe, pool: SearchPool, opts: ExploreOptions): Promise<ExploreResult> {
  const control = new SharedArrayBuffer(4);
  const flags = new Int32Array(control);
  const { onProgress, shouldStop, ...options } = opts;
  const poll = shouldStop ? setInterval(() => shouldStop() && Atomics.store(flags, 0, 1), 100) : null;
  pool.onProgress = onProgress ?? null;
  try {
    const reply = await pool.ask<{ type: 'result'; result: ExploreResult }>(0, {
      type: 'sequential',
      recipe,
      options,
      progress: onProgress !== undefined,
      control,
    });
    return reply.result;
  } finally {
    if (poll) clearInterval(poll);
    pool.onProgress = null;
  }
}

const pow2AtLeast = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

async function search(model: Model, recipe: ModelRecipe, pool: SearchPool, opts: ExploreOptions, tableSlots: number): Promise<ExploreResult> {
  const layout = model.layout;
  const stride = layout.stride;
  const nWords = stride >>> 2;
  // Level buffers hold bit-packed vectors, as the workers read and write them.
  const packer = new Packer(layout);
  const pw = packer.words;
  const W = pool.size;
  const exact = opts.exact ?? false;
  // The semantics the workers fire transitions by; here for the initial states, the invariants and the analyses.
  const sem = new Successors(model, opts);
  const canon = sem.canon;
  const fpMask = opts.fingerprintMask ?? 0xffffffff;
  // Analyses settled in the search's pass: the workers' sightings, merged level by level.
  const pass = sem.pass;
  const invs = sem.invariants;
  const nInv = invs.length;
  const checkDeadlock = opts.checkDeadlock ?? true;
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const violationAt = new Int32Array(nInv + 1).fill(-1);
  let open = nInv + (checkDeadlock ? 1 : 0);
  const anyCheck = nInv > 0 || checkDeadlock;

  const controlBuf = new SharedArrayBuffer(CONTROL_WORDS * 4);
  const control = new Int32Array(controlBuf);

  const t0 = performance.now();
  let stop: StopReason | null = null;
  let stopRequest: StopReason | null = null;
  const requestStop = (why: StopReason) => {
    stopRequest ??= why;
    Atomics.store(control, C_STOP, 1);
  };
  const timers: NodeJS.Timeout[] = [];
  // Node's timers overflow past 2^31-1 ms (and then fire at once): longer limits need no timer.
  if (opts.timeLimit !== undefined && opts.timeLimit * 1000 <= 0x7fffffff) {
    timers.push(setTimeout(() => requestStop('time-limit'), opts.timeLimit * 1000));
  }

  // Parents and actions live on shared chunks that the workers fill in.
  const parent = new GrowableU32(true);
  const action = new GrowableU16(true);
  let transitions = 0;
  let depth = 0;
  let levelCount = 0;
  // Every shared buffer of the search grows in place, never replaced: a
  // dropped SharedArrayBuffer lingers until every worker isolate happens to
  // collect garbage. Two level buffers are used in turn.
  const level = growable(4);
  const spare = growable(4);
  let current = level;
  let levelBase = 0;
  const table: TableRef = allocTable(exact, pow2AtLeast(Math.max(4, tableSlots)));
  const ls = levelSlotWords(exact, pw);
  // The claim table never shrinks; it must take 128 claims per worker past its limit (see worker.ts).
  const claims = growable(pow2AtLeast(Math.max(1 << 12, 1024 * W)) * ls * 4);
  const counts = growable(4 * 1024);

  // The main thread is idle while workers search: poll for a stop request, the
  // memory bound and progress a few times a second.
  const maxMemory = opts.maxMemoryBytes ?? Infinity;
  const progressEveryMs = (opts.progressEvery ?? 2) * 1000;
  let lastProgress = performance.now();
  timers.push(
    setInterval(() => {
      if (opts.shouldStop?.()) requestStop('interrupted');
      const rss = process.memoryUsage.rss();
      if (rss > maxMemory) requestStop('max-memory');
      const now = performance.now();
      if (opts.onProgress && now - lastProgress >= progressEveryMs) {
        lastProgress = now;
        const secs = (now - t0) / 1000;
        opts.onProgress({
          states: parent.length,
          transitions,
          depth,
          queue: levelCount,
          seconds: secs,
          statesPerSecond: parent.length / Math.max(secs, 1e-9),
          rssBytes: rss,
        });
      }
    }, 200),
  );

  /**
   * Room in the visited table for `states` states in all. When it has to
   * grow, returns the old capacity: its entries must then be moved
   * (regrowRange) before anything else touches the table.
   */
  const reserve = (states: number): number => {
    const old = capacityOf(table, exact);
    let cap = old;
    while (states * 4 > cap * 3) cap *= 2;
    if (cap === old) return 0;
    growTo(table.slots as SharedArrayBuffer, cap * slotWords(exact) * 4);
    return old;
  };

  const inits = model.initialStates().map((v) => v.slice());
  try {
    await pool.collect<{ type: 'ready' }>((index) => ({
      type: 'init',
      recipe,
      index,
      workers: W,
      invariants: invs.map((i) => i.name),
      checkDeadlock,
      exact,
      symmetry: canon !== null,
      por: sem.por !== null,
      fingerprintMask: fpMask,
      ...(pass && opts.analyses ? { analyses: opts.analyses } : {}),
      control: controlBuf,
    }));

    // Initial states, on this thread.
    const vw = new Uint32Array(nWords);
    const vb = new Uint8Array(vw.buffer);
    growTo(current, Math.max(1, inits.length) * pw * 4);
    const initLevel = words(current);
    const openInv = invs.map(() => true);
    sem.initial(vb, vw, (index) => {
      const [lo, hi] = fpOut;
      const seen = exact ? ExactSet.view(table, nWords) : FingerprintSet.view(table);
      if (seen.has(lo, hi, vw, 0)) return;
      const id = parent.length;
      const oldCap = reserve(id + 1);
      if (oldCap > 0) {
        const deferred: number[] = [];
        const start = rangeStarts(exact, words(table.slots), oldCap, 1)[0];
        regrowRange(exact, words(table.slots), oldCap, start, start, deferred);
        placeDeferred(exact, words(table.slots), deferred);
      }
      if (exact) growTo(table.arena as SharedArrayBuffer, (id + 1) * nWords * 4);
      const slots = words(table.slots);
      if (exact) insertExact(slots, words(table.arena!), nWords, lo, hi, vw, 0, id);
      else insertFingerprint(slots, lo, hi);
      packer.pack(vb, initLevel, id * pw);
      parent.push(NO_PARENT);
      action.push(index);
      for (let i = sem.violated(vb, 0, openInv); i >= 0; i = sem.violated(vb, 0, openInv, i + 1)) {
        violationAt[i] = id;
        openInv[i] = false;
        open--;
      }
    });
    levelCount = parent.length;
    if (levelCount > 0) depth = 1;
    if (anyCheck && open === 0) stop ??= 'all-violated';
    /** New states per expanded state in the last level: sizes the next claim table. */
    let growth = 2;

    while (levelCount > 0 && stop === null && stopRequest === null) {
      if (opts.shouldStop?.()) {
        requestStop('interrupted');
        break;
      }
      const atDepthLimit = depth >= maxDepth;
      const nextBase = parent.length;
      const chunk = Math.min(MAX_CHUNK, Math.max(1, Math.ceil(levelCount / (W * CHUNKS_PER_WORKER))));
      const nChunks = Math.ceil(levelCount / chunk);
      const expectNew = Math.ceil(levelCount * growth * 1.25) + W * CLAIM_BATCH * 2;
      growTo(claims, pow2AtLeast((expectNew * 4) / 3) * ls * 4);

      // Expand (again with a larger claim table if this one fills up).
      let expanded: ExpandedMsg[];
      for (;;) {
        Atomics.store(control, C_NEXT, 0);
        Atomics.store(control, C_CLAIMED, 0);
        Atomics.store(control, C_OVERFLOW, 0);
        const slots = claims.byteLength / 4 / ls;
        expanded = await pool.collect<ExpandedMsg>(() => ({
          type: 'expand',
          level: current,
          count: levelCount,
          levelBase,
          chunk,
          table,
          claims,
          claimLimit: Math.floor((slots * 3) / 4) - 128 * W,
          atDepthLimit,
          deadlockOpen: checkDeadlock && violationAt[nInv] < 0,
          open: invs.map((_, i) => violationAt[i] < 0),
        }));
        if (expanded.some((m) => m.stopped) || !expanded.some((m) => m.overflow)) break;
        new Int32Array(claims).fill(0);
        growTo(claims, claims.byteLength * 2);
      }
      if (expanded.some((m) => m.stopped)) break;
      for (const m of expanded) transitions += m.transitions;
      if (pass) for (const m of expanded) if (m.analyses) pass.merge(m.analyses.edges, m.analyses.stutterAt, m.analyses.stutterObligation);
      const deadlocks = expanded.filter((m) => m.deadlockAt >= 0).map((m) => m.deadlockAt);
      if (deadlocks.length > 0 && violationAt[nInv] < 0 && checkDeadlock) {
        violationAt[nInv] = levelBase + Math.min(...deadlocks);
        open--;
      }
      if (anyCheck && open === 0) stop ??= 'all-violated';
      if (atDepthLimit) {
        if (expanded.some((m) => m.hiddenByDepth)) stop ??= 'max-depth';
        break;
      }

      // Settle (and grow the visited table for every new state meanwhile),
      // then positions: chunk k's new states follow those of chunks < k.
      const total = expanded.reduce((n, m) => n + m.claimed, 0);
      const oldCap = reserve(nextBase + total);
      const starts = oldCap > 0 ? rangeStarts(exact, words(table.slots), oldCap, W) : [];
      growTo(counts, nChunks * 4);
      const settled = await pool.collect<SettledMsg>((i) => ({
        type: 'settle',
        claims,
        counts,
        regrow: i < starts.length ? { table, oldCap, from: starts[i], to: starts[(i + 1) % starts.length] } : null,
      }));
      // A stop may have cut a table move short: the table is no longer whole, the search ends here.
      if (Atomics.load(control, C_STOP) !== 0) break;
      for (const m of settled) placeDeferred(exact, words(table.slots), m.deferred);
      const offsets = new Int32Array(counts, 0, nChunks);
      let sum = 0;
      for (let k = 0; k < nChunks; k++) {
        const c = offsets[k];
        offsets[k] = sum;
        sum += c;
      }
      if (sum !== total) throw new Error(`internal error: ${sum} new states settled, ${total} claimed`);
      const room = Math.max(0, Math.min(total, maxStates - nextBase));
      if (room < total) stop = 'max-states';

      // Write.
      parent.ensure(nextBase + room);
      action.ensure(nextBase + room);
      if (exact) growTo(table.arena as SharedArrayBuffer, (nextBase + room) * nWords * 4);
      const next = current === level ? spare : level;
      growTo(next, room * pw * 4);
      // Zeroing the whole claim table costs less than one cache miss per claimed slot?
      const clearAll = claims.byteLength / 64 <= 2 * total;
      const stillOpen = invs.map((_, i) => violationAt[i] < 0);
      const written = await pool.collect<WrittenMsg>(() => ({
        type: 'write',
        offsets: counts,
        room,
        levelBase,
        nextBase,
        next,
        parents: parent.buffers(),
        actions: action.buffers(),
        table,
        claims,
        clearAll,
        open: stillOpen,
      }));
      parent.length = nextBase + room;
      action.length = nextBase + room;
      for (let i = 0; i < nInv; i++) {
        if (violationAt[i] >= 0) continue;
        const least = Math.min(...written.map((w) => (w.violations[i] < 0 ? Infinity : w.violations[i])));
        if (least !== Infinity) {
          violationAt[i] = nextBase + least;
          open--;
        }
      }
      if (written.some((w) => w.stopped)) break;
      growth = room / levelCount;
      current = next;
      levelCount = room;
      levelBase = nextBase;
      if (levelCount > 0) depth++;
      if (anyCheck && open === 0) stop ??= 'all-violated';
    }
  } catch (e) {
    // Out of addressable memory here or in a worker: incomplete, not a crash.
    // (A worker's failure leaves the pool broken; the caller replaces it.)
    if (!(e instanceof CapacityFailure) && !isCapacityError(e)) throw e;
    stop = 'max-memory';
  } finally {
    timers.forEach((t) => clearTimeout(t));
  }
  stop ??= stopRequest ?? 'exhausted';

  const traceTo = markReduced(traceBuilder(model, inits, { parent, action }, canon), sem.por !== null);
  const result = finishSearch({
    model,
    invariants: invs,
    checkDeadlock,
    violationAt,
    stop,
    t0,
    states: parent.length,
    transitions,
    depth,
    exact,
    symmetry: canon !== null,
    partialOrder: sem.por !== null,
    traceTo,
  });
  return pass && stop === 'exhausted' ? withPassOutcomes(result, pass, traceTo) : result;
}

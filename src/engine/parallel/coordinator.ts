// Parallel breadth-first search on worker threads, with results identical to
// the sequential engine for any number of workers.
//
// Each level runs in three phases. Expand: worker w takes a contiguous range
// of the level, computes successors, drops those already in some visited
// table or already produced by itself this level, and bins the rest by owner
// (fingerprint high word mod workers). Insert: each owner adds its bins in
// expander order to its own table; since ranges are contiguous, that order is
// the key order (parent index, action) in which the sequential search would
// meet them, so the same duplicate wins. The coordinator merges the owners'
// new keys, which assigns exactly the sequential state ids, parents and
// actions. Write: owners recompute their new states into the next level at
// the merged positions and check the invariants there. Hence the same
// states, verdicts and shortest traces. Small searches never get this far:
// they run sequentially in one worker first (see PROBE_STATES).

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { TableRef } from '../exact-set.js';
import { fingerprint, fpOut, maskFingerprint } from '../fingerprint.js';
import { isCapacityError, selectInvariants } from '../bfs.js';
import { finishSearch } from '../finish.js';
import type { Model } from '../model.js';
import type { ModelRecipe } from '../recipe.js';
import {
  type ExploreOptions,
  type ExploreResult,
  type Progress,
  type StopReason,
} from '../result.js';
import { StateView } from '../state-view.js';
import { GrowableU16, GrowableU32 } from '../growable.js';
import { Packer } from '../packer.js';
import { Canonicalizer } from '../symmetry.js';
import { NO_PARENT, traceBuilder } from '../trace.js';
import { CAND_WORDS, FRESH_WORDS, type ExpandedMsg, type FromWorker, type InsertedMsg, type ToWorker, type WrittenMsg } from './protocol.js';
import { RecordList, type RecordsRef } from './records.js';

/** Distinct states a search may reach on one worker before it is redone on all of them. */
export const PROBE_STATES = 100_000;

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * The worker entry: the compiled worker.js next to this file, or, when this
 * module runs from TypeScript source (the test runner), worker.ts loaded
 * through tsx's loader, registered inside the new thread.
 */
function spawnWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here));
  const entry = JSON.stringify(new URL('./worker.ts', here).href);
  const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${entry}); })`;
  return new Worker(boot, { eval: true });
}

/** A worker ran out of addressable memory: the search ends as incomplete (max-memory). */
export class CapacityFailure extends Error {}

/**
 * Search worker threads, started once and reused by every search of a run
 * (starting a thread and compiling the model in it costs a fraction of a
 * second). A worker failure breaks the pool: the current search rejects and
 * so does every later one.
 */
export class SearchPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, (m: FromWorker) => void>();
  private failure: Error | null = null;
  private onFailure: ((e: Error) => void) | null = null;
  private closed = false;
  /** Receives progress reports of a sequential search running in a worker. */
  onProgress: ((p: Progress) => void) | null = null;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const w = spawnWorker();
      w.on('message', (m: FromWorker) => {
        if (m.type === 'error') {
          const msg = `search worker ${i} failed: ${m.message}`;
          return this.fail(m.capacity ? new CapacityFailure(msg) : new Error(msg));
        }
        if (m.type === 'progress') return this.onProgress?.(m.progress);
        const k = this.waiting.get(i);
        this.waiting.delete(i);
        k?.(m);
      });
      w.on('error', (e) => this.fail(new Error(`search worker ${i} crashed: ${e.message}`)));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`search worker ${i} exited with code ${code}`));
      });
      this.workers.push(w);
    }
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    this.onFailure?.(e);
  }

  /** The failure that broke the pool, if any (a broken pool rejects every request). */
  get broken(): Error | null {
    return this.failure;
  }

  /** Send a message to worker i only and wait for its reply. */
  ask<T extends FromWorker>(i: number, msg: ToWorker): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.onFailure = reject;
      this.waiting.set(i, (m) => resolve(m as T));
      this.workers[i].postMessage(msg);
    });
  }

  /** Send a message to every worker and wait for each one's reply. */
  collect<T extends FromWorker>(send: (i: number) => ToWorker): Promise<T[]> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.onFailure = reject;
      const out: T[] = new Array(this.workers.length);
      let pending = this.workers.length;
      this.workers.forEach((w, i) => {
        this.waiting.set(i, (m) => {
          out[i] = m as T;
          if (--pending === 0) resolve(out);
        });
        w.postMessage(send(i));
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.onFailure = null;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

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
  /** Tests set probeStates to 0 to force the two-phase protocol on small models. */
  tuning: { readonly probeStates?: number } = {},
): Promise<ExploreResult> {
  const probeStates = tuning.probeStates ?? PROBE_STATES;
  const ownPool = typeof workers === 'number';
  const pool = typeof workers === 'number' ? new SearchPool(Math.max(1, Math.floor(workers))) : workers;
  try {
    if (pool.size === 1 || (probeStates > 0 && (opts.maxStates ?? Infinity) <= probeStates)) {
      return await searchInWorker(recipe, pool, opts);
    }
    // Most searches are small: the sequential engine in one worker finishes
    // them before the two-phase protocol's per-level round trips would pay
    // off. Only a search that outgrows the probe is redone in parallel (the
    // results are the same either way).
    if (probeStates > 0) {
      const probe = await searchInWorker(recipe, pool, { ...opts, maxStates: probeStates });
      if (probe.stopReason !== 'max-states') return probe;
    }
    return await search(model, recipe, pool, opts);
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

async function search(model: Model, recipe: ModelRecipe, pool: SearchPool, opts: ExploreOptions): Promise<ExploreResult> {
  const layout = model.layout;
  const stride = layout.stride;
  const nWords = stride >>> 2;
  // Level buffers hold bit-packed vectors, as the workers read and write them.
  const packer = new Packer(layout);
  const W = pool.size;
  const exact = opts.exact ?? false;
  const canon = opts.symmetry && model.symmetry?.length ? new Canonicalizer(layout, model.symmetry) : null;
  const fpMask = opts.fingerprintMask ?? 0xffffffff;
  const invs = selectInvariants(model, opts.invariants);
  const nInv = invs.length;
  const checkDeadlock = opts.checkDeadlock ?? true;
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const violationAt = new Int32Array(nInv + 1).fill(-1);
  let open = nInv + (checkDeadlock ? 1 : 0);
  const anyCheck = nInv > 0 || checkDeadlock;

  const controlBuf = new SharedArrayBuffer(4);
  const control = new Int32Array(controlBuf);

  const t0 = performance.now();
  let stop: StopReason | null = null;
  let stopRequest: StopReason | null = null;
  const requestStop = (why: StopReason) => {
    stopRequest ??= why;
    Atomics.store(control, 0, 1);
  };
  const timers: NodeJS.Timeout[] = [];
  // Node's timers overflow past 2^31-1 ms (and then fire at once): longer limits need no timer.
  if (opts.timeLimit !== undefined && opts.timeLimit * 1000 <= 0x7fffffff) {
    timers.push(setTimeout(() => requestStop('time-limit'), opts.timeLimit * 1000));
  }

  const parent = new GrowableU32();
  const action = new GrowableU16();
  let transitions = 0;
  let depth = 0;
  let levelCount = 0;
  let level: Uint32Array = new Uint32Array(new SharedArrayBuffer(4));
  let spare: Uint32Array = new Uint32Array(new SharedArrayBuffer(4));
  let levelBase = 0;

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
   * Merge the owners' new-state keys (parent index, action) into the order
   * the sequential search would give them: assign their state ids, parents
   * and actions, and for each owner the position of each of its new states
   * in the next level (-1 past a state limit).
   */
  const merge = (ins: InsertedMsg[], initial: boolean): { count: number; positions: Int32Array[] } => {
    const lists = ins.map((m) => RecordList.wrap(m.fresh, FRESH_WORDS));
    const total = lists.reduce((s, l) => s + l.count, 0);
    const room = Math.max(0, Math.min(total, maxStates - parent.length));
    if (room < total) stop = 'max-states';
    const positions = lists.map((l) => new Int32Array(new SharedArrayBuffer(Math.max(1, l.count) * 4)).fill(-1));
    const heads = new Int32Array(lists.length);
    for (let n = 0; n < room; n++) {
      let best = -1;
      let bp = 0;
      let ba = 0;
      for (let j = 0; j < lists.length; j++) {
        const h = heads[j];
        if (h >= lists[j].count) continue;
        const p = lists[j].words[h * FRESH_WORDS];
        const a = lists[j].words[h * FRESH_WORDS + 1];
        if (best < 0 || p < bp || (p === bp && a < ba)) {
          best = j;
          bp = p;
          ba = a;
        }
      }
      positions[best][heads[best]++] = n;
      if (initial) {
        parent.push(NO_PARENT);
        action.push(bp);
      } else {
        parent.push(levelBase + bp);
        action.push(ba);
      }
    }
    return { count: room, positions };
  };



  const inits = model.initialStates().map((v) => v.slice());
  try {
    const ready = await pool.collect<{ type: 'ready'; table: TableRef }>((index) => ({
      type: 'init',
      recipe,
      index,
      workers: W,
      invariants: invs.map((i) => i.name),
      checkDeadlock,
      exact,
      symmetry: canon !== null,
      fingerprintMask: fpMask,
      control: controlBuf,
    }));
    let tables: TableRef[] = ready.map((r) => r.table);

    // Initial states: binned by owner on this thread, inserted by the owners.
    const initBins = Array.from({ length: W }, () => new RecordList(CAND_WORDS, Math.max(1, inits.length)));
    const initLevel = new Uint32Array(new SharedArrayBuffer(Math.max(1, inits.length) * stride));
    const vw = new Uint32Array(stride >>> 2);
    const vb = new Uint8Array(vw.buffer);
    const view = new StateView(layout);
    inits.forEach((init, index) => {
      if (init.length !== stride || !layout.inDomain(init)) {
        throw new Error(`internal error: ${model.name} initial state #${index} does not fit its layout`);
      }
      if (model.constraint && !model.constraint(StateView.point(view, init))) return;
      vb.set(init);
      canon?.canonicalize(vb);
      fingerprint(vw, 0, nWords);
      if (fpMask !== 0xffffffff) maskFingerprint(fpMask);
      packer.pack(vb, initLevel, index * packer.words);
      const bin = initBins[fpOut[1] % W];
      const off = bin.reserve();
      bin.words.set([fpOut[0], fpOut[1], index, 0], off);
      bin.commit();
    });
    const openFlags = () => invs.map((_, i) => violationAt[i] < 0);
    /**
     * Insert, merge, write: the new states of a level (or the initial states)
     * land in the spare level buffer, in sequential order; null if stopped.
     */
    const insert = async (lvl: Uint32Array, binsFor: (owner: number) => RecordsRef[], initial: boolean) => {
      const ins = await pool.collect<InsertedMsg>((j) => ({
        type: 'insert',
        level: lvl.buffer as SharedArrayBuffer,
        initial,
        bins: binsFor(j),
      }));
      if (ins.some((m) => m.stopped)) return null;
      tables = ins.map((m) => m.table);
      const firstId = parent.length;
      const { count, positions } = merge(ins, initial);
      // Two level buffers are reused in turn: a fresh SharedArrayBuffer per
      // level would linger until every worker isolate collects garbage.
      if (spare.length < count * packer.words) {
        spare = new Uint32Array(new SharedArrayBuffer(Math.max(count * packer.words * 4, spare.byteLength * 2)));
      }
      const next = spare;
      const stillOpen = openFlags();
      const written = await pool.collect<WrittenMsg>((j) => ({
        type: 'write',
        level: lvl.buffer as SharedArrayBuffer,
        initial,
        next: next.buffer as SharedArrayBuffer,
        positions: positions[j].buffer as SharedArrayBuffer,
        open: stillOpen,
      }));
      for (let i = 0; i < nInv; i++) {
        if (violationAt[i] >= 0) continue;
        const least = Math.min(...written.map((w) => (w.violations[i] < 0 ? Infinity : w.violations[i])));
        if (least !== Infinity) {
          violationAt[i] = firstId + least;
          open--;
        }
      }
      if (written.some((w) => w.stopped)) return null;
      return { next, count };
    };

    const first = await insert(initLevel, (j) => [initBins[j].ref()], true);
    if (first) {
      spare = level;
      level = first.next;
      levelCount = first.count;
      if (levelCount > 0) depth = 1;
    }
    if (anyCheck && open === 0) stop ??= 'all-violated';

    while (levelCount > 0 && stop === null && stopRequest === null) {
      if (opts.shouldStop?.()) {
        requestStop('interrupted');
        break;
      }
      const atDepthLimit = depth >= maxDepth;
      const nextBase = parent.length;
      const chunk = Math.ceil(levelCount / W);
      const expanded = await pool.collect<ExpandedMsg>((i) => ({
        type: 'expand',
        level: level.buffer as SharedArrayBuffer,
        from: Math.min(levelCount, i * chunk),
        to: Math.min(levelCount, (i + 1) * chunk),
        tables,
        atDepthLimit,
        deadlockOpen: checkDeadlock && violationAt[nInv] < 0,
      }));
      if (expanded.some((m) => m.stopped)) break;
      for (const m of expanded) transitions += m.transitions;
      const dl = expanded.find((m) => m.deadlockAt >= 0);
      if (dl && violationAt[nInv] < 0 && checkDeadlock) {
        violationAt[nInv] = levelBase + dl.deadlockAt;
        open--;
      }
      if (anyCheck && open === 0) stop ??= 'all-violated';
      if (atDepthLimit) {
        if (expanded.some((m) => m.hiddenByDepth)) stop ??= 'max-depth';
        break;
      }
      const merged = await insert(level, (j) => expanded.map((m) => m.bins[j]), false);
      if (!merged) break;
      spare = level;
      level = merged.next;
      levelCount = merged.count;
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

  return finishSearch({
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
    traceTo: traceBuilder(model, inits, { parent, action }, canon),
  });
}

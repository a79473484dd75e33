// A search worker thread, reused across searches. For each search (`init`)
// it builds its own copy of the model from the recipe; then, level by level,
// it expands the chunks of the level it takes, settles which of its records
// are new states, and writes those into the next level and the shared
// visited table (protocol.ts, coordinator.ts). With one worker it runs the
// whole sequential search instead.

import { parentPort } from 'node:worker_threads';
import { ExactSet, type VisitedSet } from '../exact-set.js';
import { fpOut } from '../fingerprint.js';
import { FingerprintSet } from '../fingerprint-set.js';
import { explore, isCapacityError } from '../bfs.js';
import { ChunkWriter } from '../growable.js';
import { Packer } from '../packer.js';
import { loadModel } from '../recipe.js';
import { DISABLED, SUCCESSOR, Successors } from '../successors.js';
import { L_TAG, claim, claimHome, levelSlotWords } from './level-table.js';
import { RecordStore } from './record-store.js';
import {
  CLAIM_BATCH,
  C_CLAIMED,
  C_NEXT,
  C_OVERFLOW,
  C_STOP,
  type ExpandMsg,
  type FromWorker,
  type SettleMsg,
  type WriteMsg,
  type SequentialMsg,
  type ToWorker,
  type WorkerInit,
} from './protocol.js';
import { insertExact, insertFingerprint, regrowRange, slotWords, words } from './shared-table.js';

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

interface Search {
  expand(m: ExpandMsg): void;
  settle(m: SettleMsg): void;
  write(m: WriteMsg): void;
}

async function start(init: WorkerInit): Promise<Search> {
  const model = await loadModel(init.recipe);
  const W = init.workers;
  const me = init.index;
  const stride = model.layout.stride;
  const nWords = stride >>> 2;
  // Levels hold bit-packed vectors (pw words each); work is done on unpacked ones.
  const packer = new Packer(model.layout);
  const pw = packer.words;
  const sem = new Successors(model, {
    invariants: init.invariants,
    symmetry: init.symmetry,
    por: init.por,
    fingerprintMask: init.fingerprintMask,
    ...(init.analyses ? { analyses: init.analyses } : {}),
  });
  const invs = sem.invariants;
  const por = sem.por;
  const control = new Int32Array(init.control);
  const actionCount = model.actionCount;
  const exact = init.exact;
  // Analyses settled in the search's pass: this worker's sightings, reported with each level.
  const pass = sem.pass;
  const lockEdges = pass?.lockEdges ?? null;
  const ls = levelSlotWords(exact, pw);

  // This worker's records of the level: [claim slot | violation flag << 31, (parent index in chunk) << 16 |
  // action, fingerprint lo, hi, packed vector]. The flag says that the state violates some invariant still
  // open, so that writing it only needs the invariants checked again on flagged states.
  const R = pw + 4;
  const VIOLATES = 0x80000000;
  const SLOT = 0x7fffffff;
  const recs = new RecordStore(R);
  /** Chunks this worker expanded: chunk index, first record, records, then (after settle) new states. */
  let mine = new Int32Array(4 * 64);
  let nMine = 0;
  /** States per chunk of the level being searched. */
  let chunkSize = 1;

  const src = new Uint8Array(stride);
  const srcWords = new Uint32Array(src.buffer);
  const dst = new Uint8Array(stride);
  const dstWords = new Uint32Array(dst.buffer);
  const packed = new Uint32Array(pw);
  // A batch of successors waiting to be claimed: fingerprint, parent and action, unpacked vector.
  const BATCH = Math.max(128, 2 * actionCount);
  const bFp = new Int32Array(2 * BATCH);
  const bPa = new Uint32Array(BATCH);
  const bVec = new Uint32Array(BATCH * nWords);
  const bBytes = new Uint8Array(bVec.buffer);
  const scratch = new Int32Array(1);
  const stopRequested = () => Atomics.load(control, C_STOP) !== 0;

  function expand(m: ExpandMsg): void {
    const lvl = words(m.level);
    const table: VisitedSet = exact ? ExactSet.view(m.table, nWords) : FingerprintSet.view(m.table);
    const lt = new Int32Array(m.claims, 0, m.claims.byteLength >>> 2);
    const lmask = lt.length / ls - 1;
    // The visited table's slots, to touch those a claim may probe (both tables hash alike).
    const seen = words(m.table.slots);
    const sw = slotWords(exact);
    const smask = seen.length / sw - 1;
    const count = m.count;
    chunkSize = m.chunk;
    recs.clear();
    nMine = 0;
    let transitions = 0;
    let deadlockAt = -1;
    let hidden = false;
    let stopped = false;
    let overflow = false;
    let claimed = 0;
    let pending = 0;
    const anyOpen = m.open.some((o) => o);
    /**
     * Claim the successors gathered in the batch for chunk k. Their claim
     * slots and visited-table slots are touched first, in a tight loop of
     * independent loads: the processor then waits for many cache misses at
     * once, not one by one.
     * False when the claim table is too full (the level is redone).
     */
    const flush = (k: number): boolean => {
      let sink = 0;
      for (let i = 0; i < nb; i++) {
        sink |= lt[claimHome(bFp[2 * i], bFp[2 * i + 1], lmask) * ls];
        sink |= seen[claimHome(bFp[2 * i], bFp[2 * i + 1], smask) * sw];
      }
      scratch[0] = sink;
      for (let i = 0; i < nb; i++) {
        if (exact) packer.pack(bBytes, packed, 0, i * stride);
        const c = claim(lt, lmask, ls, bFp[2 * i], bFp[2 * i + 1], k + 1, exact ? packed : null, pw, table, bVec, i * nWords);
        if (c < 0) continue;
        if ((c & 1) === 1) {
          claimed++;
          if (++pending === CLAIM_BATCH) {
            // The table must never fill up: past its limit, the level is redone with a larger one.
            pending = 0;
            const total = Atomics.add(control, C_CLAIMED, CLAIM_BATCH) + CLAIM_BATCH;
            if (total > m.claimLimit || Atomics.load(control, C_OVERFLOW) !== 0) {
              Atomics.store(control, C_OVERFLOW, 1);
              return false;
            }
          }
        }
        const violates = anyOpen && sem.violated(bBytes, i * stride, m.open) >= 0 ? VIOLATES : 0;
        const off = recs.add();
        const rw = recs.words;
        rw[off] = (c >>> 1) | violates;
        rw[off + 1] = bPa[i];
        rw[off + 2] = bFp[2 * i];
        rw[off + 3] = bFp[2 * i + 1];
        packer.pack(bBytes, rw, off + 4, i * stride);
      }
      nb = 0;
      return true;
    };
    let nb = 0;
    chunks: for (;;) {
      const k = Atomics.add(control, C_NEXT, 1);
      const from = k * m.chunk;
      if (from >= count) break;
      const to = Math.min(count, from + m.chunk);
      const first = recs.count;
      for (let p = from; p < to; p++) {
        if (((p - from) & 127) === 0) {
          if (stopRequested()) {
            stopped = true;
            break chunks;
          }
          if (Atomics.load(control, C_OVERFLOW) !== 0) {
            overflow = true;
            break chunks;
          }
        }
        packer.unpack(lvl, p * pw, src);
        for (let w = 0; w < nWords; w++) dstWords[w] = srcWords[w];
        let enabled = 0;
        // Partial-order reduction (por.ts): one actor's actions, then the rest
        // only when an ample successor is already in the table (no deeper than this state).
        const ample = por !== null && !m.atDepthLimit ? por.ampleActor(src) : -1;
        const own = ample >= 0 ? por!.actionsOf[ample] : null;
        let full = ample < 0;
        // Pass 0: the ample actor's actions (all actions without one); pass 1: the others', when the proviso fails.
        for (let pass = 0; pass < 2; pass++) {
          if (pass === 1 && (own === null || !full)) break;
          const n = pass === 0 && own !== null ? own.length : actionCount;
          for (let i = 0; i < n; i++) {
            const a = pass === 0 && own !== null ? own[i] : i;
            if (pass === 1 && por!.actorOf[a] === ample) continue;
            const fired = sem.fire(m.levelBase + p, a, src, dst, dstWords);
            if (fired === DISABLED) continue;
            enabled++;
            if (fired === SUCCESSOR) {
              if (m.atDepthLimit) {
                if (!hidden && !table.has(fpOut[0], fpOut[1], dstWords, 0)) hidden = true;
              } else {
                if (!full && table.has(fpOut[0], fpOut[1], dstWords, 0)) full = true;
                bFp[2 * nb] = fpOut[0];
                bFp[2 * nb + 1] = fpOut[1];
                bPa[nb] = ((p - from) << 16) | a;
                for (let w = 0; w < nWords; w++) bVec[nb * nWords + w] = dstWords[w];
                nb++;
              }
            }
            for (let w = 0; w < nWords; w++) dstWords[w] = srcWords[w];
          }
        }
        transitions += enabled;
        if (enabled === 0 && sem.stuck(m.levelBase + p, src, m.deadlockOpen && (deadlockAt < 0 || p < deadlockAt))) deadlockAt = p;
        if ((nb + actionCount > BATCH || p === to - 1) && !flush(k)) {
          overflow = true;
          break chunks;
        }
      }
      if ((nMine + 1) * 4 > mine.length) {
        const more = new Int32Array(mine.length * 2);
        more.set(mine);
        mine = more;
      }
      mine[nMine * 4] = k;
      mine[nMine * 4 + 1] = first;
      mine[nMine * 4 + 2] = recs.count - first;
      mine[nMine * 4 + 3] = 0;
      nMine++;
    }
    const analyses = pass
      ? { edges: [...(lockEdges?.sightings.values() ?? [])], stutterAt: Array.from(pass.stutterAt), stutterObligation: Array.from(pass.stutterObligation) }
      : null;
    post({ type: 'expanded', transitions, deadlockAt, hiddenByDepth: hidden, stopped, overflow, claimed, analyses });
  }

  /**
   * Keep, per chunk, the records whose chunk still holds the claim: the new
   * states, in order. Meanwhile move this worker's share of a grown table.
   */
  function settle(m: SettleMsg): void {
    const lt = new Int32Array(m.claims, 0, m.claims.byteLength >>> 2);
    const counts = new Int32Array(m.counts, 0, m.counts.byteLength >>> 2);
    for (let c = 0; c < nMine; c++) {
      const k = mine[c * 4];
      const first = mine[c * 4 + 1];
      const end = first + mine[c * 4 + 2];
      let out = first;
      for (let r0 = first; r0 < end; r0 += BATCH) {
        const r1 = Math.min(end, r0 + BATCH);
        let sink = 0;
        for (let r = r0; r < r1; r++) sink |= lt[(recs.slotOf(r) & SLOT) * ls + L_TAG];
        scratch[0] = sink;
        for (let r = r0; r < r1; r++) {
          if (lt[(recs.slotOf(r) & SLOT) * ls + L_TAG] !== k + 1) continue;
          if (out !== r) recs.move(r, out);
          out++;
        }
      }
      mine[c * 4 + 3] = out - first;
      counts[k] = out - first;
    }
    const deferred: number[] = [];
    const g = m.regrow;
    if (g) regrowRange(exact, words(g.table.slots), g.oldCap, g.from, g.to, deferred, stopRequested);
    post({ type: 'settled', deferred });
  }

  function write(m: WriteMsg): void {
    const violations = invs.map(() => -1);
    const table = words(m.table.slots);
    const arena = exact ? words(m.table.arena!) : null;
    const offsets = new Int32Array(m.offsets, 0, m.offsets.byteLength >>> 2);
    const next = words(m.next);
    const parents = new ChunkWriter(m.parents.map((b) => new Uint32Array(b)));
    const actions = new ChunkWriter(m.actions.map((b) => new Uint16Array(b)));
    const lt = new Int32Array(m.claims, 0, m.claims.byteLength >>> 2);
    const tmask = (table.length >>> 1) - 1;
    let stopped = false;
    for (let c = 0; c < nMine && !stopped; c++) {
      const k = mine[c * 4];
      const base = offsets[k];
      const first = mine[c * 4 + 1];
      const n = Math.min(mine[c * 4 + 3], m.room - base);
      // In batches: first everything but the insertions, touching their slots, then the insertions.
      for (let i0 = 0; i0 < n; i0 += BATCH) {
        if (stopRequested()) {
          stopped = true;
          break;
        }
        const i1 = Math.min(n, i0 + BATCH);
        let sink = 0;
        for (let i = i0; i < i1; i++) {
          const pos = base + i;
          const off = recs.offsetOf(first + i);
          const rw = recs.wordsOf(first + i);
          for (let w = 0; w < pw; w++) next[pos * pw + w] = rw[off + 4 + w];
          const id = m.nextBase + pos;
          const pa = rw[off + 1];
          parents.set(id, m.levelBase + k * chunkSize + (pa >>> 16));
          actions.set(id, pa & 0xffff);
          const b = i - i0;
          const lo = rw[off + 2];
          const hi = rw[off + 3];
          bFp[2 * b] = lo;
          bFp[2 * b + 1] = hi;
          if ((rw[off] & VIOLATES) !== 0 || arena) {
            packer.unpack(rw, off + 4, dst);
            if (arena) for (let w = 0; w < nWords; w++) bVec[b * nWords + w] = dstWords[w];
          }
          if (!arena) sink |= table[((lo ^ Math.imul(hi, 0x9e3779b1)) & tmask) * 2 + 1];
          if ((rw[off] & VIOLATES) !== 0) {
            // Positions grow with i and with the chunk, so the first violation is the least.
            for (let v = sem.violated(dst, 0, m.open); v >= 0; v = sem.violated(dst, 0, m.open, v + 1)) {
              if (violations[v] < 0) violations[v] = pos;
            }
          }
        }
        scratch[0] = sink;
        for (let i = i0; i < i1; i++) {
          const b = i - i0;
          const lo = bFp[2 * b] >>> 0;
          const hi = bFp[2 * b + 1] >>> 0;
          if (arena) insertExact(table, arena, nWords, lo, hi, bVec, b * nWords, m.nextBase + base + i);
          else insertFingerprint(table, lo, hi);
        }
      }
    }
    // Zero the claim table for the next level.
    if (m.clearAll) {
      const slots = lt.length / ls;
      lt.fill(0, Math.floor((slots * me) / W) * ls, Math.floor((slots * (me + 1)) / W) * ls);
    } else {
      for (let c = 0; c < nMine; c++) {
        const first = mine[c * 4 + 1];
        for (let r = first; r < first + mine[c * 4 + 3]; r++) {
          const at = (recs.slotOf(r) & SLOT) * ls;
          lt.fill(0, at, at + ls);
        }
      }
    }
    post({ type: 'written', violations, stopped });
  }

  post({ type: 'ready' });
  return { expand, settle, write };
}

const failed = (e: unknown) => post({ type: 'error', message: (e as Error)?.message ?? String(e), capacity: isCapacityError(e) });

async function sequential(m: SequentialMsg): Promise<void> {
  const model = await loadModel(m.recipe);
  const control = new Int32Array(m.control);
  const result = explore(model, {
    ...m.options,
    shouldStop: () => Atomics.load(control, 0) !== 0,
    ...(m.progress ? { onProgress: (progress) => post({ type: 'progress', progress }) } : {}),
  });
  post({ type: 'result', result });
}

let search: Search | null = null;
port.on('message', (m: ToWorker) => {
  try {
    if (m.type === 'init') {
      search = null;
      start(m).then((s) => (search = s), failed);
    } else if (m.type === 'sequential') {
      search = null;
      sequential(m).catch(failed);
    } else if (!search) {
      failed(new Error(`${m.type} before init`));
    } else if (m.type === 'expand') {
      search.expand(m);
    } else if (m.type === 'settle') {
      search.settle(m);
    } else {
      search.write(m);
    }
  } catch (e) {
    failed(e);
  }
});

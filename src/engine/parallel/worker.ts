// A search worker thread, reused across searches. For each search (`init`)
// it builds its own copy of the model from the recipe and owns one partition
// of the visited set (fingerprints whose high word maps to its index); on
// request it expands a range of a BFS level, inserts the candidates other
// workers found for its partition, or writes its new states into the next
// level. With one worker it runs the whole sequential search instead.

import { parentPort } from 'node:worker_threads';
import { ExactSet, type VisitedSet } from '../exact-set.js';
import { fingerprint, fpOut, maskFingerprint } from '../fingerprint.js';
import { FingerprintSet } from '../fingerprint-set.js';
import { explore, isCapacityError, selectInvariants } from '../bfs.js';
import { Packer } from '../packer.js';
import { loadModel } from '../recipe.js';
import { Canonicalizer } from '../symmetry.js';
import { StateView } from '../state-view.js';
import {
  CAND_WORDS,
  FRESH_WORDS,
  type ExpandMsg,
  type FromWorker,
  type InsertMsg,
  type WriteMsg,
  type SequentialMsg,
  type ToWorker,
  type WorkerInit,
} from './protocol.js';
import { RecordList } from './records.js';

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

interface Search {
  expand(m: ExpandMsg): void;
  insert(m: InsertMsg): void;
  write(m: WriteMsg): void;
}

async function start(init: WorkerInit): Promise<Search> {
  const model = await loadModel(init.recipe);
  const W = init.workers;
  const stride = model.layout.stride;
  const nWords = stride >>> 2;
  // Levels hold bit-packed vectors (pw words each); work is done on unpacked ones.
  const packer = new Packer(model.layout);
  const pw = packer.words;
  const candWords = CAND_WORDS;
  const invs = selectInvariants(model, init.invariants);
  const control = new Int32Array(init.control);
  const constraint = model.constraint?.bind(model);
  const isTerminal = model.isTerminal?.bind(model);
  const actionCount = model.actionCount;

  const exact = init.exact;
  const canon = init.symmetry && model.symmetry?.length ? new Canonicalizer(model.layout, model.symmetry) : null;
  const fpMask = init.fingerprintMask;
  const table: VisitedSet = exact ? new ExactSet(nWords, 1 << 16, true) : new FingerprintSet(1 << 16, true);
  // Per-level duplicate filter; in exact mode a fingerprint match proves nothing, so owners dedup alone.
  const local = new FingerprintSet(1 << 12);
  const bins = Array.from({ length: W }, () => new RecordList(candWords));
  const fresh = new RecordList(FRESH_WORDS);
  const src = new Uint8Array(stride);
  const srcWords = new Uint32Array(src.buffer);
  const dst = new Uint8Array(stride);
  const dstWords = new Uint32Array(dst.buffer);
  const view = new StateView(model.layout);

  function expand(m: ExpandMsg): void {
    const lvl = new Uint32Array(m.level);
    const tables: VisitedSet[] = m.tables.map((r, i) =>
      i === init.index ? table : exact ? ExactSet.view(r, nWords) : FingerprintSet.view(r),
    );
    for (const b of bins) b.clear();
    local.clear();
    let transitions = 0;
    let deadlockAt = -1;
    let hidden = false;
    let stopped = false;
    for (let p = m.from; p < m.to; p++) {
      if (((p - m.from) & 255) === 255 && Atomics.load(control, 0) !== 0) {
        stopped = true;
        break;
      }
      packer.unpack(lvl, p * pw, src);
      for (let w = 0; w < nWords; w++) dstWords[w] = srcWords[w];
      let enabled = 0;
      for (let a = 0; a < actionCount; a++) {
        if (!model.step(a, src, dst)) continue;
        enabled++;
        if (canon) canon.canonicalize(dst);
        if (!constraint || constraint(StateView.point(view, dst))) {
          fingerprint(dstWords, 0, nWords);
          if (fpMask !== 0xffffffff) maskFingerprint(fpMask);
          const lo = fpOut[0];
          const hi = fpOut[1];
          const o = hi % W;
          if (!tables[o].has(lo, hi, dstWords, 0) && (exact || local.add(lo, hi))) {
            if (m.atDepthLimit) {
              hidden = true;
            } else {
              const bin = bins[o];
              const off = bin.reserve();
              const bw = bin.words;
              bw[off] = lo;
              bw[off + 1] = hi;
              bw[off + 2] = p;
              bw[off + 3] = a;
              bin.commit();
            }
          }
        }
        for (let w = 0; w < nWords; w++) dstWords[w] = srcWords[w];
      }
      transitions += enabled;
      if (enabled === 0 && m.deadlockOpen && deadlockAt < 0) {
        if (!isTerminal || !isTerminal(StateView.point(view, src))) deadlockAt = p;
      }
    }
    post({ type: 'expanded', bins: bins.map((b) => b.ref()), transitions, deadlockAt, hiddenByDepth: hidden, stopped });
  }

  /** The candidate's vector into dst: the parent's successor by action a (or the initial state itself). */
  function recompute(lvl: Uint32Array, p: number, a: number, initial: boolean): void {
    packer.unpack(lvl, p * pw, src);
    for (let w = 0; w < nWords; w++) dstWords[w] = srcWords[w];
    if (initial) return;
    if (!model.step(a, src, dst)) throw new Error(`action ${a} no longer enabled on recomputation`);
    if (canon) canon.canonicalize(dst);
  }

  function insert(m: InsertMsg): void {
    const lvl = new Uint32Array(m.level);
    fresh.clear();
    let stopped = false;
    outer: for (const ref of m.bins) {
      const list = RecordList.wrap(ref, candWords);
      const cw = list.words;
      for (let r = 0; r < list.count; r++) {
        if ((r & 1023) === 1023 && Atomics.load(control, 0) !== 0) {
          stopped = true;
          break outer;
        }
        const off = r * candWords;
        const p = cw[off + 2];
        const a = cw[off + 3];
        if (exact) recompute(lvl, p, a, m.initial);
        if (!table.add(cw[off], cw[off + 1], dstWords, 0)) continue;
        const f = fresh.reserve();
        fresh.words[f] = p;
        fresh.words[f + 1] = a;
        fresh.commit();
      }
    }
    post({ type: 'inserted', fresh: fresh.ref(), table: table.ref(), tableBytes: table.bytes, stopped });
  }

  function write(m: WriteMsg): void {
    const lvl = new Uint32Array(m.level);
    const next = new Uint32Array(m.next);
    const positions = new Int32Array(m.positions);
    const violations = invs.map(() => -1);
    let stopped = false;
    const fw = fresh.words;
    for (let r = 0; r < fresh.count; r++) {
      if ((r & 1023) === 1023 && Atomics.load(control, 0) !== 0) {
        stopped = true;
        break;
      }
      const pos = positions[r];
      if (pos < 0) continue;
      recompute(lvl, fw[r * FRESH_WORDS], fw[r * FRESH_WORDS + 1], m.initial);
      packer.pack(dst, next, pos * pw);
      if (invs.length > 0) {
        // Positions grow with r (key order), so the first violation is the least.
        StateView.point(view, dst);
        for (let i = 0; i < invs.length; i++) {
          if (m.open[i] && violations[i] < 0 && !invs[i].holds(view)) violations[i] = pos;
        }
      }
    }
    post({ type: 'written', violations, stopped });
  }

  post({ type: 'ready', table: table.ref() });
  return { expand, insert, write };
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
    } else if (m.type === 'insert') {
      search.insert(m);
    } else {
      search.write(m);
    }
  } catch (e) {
    failed(e);
  }
});

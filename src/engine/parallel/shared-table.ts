// The parallel engine's one visited set, shared by every worker on a
// growable SharedArrayBuffer, in the very layout of FingerprintSet (two words
// a slot, high word 0 = empty) or, with --exact, of ExactSet (fingerprint,
// entry + 1; vectors in an arena). Workers only probe it while they expand a
// level (the classes' own has() on a view); afterwards they insert that
// level's new states side by side with the functions below, which claim a
// slot with one compare-and-swap. Keys inserted at the same time are always
// distinct, so no lookup races an insertion.
//
// The table grows in place (regrowRange): no second table, and no old buffer
// left for the worker isolates' garbage collectors to release some day.

import type { TableRef } from '../exact-set.js';

/** The largest SharedArrayBuffer Node can make: 4 GiB. */
const MAX_BYTES = 2 ** 32;

/** Words per slot: FingerprintSet [lo, hi]; ExactSet [lo, hi, entry + 1]. */
export const slotWords = (exact: boolean): number => (exact ? 3 : 2);

// Growable SharedArrayBuffers (ES2024, in Node 20) are beyond the ES2022 typings.
const GrowableSAB = SharedArrayBuffer as unknown as new (bytes: number, opts: { maxByteLength: number }) => SharedArrayBuffer;
type Growable = SharedArrayBuffer & { grow(bytes: number): void };

/** A growable shared buffer of `bytes` bytes (up to 4 GiB; only the pages used take memory). */
export function growable(bytes: number): SharedArrayBuffer {
  const buf = new GrowableSAB(4, { maxByteLength: MAX_BYTES });
  growTo(buf, bytes);
  return buf;
}

/** Grow a buffer from growable() to at least `bytes`; past 4 GiB, an allocation failure (max-memory). */
export function growTo(buf: SharedArrayBuffer, bytes: number): void {
  if (bytes <= buf.byteLength) return;
  if (bytes > MAX_BYTES) throw new RangeError(`Array buffer allocation failed: ${bytes} bytes`);
  (buf as Growable).grow(bytes);
}

/**
 * A fixed-length 32-bit view of a (growable) shared buffer as long as it is
 * now: V8 compiles accesses to such a view as fast as to any typed array,
 * unlike a view that tracks the buffer's length.
 */
export function words(buf: ArrayBufferLike): Uint32Array {
  return new Uint32Array(buf, 0, buf.byteLength >>> 2);
}

/** A table of `capacity` slots (a power of two), with an arena in exact mode. */
export function allocTable(exact: boolean, capacity: number): TableRef {
  const slots = growable(capacity * slotWords(exact) * 4);
  return exact ? { slots, arena: growable(4) } : { slots };
}

export function capacityOf(ref: TableRef, exact: boolean): number {
  return ref.slots.byteLength / 4 / slotWords(exact);
}

/** Insert a fingerprint known to be absent (FingerprintSet layout). */
export function insertFingerprint(slots: Uint32Array, lo: number, hi: number): void {
  const mask = (slots.length >>> 1) - 1;
  let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
  for (;;) {
    const j = (i << 1) + 1;
    if (slots[j] === 0 && Atomics.compareExchange(slots, j, 0, hi) === 0) {
      slots[j - 1] = lo;
      return;
    }
    i = (i + 1) & mask;
  }
}

/**
 * Insert a state known to be absent (ExactSet layout) as arena entry `entry`,
 * its vector being words[off .. off + nWords).
 */
export function insertExact(
  slots: Uint32Array,
  arena: Uint32Array,
  nWords: number,
  lo: number,
  hi: number,
  vec: Uint32Array,
  off: number,
  entry: number,
): void {
  for (let w = 0; w < nWords; w++) arena[entry * nWords + w] = vec[off + w];
  placeExact(slots, slots.length / 3 - 1, lo, hi, entry + 1);
}

function placeExact(slots: Uint32Array, mask: number, lo: number, hi: number, e: number): void {
  let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
  while (slots[i * 3 + 2] !== 0 || Atomics.compareExchange(slots, i * 3 + 2, 0, e) !== 0) i = (i + 1) & mask;
  slots[i * 3] = lo;
  slots[i * 3 + 1] = hi;
}

/**
 * After the buffer grew from `oldCap` slots to slots.length (a power-of-two
 * multiple), move the entries of old slots from..to (cyclically, `from` an
 * empty slot and `to` the start of the next range, or `from` again for all
 * of them) to their new places.
 *
 * Each entry is taken out and put back by linear probing in the larger
 * table. An entry whose home stays in the old part lands at or before the
 * slot it left (which is empty now), on a probe path through slots of this
 * range already done; one whose home moves up lands in the new part, where
 * nothing is ever taken out. So no probe path crosses a slot that is emptied
 * later, and ranges starting at empty slots can be done side by side. The
 * only exception, a probe running off the end of the table into the old
 * part, is not placed but appended to `deferred` (lo, hi[, entry + 1]) for
 * insertion once every range is done.
 */
export function regrowRange(
  exact: boolean,
  slots: Uint32Array,
  oldCap: number,
  from: number,
  to: number,
  deferred: number[],
  /** Polled now and then: true abandons the move (the search is ending, the table no longer matters). */
  shouldStop: () => boolean = () => false,
): void {
  const sw = slotWords(exact);
  const cap = slots.length / sw;
  const mask = cap - 1;
  const key = exact ? 2 : 1;
  const n = ((to - from - 1) & (oldCap - 1)) + 1; // from === to: all of them
  for (let d = 0; d < n; d++) {
    if ((d & 0xffff) === 0xffff && shouldStop()) return;
    const j = ((from + d) & (oldCap - 1)) * sw;
    const k = slots[j + key];
    if (k === 0) continue;
    const lo = slots[j];
    const hi = slots[j + 1];
    slots[j] = 0;
    slots[j + 1] = 0;
    if (exact) slots[j + 2] = 0;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const t = i * sw;
      if (slots[t + key] === 0 && Atomics.compareExchange(slots, t + key, 0, k) === 0) {
        slots[t] = lo;
        if (exact) slots[t + 1] = hi;
        break;
      }
      if (i === mask) {
        deferred.push(lo, hi);
        if (exact) deferred.push(k);
        break;
      }
      i++;
    }
  }
}

/** Insert entries deferred by regrowRange (no other thread touches the table meanwhile). */
export function placeDeferred(exact: boolean, slots: Uint32Array, deferred: readonly number[]): void {
  if (exact) {
    for (let d = 0; d < deferred.length; d += 3) placeExact(slots, slots.length / 3 - 1, deferred[d], deferred[d + 1], deferred[d + 2]);
  } else {
    for (let d = 0; d < deferred.length; d += 2) insertFingerprint(slots, deferred[d], deferred[d + 1]);
  }
}

/**
 * Split the old slots 0..oldCap into up to `parts` cyclic ranges, each
 * starting at an empty slot: [start_i, start_{i+1}), the last one wrapping
 * round to start_0. Returns the starts (fewer when the table is small).
 */
export function rangeStarts(exact: boolean, slots: Uint32Array, oldCap: number, parts: number): number[] {
  const sw = slotWords(exact);
  const key = exact ? 2 : 1;
  const starts: number[] = [];
  for (let p = 0; p < parts; p++) {
    let s = Math.floor((oldCap * p) / parts);
    const limit = p + 1 < parts ? Math.floor((oldCap * (p + 1)) / parts) : oldCap;
    while (s < limit && slots[s * sw + key] !== 0) s++;
    if (s < limit) starts.push(s);
  }
  return starts;
}

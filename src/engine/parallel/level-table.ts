// The claim table of one BFS level, shared by every worker: for each state
// first reached in this level, the least chunk of the level that reaches it.
//
// Chunks are consecutive ranges of the level, numbered in level order, and a
// chunk meets successors in (parent index, action) order, so the least chunk
// reaching a state holds the very transition by which the sequential engine
// first meets it. Workers take chunks in any order and race to claim states
// here; a claim keeps the least chunk tag (an atomic minimum), and each
// chunk keeps a record for every state it held at some moment. After the
// level, the records whose chunk still holds the slot are the new states, and
// in chunk order they are exactly the sequential engine's next level.
//
// Slot: [tag, fp lo, fp hi] (+ the packed vector with --exact, where equal
// fingerprints prove nothing). Tag 0 = empty. A claimer writes the tag by
// compare-and-swap, then the identity, publishing the high word last; a
// reader that finds a tag waits for a non-zero high word (fingerprints never
// have a zero one). Workers clear the table for the next level.

import type { VisitedSet } from '../exact-set.js';

export const L_TAG = 0;
const L_LO = 1;
const L_HI = 2;
const L_VEC = 3;

/** Words per slot. */
export const levelSlotWords = (exact: boolean, packedWords: number): number => (exact ? 3 + packedWords : 3);

/**
 * Claim the state (lo, hi[, packed vector]) for chunk `tag` (> 0) in table t
 * of `mask + 1` slots of `ls` words, unless it is in `visited` (the states
 * of earlier levels; `state` is its unpacked vector). Returns -1 when it is
 * visited or this or an earlier chunk already holds it; otherwise
 * (slot << 1) | 1 for a slot taken now, or slot << 1 when a later chunk's
 * claim was lowered to this one.
 *
 * This table is probed first: most successors in a breadth-first search are
 * states of the next level reached again, found here without a probe of the
 * much larger visited table.
 */
export const claimHome = (lo: number, hi: number, mask: number): number => (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;

export function claim(
  t: Int32Array,
  mask: number,
  ls: number,
  lo: number,
  hi: number,
  tag: number,
  vec: Uint32Array | null,
  pw: number,
  visited: VisitedSet,
  state: Uint32Array,
  stateOff: number,
): number {
  let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
  let checked = false;
  for (;;) {
    const j = i * ls;
    let cur = Atomics.load(t, j);
    if (cur === 0) {
      if (!checked) {
        if (visited.has(lo >>> 0, hi >>> 0, state, stateOff)) return -1;
        checked = true;
      }
      cur = Atomics.compareExchange(t, j, 0, tag);
      if (cur === 0) {
        t[j + L_LO] = lo;
        if (vec !== null) for (let w = 0; w < pw; w++) t[j + L_VEC + w] = vec[w];
        Atomics.store(t, j + L_HI, hi);
        return (i << 1) | 1;
      }
    }
    let h = Atomics.load(t, j + L_HI);
    while (h === 0) h = Atomics.load(t, j + L_HI);
    if (h === hi && t[j + L_LO] === lo && (vec === null || sameVector(t, j + L_VEC, vec, pw))) {
      for (;;) {
        if (cur <= tag) return -1;
        const seen = Atomics.compareExchange(t, j, cur, tag);
        if (seen === cur) return i << 1;
        cur = seen;
      }
    }
    i = (i + 1) & mask;
  }
}

function sameVector(t: Int32Array, at: number, vec: Uint32Array, pw: number): boolean {
  for (let w = 0; w < pw; w++) if (t[at + w] !== (vec[w] | 0)) return false;
  return true;
}

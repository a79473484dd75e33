// Cached outcomes of the author's value code, keyed by the packed bytes it read.
//
// Pure code that reads bytes one after another decides which byte to read
// next from the values already read, so its runs on all states form a tree:
// an inner node reads one byte and branches on its value; a leaf is the
// outcome (disabled, or which bytes to write; a predicate's truth; or "run
// the real code", where the tracker could not follow it). compile.ts fills
// the tree from tracked runs (tracking.ts) and answers the engine's calls
// by walking it over the packed vector, without building any record.

/** No outcome cached yet on this path. */
export const MISS = -1;
/** The action is disabled / the predicate is false. */
export const LEAF_FALSE = -2;
/** Enabled writing nothing / the predicate is true. */
export const LEAF_TRUE = -3;
/** Run the author's code on real records (the tracker could not follow it). */
export const LEAF_RUN = -4;
/** Leaf codes at or below this one are write lists: LEAF_WRITES - k is list k. */
const LEAF_WRITES = -5;

/** Enough for every path of the models this serves; past it, misses are just not cached. */
const MAX_SLOTS = 1 << 22;

export class DecisionTree {
  /** Per slot: MISS, a node id (>= 0) or a leaf code. Slots 0 .. roots-1 are the roots. */
  #slots: Int32Array;
  #slotCount: number;
  /** Per node: the byte it reads and where its children's slots start. */
  #nodeOffset: Int32Array;
  #nodeBase: Int32Array;
  #nodeCount = 0;
  /** Write lists: flat (offset, byte) pairs, with each list's start and pair count. */
  #writes: number[] = [];
  #writeStart: number[] = [];
  #writeCount: number[] = [];
  /** Number of values of each byte of the vector (children per node reading it). */
  readonly #domains: Int32Array;
  /** Set when a run disagreed with the tree (impure code): stop caching. */
  broken = false;

  constructor(roots: number, domains: ArrayLike<number>) {
    this.#domains = Int32Array.from(domains);
    this.#slots = new Int32Array(Math.max(64, roots * 4)).fill(MISS);
    this.#slotCount = roots;
    this.#nodeOffset = new Int32Array(64);
    this.#nodeBase = new Int32Array(64);
  }

  /** The cached leaf for root `root` over `bytes` (a vector), or MISS. */
  lookup(root: number, bytes: Uint8Array): number {
    const slots = this.#slots;
    let c = slots[root];
    while (c >= 0) c = slots[this.#nodeBase[c] + bytes[this.#nodeOffset[c]]];
    return c;
  }

  /** The same over a view (anything with at(i)). */
  lookupView(root: number, view: { at(i: number): number }): number {
    const slots = this.#slots;
    let c = slots[root];
    while (c >= 0) c = slots[this.#nodeBase[c] + view.at(this.#nodeOffset[c])];
    return c;
  }

  /** Write list `leaf` into dst. */
  applyWrites(leaf: number, dst: Uint8Array): void {
    const k = LEAF_WRITES - leaf;
    const w = this.#writes;
    for (let i = this.#writeStart[k], end = i + 2 * this.#writeCount[k]; i < end; i += 2) dst[w[i]] = w[i + 1];
  }

  /** A leaf code for writing these (offset, byte) pairs. */
  writesLeaf(pairs: readonly number[]): number {
    if (pairs.length === 0) return LEAF_TRUE;
    this.#writeStart.push(this.#writes.length);
    this.#writeCount.push(pairs.length / 2);
    for (const x of pairs) this.#writes.push(x);
    return LEAF_WRITES - (this.#writeStart.length - 1);
  }

  /**
   * Cache `leaf` for the run that read `reads` (flat offset, byte pairs, in
   * order) from root `root`. Returns false when the tree is full or the run
   * contradicts it (then the tree is marked broken).
   */
  insert(root: number, reads: readonly number[], leaf: number): boolean {
    if (this.broken) return false;
    let slot = root;
    for (let i = 0; i < reads.length; i += 2) {
      const offset = reads[i];
      let c = this.#slots[slot];
      if (c === MISS) {
        c = this.#newNode(offset);
        if (c < 0) return false;
        this.#slots[slot] = c;
      } else if (c < 0 || this.#nodeOffset[c] !== offset) {
        this.broken = true;
        return false;
      }
      slot = this.#nodeBase[c] + reads[i + 1];
    }
    if (this.#slots[slot] !== MISS) {
      this.broken = this.#slots[slot] !== leaf;
      return !this.broken;
    }
    this.#slots[slot] = leaf;
    return true;
  }

  #newNode(offset: number): number {
    const n = this.#domains[offset];
    if (this.#slotCount + n > MAX_SLOTS) return -1;
    if (this.#slotCount + n > this.#slots.length) {
      const grown = new Int32Array(Math.min(MAX_SLOTS, Math.max(this.#slots.length * 2, this.#slotCount + n))).fill(MISS);
      grown.set(this.#slots.subarray(0, this.#slotCount));
      this.#slots = grown;
    }
    if (this.#nodeCount === this.#nodeOffset.length) {
      const o = new Int32Array(this.#nodeCount * 2);
      o.set(this.#nodeOffset);
      this.#nodeOffset = o;
      const b = new Int32Array(this.#nodeCount * 2);
      b.set(this.#nodeBase);
      this.#nodeBase = b;
    }
    const id = this.#nodeCount++;
    this.#nodeOffset[id] = offset;
    this.#nodeBase[id] = this.#slotCount;
    this.#slotCount += n;
    return id;
  }
}

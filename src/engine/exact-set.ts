// The visited set of --exact mode: like FingerprintSet, but each slot also
// names the stored full vector (in an arena of fixed-stride records), and a
// fingerprint match counts only if the vectors are equal. Distinct states
// are therefore never merged, whatever the fingerprints; the cost is the
// vector's bytes per state. Buffers can be shared with other threads, which
// probe read-only while the owner is not inserting.

export interface TableRef {
  readonly slots: ArrayBufferLike;
  /** Exact mode only: the stored vectors. */
  readonly arena?: ArrayBufferLike;
}

/** What both visited sets offer the engines. */
export interface VisitedSet {
  size: number;
  readonly bytes: number;
  /** Insert the state with fingerprint (lo, hi) and vector words[off .. off+nWords); true when new. */
  add(lo: number, hi: number, words: Uint32Array, off: number): boolean;
  has(lo: number, hi: number, words: Uint32Array, off: number): boolean;
  clear(): void;
  ref(): TableRef;
}

const SLOT = 3;

export class ExactSet implements VisitedSet {
  private slots: Uint32Array;
  private arena: Uint32Array;
  private mask: number;
  size = 0;

  constructor(private readonly nWords: number, initialCapacity = 1 << 16, private readonly shared = false) {
    let cap = 1 << 4;
    while (cap < initialCapacity) cap <<= 1;
    this.slots = this.alloc(cap * SLOT);
    this.arena = this.alloc(Math.max(1, cap >>> 1) * nWords);
    this.mask = cap - 1;
  }

  static view(ref: TableRef, nWords: number): ExactSet {
    const s = new ExactSet(nWords, 16);
    s.slots = new Uint32Array(ref.slots, 0, ref.slots.byteLength >>> 2);
    s.arena = new Uint32Array(ref.arena!, 0, ref.arena!.byteLength >>> 2);
    s.mask = s.slots.length / SLOT - 1;
    return s;
  }

  private alloc(words: number): Uint32Array {
    return this.shared ? new Uint32Array(new SharedArrayBuffer(words * 4)) : new Uint32Array(words);
  }

  get capacity(): number {
    return this.mask + 1;
  }

  get bytes(): number {
    return this.slots.byteLength + this.arena.byteLength;
  }

  ref(): TableRef {
    return { slots: this.slots.buffer, arena: this.arena.buffer };
  }

  private same(entry: number, words: Uint32Array, off: number): boolean {
    const a = this.arena;
    const base = entry * this.nWords;
    for (let w = 0; w < this.nWords; w++) if (a[base + w] !== words[off + w]) return false;
    return true;
  }

  add(lo: number, hi: number, words: Uint32Array, off: number): boolean {
    if ((this.size + 1) * 4 > this.capacity * 3) this.grow();
    const slots = this.slots;
    const mask = this.mask;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const j = i * SLOT;
      const e = slots[j + 2];
      if (e === 0) {
        const entry = this.size;
        if ((entry + 1) * this.nWords > this.arena.length) {
          const next = this.alloc(this.arena.length * 2);
          next.set(this.arena);
          this.arena = next;
        }
        this.arena.set(words.subarray(off, off + this.nWords), entry * this.nWords);
        slots[j] = lo;
        slots[j + 1] = hi;
        slots[j + 2] = entry + 1;
        this.size++;
        return true;
      }
      if (slots[j] === lo && slots[j + 1] === hi && this.same(e - 1, words, off)) return false;
      i = (i + 1) & mask;
    }
  }

  has(lo: number, hi: number, words: Uint32Array, off: number): boolean {
    return this.indexOf(lo, hi, words, off) >= 0;
  }

  /** The insertion index (0, 1, ... in the order of add) of a stored vector, or -1. */
  indexOf(lo: number, hi: number, words: Uint32Array, off: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const j = i * SLOT;
      const e = slots[j + 2];
      if (e === 0) return -1;
      if (slots[j] === lo && slots[j + 1] === hi && this.same(e - 1, words, off)) return e - 1;
      i = (i + 1) & mask;
    }
  }

  /** Copy the vector stored at insertion index `id` into out[off ..]. */
  read(id: number, out: Uint32Array, off = 0): void {
    const base = id * this.nWords;
    for (let w = 0; w < this.nWords; w++) out[off + w] = this.arena[base + w];
  }

  clear(): void {
    this.slots.fill(0);
    this.size = 0;
  }

  private grow(): void {
    const old = this.slots;
    const cap = this.capacity * 2;
    this.slots = this.alloc(cap * SLOT);
    this.mask = cap - 1;
    for (let j = 0; j < old.length; j += SLOT) {
      const e = old[j + 2];
      if (e === 0) continue;
      let i = (old[j] ^ Math.imul(old[j + 1], 0x9e3779b1)) & this.mask;
      while (this.slots[i * SLOT + 2] !== 0) i = (i + 1) & this.mask;
      this.slots.set([old[j], old[j + 1], e], i * SLOT);
    }
  }
}

// The visited set: an open-addressing hash table of 64-bit fingerprints held
// in one Uint32Array (two words per slot, high word 0 = empty), linear probing,
// doubled when three quarters full (8 bytes a slot, so 8 to 21 bytes a state). Holds no object per state. The backing
// buffer can be a SharedArrayBuffer so that other worker threads may probe
// it read-only while its single owner is not inserting.

import type { TableRef, VisitedSet } from './exact-set.js';

export class FingerprintSet implements VisitedSet {
  private slots: Uint32Array;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1 << 16, private readonly shared = false) {
    let cap = 1 << 4;
    while (cap < initialCapacity) cap <<= 1;
    this.slots = this.alloc(cap * 2);
    this.mask = cap - 1;
  }

  /** A read-only-by-convention view of another thread's table. */
  static view(ref: TableRef): FingerprintSet {
    const s = new FingerprintSet(16);
    s.slots = new Uint32Array(ref.slots, 0, ref.slots.byteLength >>> 2);
    s.mask = (s.slots.length >>> 1) - 1;
    return s;
  }

  private alloc(words: number): Uint32Array {
    return this.shared ? new Uint32Array(new SharedArrayBuffer(words * 4)) : new Uint32Array(words);
  }

  ref(): TableRef {
    return { slots: this.slots.buffer };
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.slots.byteLength;
  }

  /** Insert (lo, hi); true when it was not present. The vector arguments are unused. */
  add(lo: number, hi: number, _words?: Uint32Array, _off?: number): boolean {
    if ((this.size + 1) * 4 > this.capacity * 3) this.grow();
    const slots = this.slots;
    const mask = this.mask;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const j = i << 1;
      const sh = slots[j + 1];
      if (sh === 0) {
        slots[j] = lo;
        slots[j + 1] = hi;
        this.size++;
        return true;
      }
      if (sh === hi && slots[j] === lo) return false;
      i = (i + 1) & mask;
    }
  }

  has(lo: number, hi: number, _words?: Uint32Array, _off?: number): boolean {
    const slots = this.slots;
    const mask = this.mask;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const j = i << 1;
      const sh = slots[j + 1];
      if (sh === 0) return false;
      if (sh === hi && slots[j] === lo) return true;
      i = (i + 1) & mask;
    }
  }

  /** Forget every entry, keeping the capacity. */
  clear(): void {
    this.slots.fill(0);
    this.size = 0;
  }

  private grow(): void {
    const old = this.slots;
    const cap = this.capacity * 2;
    this.slots = this.alloc(cap * 2);
    this.mask = cap - 1;
    const slots = this.slots;
    const mask = this.mask;
    for (let j = 0; j < old.length; j += 2) {
      const hi = old[j + 1];
      if (hi === 0) continue;
      let i = (old[j] ^ Math.imul(hi, 0x9e3779b1)) & mask;
      while (slots[(i << 1) + 1] !== 0) i = (i + 1) & mask;
      slots[i << 1] = old[j];
      slots[(i << 1) + 1] = hi;
    }
  }
}

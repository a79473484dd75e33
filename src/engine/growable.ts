// Growable typed arrays for per-state data (parent index, action number) and
// for BFS levels of packed vectors. Doubling keeps appends amortised O(1)
// without per-state objects.

export class GrowableU32 {
  data: Uint32Array;
  length = 0;
  constructor(cap = 1 << 16) {
    this.data = new Uint32Array(cap);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  get bytes(): number {
    return this.data.byteLength;
  }
}

export class GrowableU16 {
  data: Uint16Array;
  length = 0;
  constructor(cap = 1 << 16) {
    this.data = new Uint16Array(cap);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint16Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  get bytes(): number {
    return this.data.byteLength;
  }
}

/** A list of fixed-stride vectors in one buffer, with a 32-bit word view. */
export class VectorQueue {
  bytes: Uint8Array;
  words: Uint32Array;
  count = 0;
  constructor(readonly stride: number, cap = 1 << 12) {
    this.bytes = new Uint8Array(stride * cap);
    this.words = new Uint32Array(this.bytes.buffer);
  }
  /** Make room for one more vector; returns its byte offset (not yet counted). */
  reserve(): number {
    const off = this.count * this.stride;
    if (off + this.stride > this.bytes.length) {
      const next = new Uint8Array(this.bytes.length * 2);
      next.set(this.bytes);
      this.bytes = next;
      this.words = new Uint32Array(next.buffer);
    }
    return off;
  }
  clear(): void {
    this.count = 0;
  }
}

// Growable typed arrays for per-state data (parent index, action number) and
// for BFS levels of packed vectors, without per-state objects.

const CHUNK_BITS = 20;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/**
 * Per-state integers in chunks of 2^20 entries: appends never copy, and the
 * slack is at most one chunk (doubling would leave up to half unused).
 */
abstract class Chunked<A extends Uint32Array | Uint16Array> {
  private chunks: A[] = [];
  length = 0;
  protected abstract make(n: number): A;
  push(v: number): void {
    const c = this.length >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(this.make(CHUNK));
    this.chunks[c][this.length & CHUNK_MASK] = v;
    this.length++;
  }
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }
  get bytes(): number {
    return this.chunks.reduce((s, c) => s + c.byteLength, 0);
  }
}

export class GrowableU32 extends Chunked<Uint32Array> {
  protected make(n: number): Uint32Array {
    return new Uint32Array(n);
  }
}

export class GrowableU16 extends Chunked<Uint16Array> {
  protected make(n: number): Uint16Array {
    return new Uint16Array(n);
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

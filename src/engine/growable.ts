// Growable typed arrays for per-state data (parent index, action number) and
// for BFS levels of packed vectors, without per-state objects. The per-state
// columns can live on SharedArrayBuffers, so that parallel workers write the
// entries of the states they add straight into them.

const CHUNK_BITS = 20;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/** The first chunk of a column that is not shared starts this small and doubles up to CHUNK. */
const FIRST_CHUNK = 1 << 10;

/**
 * Per-state integers in chunks of 2^20 entries: appends past the first
 * chunk never copy, and the slack is at most one chunk (doubling would leave
 * up to half unused). The first chunk of a column that is not shared starts
 * small and doubles, so a small search does not allocate (and zero) whole
 * chunks; a shared column's chunks are full-size from the start, since
 * workers hold its buffers.
 */
abstract class Chunked<A extends Uint32Array | Uint16Array> {
  private chunks: A[] = [];
  length = 0;
  constructor(protected readonly shared = false) {}
  protected abstract make(n: number): A;
  /** Allocate chunks for n entries in all (length unchanged); parallel workers then set entries below n. */
  ensure(n: number): void {
    if (this.chunks.length > 0 && this.chunks[0].length < CHUNK && n > this.chunks[0].length) this.growFirst(CHUNK);
    while (this.chunks.length << CHUNK_BITS < n) this.chunks.push(this.make(CHUNK));
  }
  private growFirst(to: number): void {
    const grown = this.make(to);
    grown.set(this.chunks[0]);
    this.chunks[0] = grown;
  }
  /** The chunk buffers, in order (shared columns only). */
  buffers(): SharedArrayBuffer[] {
    return this.chunks.map((c) => c.buffer as SharedArrayBuffer);
  }
  push(v: number): void {
    const c = this.length >>> CHUNK_BITS;
    if (c === this.chunks.length) this.chunks.push(this.make(c === 0 && !this.shared ? FIRST_CHUNK : CHUNK));
    else if (c === 0 && this.length === this.chunks[0].length) this.growFirst(this.length * 2);
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
    return this.shared ? new Uint32Array(new SharedArrayBuffer(n * 4)) : new Uint32Array(n);
  }
}

export class GrowableU16 extends Chunked<Uint16Array> {
  protected make(n: number): Uint16Array {
    return this.shared ? new Uint16Array(new SharedArrayBuffer(n * 2)) : new Uint16Array(n);
  }
}

/** Worker-side writer of a shared column's chunks: at(i) = v. */
export class ChunkWriter<A extends Uint32Array | Uint16Array> {
  constructor(private readonly chunks: readonly A[]) {}
  set(i: number, v: number): void {
    this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK] = v;
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

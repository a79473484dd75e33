// A worker's records of one level (fixed-size records of 32-bit words) in
// chunks: appending never copies and the slack is at most one chunk, so the
// records of a large level cost little more than their own size. Chunks are
// kept from level to level.

const BITS = 14;
const PER_CHUNK = 1 << BITS;
const MASK = PER_CHUNK - 1;

export class RecordStore {
  private readonly chunks: Uint32Array[] = [];
  /** The chunk holding the record last added. */
  words: Uint32Array = new Uint32Array(0);
  count = 0;

  constructor(readonly recWords: number) {}

  /** Append a record; returns its word offset in `words`. */
  add(): number {
    const c = this.count >>> BITS;
    if (c === this.chunks.length) this.chunks.push(new Uint32Array(PER_CHUNK * this.recWords));
    this.words = this.chunks[c];
    return (this.count++ & MASK) * this.recWords;
  }

  /** The chunk holding record r, and r's word offset in it. */
  wordsOf(r: number): Uint32Array {
    return this.chunks[r >>> BITS];
  }

  offsetOf(r: number): number {
    return (r & MASK) * this.recWords;
  }

  /** The first word of record r. */
  slotOf(r: number): number {
    return this.chunks[r >>> BITS][(r & MASK) * this.recWords];
  }

  /** Copy record `from` over record `to`. */
  move(from: number, to: number): void {
    const a = this.chunks[from >>> BITS];
    const b = this.chunks[to >>> BITS];
    const fo = (from & MASK) * this.recWords;
    const to0 = (to & MASK) * this.recWords;
    for (let w = 0; w < this.recWords; w++) b[to0 + w] = a[fo + w];
  }

  clear(): void {
    this.count = 0;
  }
}

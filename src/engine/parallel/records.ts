// Growable lists of fixed-size records of 32-bit words on SharedArrayBuffers,
// passed between the coordinator and workers without copying. A list is
// handed over as {buffer, count}; the receiver wraps it read-only.

export interface RecordsRef {
  readonly buffer: SharedArrayBuffer;
  readonly count: number;
}

export class RecordList {
  words: Uint32Array;
  count = 0;

  constructor(readonly recWords: number, capacity = 1024) {
    this.words = new Uint32Array(new SharedArrayBuffer(Math.max(1, capacity) * recWords * 4));
  }

  static wrap(ref: RecordsRef, recWords: number): RecordList {
    const l = new RecordList(recWords, 1);
    l.words = new Uint32Array(ref.buffer);
    l.count = ref.count;
    return l;
  }

  /** Word offset of a new record at the end (grows the buffer if needed); call commit() to keep it. */
  reserve(): number {
    const off = this.count * this.recWords;
    if (off + this.recWords > this.words.length) {
      const next = new Uint32Array(new SharedArrayBuffer(this.words.length * 2 * 4));
      next.set(this.words);
      this.words = next;
    }
    return off;
  }

  commit(): void {
    this.count++;
  }

  /** Ensure room for n records in total. */
  ensure(n: number): void {
    if (n * this.recWords <= this.words.length) return;
    let cap = this.words.length;
    while (cap < n * this.recWords) cap *= 2;
    const next = new Uint32Array(new SharedArrayBuffer(cap * 4));
    next.set(this.words.subarray(0, this.count * this.recWords));
    this.words = next;
  }

  ref(): RecordsRef {
    return { buffer: this.words.buffer as SharedArrayBuffer, count: this.count };
  }

  clear(): void {
    this.count = 0;
  }
}

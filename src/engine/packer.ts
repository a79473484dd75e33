// Bit-packing of state vectors for the BFS frontier: each field takes the
// bits its declared domain needs (a field never straddles two 32-bit words),
// so a level of states costs a fraction of the one-byte-per-field vectors the
// models work on. Fingerprints are always computed on the unpacked vector.

import type { Layout } from './layout.js';

export class Packer {
  /** 32-bit words per packed vector. */
  readonly words: number;
  private readonly shift: Int32Array;
  private readonly mask: Int32Array;
  /** Fields of word w are first[w] .. first[w+1]-1 (fields are laid out in order). */
  private readonly first: Int32Array;

  constructor(layout: Layout) {
    const n = layout.width;
    this.shift = new Int32Array(n);
    this.mask = new Int32Array(n);
    const first: number[] = [0];
    let bit = 0;
    layout.fields.forEach((f, i) => {
      const bits = Math.max(1, Math.ceil(Math.log2(f.domain)));
      if (bit + bits > 32) {
        first.push(i);
        bit = 0;
      }
      this.shift[i] = bit;
      this.mask[i] = (1 << bits) - 1;
      bit += bits;
    });
    first.push(n);
    this.first = Int32Array.from(first);
    this.words = first.length - 1;
  }

  /** Pack vec[vecOff ..] into out[off .. off+words). */
  pack(vec: Uint8Array, out: Uint32Array, off: number, vecOff = 0): void {
    const first = this.first;
    const shift = this.shift;
    for (let w = 0; w < this.words; w++) {
      let acc = 0;
      for (let i = first[w], end = first[w + 1]; i < end; i++) acc |= vec[vecOff + i] << shift[i];
      out[off + w] = acc;
    }
  }

  /** Unpack words[off .. off+words) into vec (its padding bytes are left alone). */
  unpack(words: Uint32Array, off: number, vec: Uint8Array): void {
    const first = this.first;
    const shift = this.shift;
    const mask = this.mask;
    for (let w = 0; w < this.words; w++) {
      const v = words[off + w];
      for (let i = first[w], end = first[w + 1]; i < end; i++) vec[i] = (v >>> shift[i]) & mask[i];
    }
  }
}

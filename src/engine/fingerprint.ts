// 64-bit fingerprints of packed state vectors, as two independent 32-bit
// lanes (murmur3-style word mixing with different constants and seeds, each
// finished with an avalanche; the high word is never 0). Reads the vector a 32-bit word at a time; the
// layout pads vectors to a multiple of 4 bytes with zeros.

/** Scratch for the result: [lo, hi]. Reused to avoid allocation. */
export const fpOut = new Uint32Array(2);

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Fingerprint words[off .. off+nWords) into fpOut. The high word is never 0:
 * visited tables use a zero high word as the empty-slot marker, and the
 * parallel engine claims a slot with one compare-and-swap on it.
 */
export function fingerprint(words: Uint32Array, off: number, nWords: number): void {
  let a = 0x9747b28c;
  let b = 0x2f5a1e67;
  for (let i = 0; i < nWords; i++) {
    const w = words[off + i];
    let k = Math.imul(w, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    a ^= k;
    a = (a << 13) | (a >>> 19);
    a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    let m = Math.imul(w ^ (w >>> 16), 0x85ebca77);
    m = (m << 13) | (m >>> 19);
    m = Math.imul(m, 0xc2b2ae3d);
    b ^= m;
    b = (b << 17) | (b >>> 15);
    b = (Math.imul(b, 0x27d4eb2f) + 0x165667b1) | 0;
  }
  const lo = fmix(a ^ nWords);
  const hi = fmix(b ^ (nWords * 0x9e3779b1));
  fpOut[0] = lo;
  fpOut[1] = hi === 0 ? 1 : hi;
}

/**
 * Keep only the bits of `mask` in both words (a testing aid: a weak
 * fingerprint makes collisions certain, which --exact mode must survive).
 */
export function maskFingerprint(mask: number): void {
  fpOut[0] &= mask;
  fpOut[1] &= mask;
  if (fpOut[1] === 0) fpOut[1] = 1;
}

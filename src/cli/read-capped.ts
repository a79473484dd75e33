// Reading user-named input files (traces, configs) with a size cap, so that
// `replay /dev/zero` or a multi-gigabyte file is one clear error instead of a
// read that never ends or exhausts memory.

import { closeSync, openSync, readSync } from 'node:fs';

/** The largest input file loopcheck reads: far above any real trace or config. */
export const MAX_INPUT_BYTES = 64 * 2 ** 20;

export class InputTooLarge extends Error {}

/** The file's text; throws InputTooLarge past `max` bytes, and fs errors as they are. */
export function readCapped(path: string, max = MAX_INPUT_BYTES): string {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > max) throw new InputTooLarge(`larger than ${max / 2 ** 20} MiB`);
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

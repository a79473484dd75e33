// Reading user-named input files (traces, configs) with a size cap, so that
// `replay /dev/zero` or a multi-gigabyte file is one clear error instead of a
// read that never ends or exhausts memory. Reads are asynchronous and race
// against Ctrl-C: a FIFO without a writer or a terminal that never sends EOF
// (`--config /dev/stdin`) blocks a background thread, never the signal
// handlers. A UTF-8 byte-order mark is dropped.

import { open } from 'node:fs/promises';
import { unlessInterrupted } from './interrupt.js';

/** The largest input file loopcheck reads: far above any real trace or config. */
export const MAX_INPUT_BYTES = 64 * 2 ** 20;

export class InputTooLarge extends Error {}

/** The file's text; throws InputTooLarge past `max` bytes, Interrupted on Ctrl-C, and fs errors as they are. */
export async function readCapped(path: string, max = MAX_INPUT_BYTES): Promise<string> {
  const what = `reading ${path}`;
  const fh = await unlessInterrupted(open(path, 'r'), what);
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await unlessInterrupted(fh.read(buf, 0, buf.length, null), what);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > max) throw new InputTooLarge(`larger than ${max / 2 ** 20} MiB`);
      chunks.push(Buffer.from(buf.subarray(0, bytesRead)));
    }
    const text = Buffer.concat(chunks, total).toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    // A read still blocked in the background (a FIFO) keeps the handle busy:
    // do not wait for the close.
    void fh.close().catch(() => undefined);
  }
}

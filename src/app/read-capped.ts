// Reading user-named input files (traces, configs) with a size cap, so that
// `replay /dev/zero` or a multi-gigabyte file is one clear error instead of a
// read that never ends or exhausts memory. The file is opened non-blocking
// and read in a loop that waits between empty reads on the event loop, so a
// FIFO or a terminal that never sends EOF (`--config /dev/stdin`) blocks
// neither the signal handlers nor the process's exit: Ctrl-C ends the read
// as interrupted. (A blocking read in Node's thread pool would be joined at
// exit and hang the process.) A FIFO without a writer reads as empty. A
// UTF-8 byte-order mark is dropped. `-` names stdin. A socket (stdin under
// some CI runners is one, and may never send EOF) is refused up front: it
// cannot be reopened non-blocking like a FIFO, and a read from it could
// wait forever.

import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Interrupted } from './errors.js';
import { interrupted } from './interrupt.js';

/** The largest input file loopcheck reads: far above any real trace or config. */
const MAX_INPUT_BYTES = 64 * 2 ** 20;

export class InputTooLarge extends Error {}

/** Input loopcheck does not read (a socket); the message says why, in a few words. */
export class NotReadable extends Error {}

/** The path that `-` (stdin) is read through: reopened, so that its own file description is non-blocking. */
const STDIN_PATH = '/dev/stdin';

/**
 * The file's text (`-`: stdin's); throws InputTooLarge past `max` bytes,
 * NotReadable for a socket, Interrupted on Ctrl-C, and fs errors as they are.
 */
export async function readCapped(path: string, max = MAX_INPUT_BYTES): Promise<string> {
  const stdin = path === '-';
  if (stdin ? fstatSync(0).isSocket() : statSync(path).isSocket()) {
    throw new NotReadable(`${stdin ? 'stdin' : 'it'} is a socket, which loopcheck does not read: name a file, or redirect one into stdin`);
  }
  const fd = openSync(stdin ? STDIN_PATH : path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      if (interrupted()) throw new Interrupted(`interrupted while reading ${path}`);
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        await sleep(20); // nothing to read yet: let signals and timers run
        continue;
      }
      if (n === 0) break;
      total += n;
      if (total > max) throw new InputTooLarge(`larger than ${max / 2 ** 20} MiB`);
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    const text = Buffer.concat(chunks, total).toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    closeSync(fd);
  }
}

// What a read of a loop device returns, the way the block layer and the loop
// worker decide it (identical in 5.17, 6.1 and 6.12 for what is modelled):
//
// * a read through a struct file of a device (read(2) on /dev/loopX or its
//   partition, or a loop worker's lo_read_simple on its backing file) goes
//   through blkdev_read_iter: past the capacity it returns 0 bytes (a whole
//   disk's capacity is 0 unless a backing file is attached: __loop_clr_fd's
//   invalidate_disk sets it to 0; a partition keeps its own size, stale or
//   not); otherwise a page in that bdev's page cache is returned without
//   reaching the driver, and only a miss is read through the device's queue
//   and cached;
// * the queue (loop_queue_rq) refuses every request unless the device is
//   Lo_bound; the worker reads the backing file: a regular file gives the
//   data, a struct file of another loop device reads through that device's
//   struct file (recursively), and a short read (0 bytes) is zero-filled and
//   completes successfully — so a device stacked on a torn-down device reads
//   zeros, not an error;
// * a read inside a mounted file system (file data) is submitted to the
//   device directly (its own page cache is the file system's, not the bdev's);
// * a mount's superblock read goes through the bdev's page cache, but the
//   file system first sets its block size (set_blocksize: 1024 for minix and
//   ext*, against the 4096 a loop disk of a page-multiple size is opened
//   with), which kills that page cache: the read reaches the queue.
//
// One read is one atomic step (no request is in flight across steps). The
// functions take `fill`: false for labels (no writes), true when the step runs
// (the caches a successful read passes through are filled).

import {
  FILE_NONE, FILE_REGULAR, Lo_bound, PC_DATA, PC_NONE, PC_ZEROS, RD_DATA, RD_EIO_LOWER, RD_EIO_TOP, RD_EMPTY, RD_ZEROS,
  fileSlot, isFileSlot,
} from '../encoding.js';
import type { Machine } from '../machine.js';

const cached = (c: number): number => (c === PC_DATA ? RD_DATA : RD_ZEROS);
const toCache = (r: number): number => (r === RD_DATA ? PC_DATA : PC_ZEROS);
const isData = (r: number): boolean => r === RD_DATA || r === RD_ZEROS;

/** loop_queue_rq + the worker: a request on device x that missed every cache above it. */
export function queueRead(m: Machine, d: Uint8Array, x: number, fill: boolean, hops = 0): number {
  if (d[m.st[x]] !== Lo_bound) return RD_EIO_TOP;
  const b = d[m.bf[x]];
  if (b === FILE_REGULAR) return RD_DATA;
  if (!isFileSlot(b) || hops > m.D) return RD_EIO_TOP;
  const i = fileSlot(b);
  const r = fileRead(m, d, d[m.fdev[i]] - 1, d[m.fpart[i]], fill, hops + 1);
  if (r === RD_EMPTY) return RD_ZEROS;
  if (r === RD_EIO_TOP || r === RD_EIO_LOWER) return RD_EIO_LOWER;
  return r;
}

/** blkdev_read_iter on a struct file of device x (part 0 = whole disk, 1 = p1). */
export function fileRead(m: Machine, d: Uint8Array, x: number, part: number, fill: boolean, hops = 0): number {
  if (part === 0 && d[m.bf[x]] === FILE_NONE) return RD_EMPTY;
  const cache = part === 0 ? m.pc[x] : m.ppc[x];
  if (d[cache] !== PC_NONE) return cached(d[cache]);
  const r = queueRead(m, d, x, fill, hops);
  if (fill && isData(r)) d[cache] = toCache(r);
  return r;
}

/** The superblock read of a mount of (x, part): the page cache is killed first (set_blocksize), then read as a miss. */
export function superblockRead(m: Machine, d: Uint8Array, x: number, part: number, fill: boolean): number {
  if (part === 0 && d[m.bf[x]] === FILE_NONE) return RD_EMPTY;
  const cache = part === 0 ? m.pc[x] : m.ppc[x];
  if (fill) d[cache] = PC_NONE;
  const r = queueRead(m, d, x, fill);
  if (fill && isData(r)) d[cache] = toCache(r);
  return r;
}

/** A read of file data inside a file system mounted on x (or its p1): straight to the queue. */
export function mountedRead(m: Machine, d: Uint8Array, x: number, fill: boolean): number {
  return queueRead(m, d, x, fill);
}

/** Record what a read returned in the ghosts its invariants read. */
export function noteRead(m: Machine, d: Uint8Array, r: number, viaMount: boolean): void {
  if (r === RD_EIO_LOWER) d[m.stackedIo] = 1;
  if (r === RD_ZEROS) d[m.wrongData] = 1;
  if (viaMount && (r === RD_EIO_TOP || r === RD_EIO_LOWER)) d[m.mountIo] = 1;
}

export function readText(r: number): string {
  switch (r) {
    case RD_DATA:
      return "the backing file's data";
    case RD_ZEROS:
      return 'zeros (a short read below was zero-filled)';
    case RD_EMPTY:
      return '0 bytes (capacity 0)';
    case RD_EIO_TOP:
      return '-EIO (loop_queue_rq: not Lo_bound)';
    default:
      return '-EIO from a lower device';
  }
}

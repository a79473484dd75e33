// The one file writer of loopcheck (reports, configs, trace files, the
// GitHub job summary, stdout). A regular file is written whole or not at all:
// to a temporary file in the target's directory, every byte accounted for
// (a short write is continued, an error such as ENOSPC removes the
// temporary file), flushed, then renamed over the target. A device node, a
// FIFO or a socket is written to in place, never replaced, and a symbolic
// link is followed: its target is written, the link stays. Paths are checked
// before any search runs, so a typo costs a one-line error, not a wasted run.

import * as fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { errnoText, OutputError, UsageError } from './errors.js';

/** The file-system calls the writer makes; tests pass one that fails on purpose (a full disk). */
export interface WriteIo {
  openSync(path: string, flags: string | number, mode?: number): number;
  writeSync(fd: number, buf: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(path: string): void;
  ftruncateSync(fd: number, len: number): void;
}

export const NODE_IO: WriteIo = {
  openSync: (p, f, m) => fs.openSync(p, f, m),
  writeSync: (fd, b, o, l) => fs.writeSync(fd, b, o, l),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (a, b) => fs.renameSync(a, b),
  unlinkSync: (p) => fs.unlinkSync(p),
  ftruncateSync: (fd, l) => fs.ftruncateSync(fd, l),
};

function statOrNull(p: string, follow = true): fs.Stats | null {
  try {
    return follow ? fs.statSync(p) : fs.lstatSync(p);
  } catch {
    return null;
  }
}

/** The path a write to `file` lands on: symbolic links followed (also a dangling one, to where it points). */
export function writeTarget(file: string): string {
  let p = resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    const st = statOrNull(p, false);
    if (!st?.isSymbolicLink()) return p;
    p = resolve(dirname(p), fs.readlinkSync(p));
  }
  return p; // a link loop: the write fails with ELOOP and says so
}

/** A file that is written in place: a character or block device, a FIFO, a socket. */
function isSpecial(st: fs.Stats | null): boolean {
  return !!st && !st.isFile() && !st.isDirectory();
}

/** Writes all of `data` to `fd`, continuing after short writes; EAGAIN (a non-blocking pipe) waits a moment. */
function writeAll(fd: number, data: Uint8Array, io: WriteIo = NODE_IO): void {
  let off = 0;
  while (off < data.length) {
    let n: number;
    try {
      n = io.writeSync(fd, data, off, data.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      throw e;
    }
    if (n <= 0) throw Object.assign(new Error('write returned 0 bytes'), { code: 'EIO' });
    off += n;
  }
}

/**
 * Throws a UsageError when `file` cannot be written: it is a directory, its
 * name is too long, or its nearest existing ancestor is not a writable
 * directory. Missing parent directories are fine (they are created when
 * writing). A device, FIFO or symbolic link is checked where it points.
 */
export function checkWritable(option: string, file: string): void {
  if (file.trim() === '') throw new UsageError(`${option}: empty file name`);
  const abs = writeTarget(file);
  const st = statOrNull(abs);
  if (st?.isDirectory()) throw new UsageError(`${option} ${file}: is a directory`);
  if (basename(abs).length + 40 > 255) throw new UsageError(`${option} ${file}: file name too long`);
  if (isSpecial(st)) {
    try {
      fs.accessSync(abs, fs.constants.W_OK);
    } catch {
      throw new UsageError(`${option} ${file}: not writable`);
    }
    return;
  }
  let dir = dirname(abs);
  for (;;) {
    const d = statOrNull(dir);
    if (d) {
      if (!d.isDirectory()) throw new UsageError(`${option} ${file}: '${dir}' is not a directory`);
      try {
        fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
        // Probe by creating a file: permission bits do not tell the whole
        // story (root, read-only mounts, /proc).
        const probe = join(dir, `.loopcheck-probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
        fs.closeSync(fs.openSync(probe, 'wx'));
        fs.unlinkSync(probe);
      } catch {
        throw new UsageError(`${option} ${file}: directory '${dir}' is not writable`);
      }
      if (st) {
        try {
          fs.accessSync(abs, fs.constants.W_OK);
        } catch {
          throw new UsageError(`${option} ${file}: not writable`);
        }
      }
      return;
    }
    const up = dirname(dir);
    if (up === dir) throw new UsageError(`${option} ${file}: no existing parent directory`);
    dir = up;
  }
}

/**
 * `mkdir -p`, one level at a time. Node's `mkdirSync(dir, { recursive: true })`
 * spins forever at 100% CPU (and ignores SIGTERM) when a directory answers
 * ENOENT for a child it cannot hold, as /proc and /sys do; here every error
 * is thrown.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let d = resolve(dir);
  for (;;) {
    const st = statOrNull(d);
    if (st) {
      if (!st.isDirectory()) {
        throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${d}'`), { code: 'ENOTDIR' });
      }
      break;
    }
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const m of missing.reverse()) {
    try {
      fs.mkdirSync(m);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statOrNull(m)?.isDirectory()) throw e;
    }
  }
}

let tmpCounter = 0;

/**
 * Writes `data` to `file`, whole or not at all (see the header). Every
 * failure is an OutputError naming `file`.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, io: WriteIo = NODE_IO): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const target = writeTarget(file);
  const st = statOrNull(target);
  try {
    if (st?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (isSpecial(st)) {
      const fd = io.openSync(target, fs.constants.O_WRONLY | fs.constants.O_APPEND);
      try {
        writeAll(fd, bytes, io);
      } finally {
        io.closeSync(fd);
      }
      return;
    }
    const dir = dirname(target);
    makeDirs(dir);
    const tmp = join(dir, `.${basename(target).slice(0, 180)}.${process.pid}.${++tmpCounter}.tmp`);
    let fd: number | null = null;
    try {
      fd = io.openSync(tmp, 'wx', st ? st.mode & 0o7777 : 0o644);
      writeAll(fd, bytes, io);
      io.fsyncSync(fd);
      io.closeSync(fd);
      fd = null;
      io.renameSync(tmp, target);
    } catch (e) {
      if (fd !== null) {
        try {
          io.closeSync(fd);
        } catch {
          // the write error is the one to report
        }
      }
      try {
        io.unlinkSync(tmp);
      } catch {
        // never created
      }
      throw e;
    }
  } catch (e) {
    throw new OutputError(file, errnoText(e));
  }
}

/**
 * Appends `data` to `file` (the GitHub job summary), whole or not at all: a
 * failed append truncates the file back to its previous length.
 */
export function appendFileWhole(file: string, data: string, io: WriteIo = NODE_IO): void {
  const bytes = Buffer.from(data, 'utf8');
  let fd: number | null = null;
  let before = 0;
  try {
    fd = io.openSync(writeTarget(file), 'a');
    before = fs.fstatSync(fd).size;
    const special = !fs.fstatSync(fd).isFile();
    try {
      writeAll(fd, bytes, io);
    } catch (e) {
      if (!special) io.ftruncateSync(fd, before);
      throw e;
    }
  } catch (e) {
    throw new OutputError(file, errnoText(e));
  } finally {
    if (fd !== null) io.closeSync(fd);
  }
}

/** Where writeStdout writes instead of fd 1 while a command line runs in-process (tests); null: fd 1. */
let stdoutSink: ((text: string) => void) | null = null;

/** Sends writeStdout's text to `sink` (null: back to fd 1). */
export function redirectStdout(sink: ((text: string) => void) | null): void {
  stdoutSink = sink;
}

/** Writes `text` to stdout completely; a failure (a full disk, /dev/full, a closed pipe) is an OutputError. */
export function writeStdout(text: string): void {
  if (stdoutSink) {
    stdoutSink(text);
    return;
  }
  try {
    writeAll(1, Buffer.from(text, 'utf8'));
  } catch (e) {
    throw new OutputError('stdout', errnoText(e));
  }
}

// Report and config files are written atomically: to a temporary file in
// the target's directory, then renamed over the target, so a reader (a CI
// step, an editor) never sees half a file. Paths are checked before any
// search runs, so a typo costs a one-line error, not a wasted run.

import { accessSync, closeSync, constants, mkdirSync, openSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from '../cli/errors.js';

/**
 * Throws a UsageError when `file` cannot be written: it is a directory, or its
 * nearest existing ancestor is not a writable directory. Missing parent
 * directories are fine (they are created when writing).
 */
export function checkWritable(option: string, file: string): void {
  if (file.trim() === '') throw new UsageError(`${option}: empty file name`);
  const abs = resolve(file);
  const st = statOrNull(abs);
  if (st?.isDirectory()) throw new UsageError(`${option} ${file}: is a directory`);
  let dir = dirname(abs);
  for (;;) {
    const d = statOrNull(dir);
    if (d) {
      if (!d.isDirectory()) throw new UsageError(`${option} ${file}: '${dir}' is not a directory`);
      try {
        accessSync(dir, constants.W_OK | constants.X_OK);
        // Probe by creating a file: permission bits do not tell the whole
        // story (root, read-only mounts, /proc).
        const probe = join(dir, `.loopcheck-probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
        closeSync(openSync(probe, 'wx'));
        unlinkSync(probe);
      } catch {
        throw new UsageError(`${option} ${file}: directory '${dir}' is not writable`);
      }
      if (st) {
        try {
          accessSync(abs, constants.W_OK);
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

function statOrNull(p: string) {
  try {
    return statSync(p);
  } catch {
    return null;
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
      mkdirSync(m);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statOrNull(m)?.isDirectory()) throw e;
    }
  }
}

/** Writes `data` to `file` through a temporary file and a rename. */
export function writeFileAtomic(file: string, data: string): void {
  const abs = resolve(file);
  const dir = dirname(abs);
  makeDirs(dir);
  const tmp = join(dir, `.${basename(abs)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, abs);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

// The one writer (src/app/write-file.ts): files whole or absent under short
// writes and a full disk, device nodes and FIFOs written in place, symbolic
// links followed, and stdout failures reported.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputError } from '../../src/app/errors.js';
import { appendFileWhole, NODE_IO, writeFileAtomic, type WriteIo } from '../../src/app/write-file.js';

const dir = mkdtempSync(join(tmpdir(), 'loopcheck-writer-'));

/** Real file-system calls, but each write takes at most `chunk` bytes, and fails with ENOSPC after `room` bytes in all. */
function limitedIo(chunk: number, room = Infinity): WriteIo & { written: number } {
  const io = {
    ...NODE_IO,
    written: 0,
    writeSync(fd: number, buf: Uint8Array, off: number, len: number): number {
      if (io.written >= room) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const n = Math.min(chunk, len, room - io.written);
      const done = fs.writeSync(fd, buf, off, n);
      io.written += done;
      return done;
    },
  };
  return io;
}

describe('the writer', () => {
  it('continues after short writes: the whole text arrives', () => {
    const file = join(dir, 'short.txt');
    const text = 'x'.repeat(10_000) + 'end\n';
    writeFileAtomic(file, text, limitedIo(7));
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('a full disk leaves no file under the final name and no temporary file', () => {
    const sub = mkdtempSync(join(dir, 'full-'));
    const file = join(sub, 'trace.json');
    expect(() => writeFileAtomic(file, 'y'.repeat(5000), limitedIo(1000, 3000))).toThrow(OutputError);
    expect(() => writeFileAtomic(file, 'y'.repeat(5000), limitedIo(1000, 3000))).toThrow(`cannot write ${file}: no space left on device`);
    expect(readdirSync(sub)).toEqual([]);
  });

  it('a full disk leaves an existing file as it was', () => {
    const file = join(dir, 'keep.txt');
    writeFileSync(file, 'old contents\n');
    expect(() => writeFileAtomic(file, 'new '.repeat(2000), limitedIo(100, 500))).toThrow(OutputError);
    expect(readFileSync(file, 'utf8')).toBe('old contents\n');
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('an append that fails is undone (the job summary stays whole)', () => {
    const file = join(dir, 'summary.md');
    writeFileSync(file, '# before\n');
    expect(() => appendFileWhole(file, 'z'.repeat(4000), limitedIo(1000, 2000))).toThrow(OutputError);
    expect(readFileSync(file, 'utf8')).toBe('# before\n');
    appendFileWhole(file, 'after\n');
    expect(readFileSync(file, 'utf8')).toBe('# before\nafter\n');
  });

  it('writes to a device node in place: a null device stays a character device', () => {
    // Our own null device (1,3) when we may create one (root), so a writer
    // that renames over its target could not break the machine's /dev/null;
    // otherwise /dev/null, whose directory only root may change.
    const own = join(dir, 'null');
    const dev = spawnSync('mknod', [own, 'c', '1', '3']).status === 0 ? own : '/dev/null';
    writeFileAtomic(dev, 'discarded\n');
    expect(fs.statSync(dev).isCharacterDevice()).toBe(true);
  });

  it('a full device is an OutputError naming it', () => {
    expect(() => writeFileAtomic('/dev/full', 'x\n')).toThrow('cannot write /dev/full: no space left on device');
  });

  it('follows a symbolic link: the target is written, the link stays a link', () => {
    const target = join(dir, 'target.xml');
    const link = join(dir, 'link.xml');
    writeFileSync(target, 'old');
    symlinkSync(target, link);
    writeFileAtomic(link, '<new/>');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('<new/>');
  });

  it('writes into a FIFO without replacing it', async () => {
    const fifo = join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo]); // the other end, in another process
    let got = '';
    reader.stdout.on('data', (d) => (got += d));
    const closed = new Promise((resolve) => reader.on('close', resolve));
    writeFileAtomic(fifo, 'through the pipe\n');
    await closed;
    expect(got).toBe('through the pipe\n');
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
  });
});

// Input named `-` is stdin. A stdin that is a socket (as under some CI
// runners, where it may never send EOF; Node's own stdio 'pipe' is a
// socketpair too) is refused up front: one line, exit 2, at once — never a
// read that waits. The same input through a shell pipe is read like a file.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { traceFileText } from '../../src/export/trace-json.js';
import { philosophersDeadlock } from '../export/fixtures.js';
import { BIN } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'loopcheck-socket-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `stdin` as its fd 0 (a file: `cat file |`, a real pipe); a run still going after 60 s is killed (code null: a hang). */
function runWith(args: readonly string[], stdin: Socket | { file: string }): Promise<Run> {
  return new Promise((resolve) => {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const child =
      'file' in stdin
        ? spawn('sh', ['-c', `cat ${quote(stdin.file)} | ${[process.execPath, BIN, ...args].map(quote).join(' ')}`], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
        : spawn(process.execPath, [BIN, ...args], { cwd: tmp, stdio: [stdin, 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A connected Unix socket whose peer never writes and never closes, while `use` runs. */
async function withSilentSocket<T>(use: (s: Socket) => Promise<T>): Promise<T> {
  const path = join(tmp, `s${Math.random().toString(36).slice(2)}.sock`);
  const peers: Socket[] = [];
  const server = createServer((c) => void peers.push(c));
  await new Promise<void>((r) => server.listen(path, r));
  const client = await new Promise<Socket>((r) => {
    const c = connect(path, () => r(c));
  });
  try {
    return await use(client);
  } finally {
    client.destroy();
    for (const p of peers) p.destroy();
    await new Promise((r) => server.close(r));
  }
}

describe('stdin that is a socket', () => {
  for (const [args, line] of [
    [['verify', '--config', '-'], 'loopcheck: error: -: cannot read config (stdin is a socket, which loopcheck does not read: name a file, or redirect one into stdin)'],
    [['replay', '-'], 'loopcheck: error: cannot read -: stdin is a socket, which loopcheck does not read: name a file, or redirect one into stdin'],
    [['export', '-'], 'loopcheck: error: cannot read -: stdin is a socket, which loopcheck does not read: name a file, or redirect one into stdin'],
    [['replay', '/dev/stdin'], 'loopcheck: error: cannot read /dev/stdin: it is a socket, which loopcheck does not read: name a file, or redirect one into stdin'],
  ] as const) {
    it(`${args.join(' ')}: one line, exit 2, no wait`, async () => {
      const r = await withSilentSocket((s) => runWith(args, s));
      expect(r).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
    }, 90_000);
  }
});

describe('`-` through a pipe is read like a file', () => {
  it('replay - reads the trace from stdin', async () => {
    const file = join(tmp, 'trace.json');
    writeFileSync(file, traceFileText(philosophersDeadlock()));
    const r = await runWith(['replay', '-'], { file });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^OK - replays \d+ steps on philosophers\[N=3,M=3,lefty\] and ends in a deadlock/);
    expect(r.code).toBe(0);
  }, 90_000);

  it('verify --config - reads the config from stdin', async () => {
    const config = { runs: [{ name: 'calm', model: 'philosophers', params: { N: 3 }, expect: { deadlock: 'holds' } }] };
    const file = join(tmp, 'config.json');
    writeFileSync(file, JSON.stringify(config));
    const r = await runWith(['verify', '--config', '-', '--workers', '1'], { file });
    expect(r.stderr).toBe('loopcheck: using config -\n');
    expect(r.stdout).toContain('expectations (-): 2 of 2 cells as expected');
    expect(r.code).toBe(0);
  }, 90_000);
});

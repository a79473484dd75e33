// Running host commands for the kernel side (apt, dpkg-deb, gcc, cpio).
//
// Exists so every module spawns the same way: no shell, output captured,
// a failure turned into one readable Error line instead of a stack of noise.

import { spawn } from 'node:child_process';

export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: Buffer } = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
    child.stdin.end(opts.input);
  });
}

/** Run and throw a one-line Error naming the command when it fails. */
export async function runOk(cmd: string, args: readonly string[], opts: Parameters<typeof run>[2] = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const tail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-1)[0] ?? '';
    throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} failed (exit ${r.code}): ${tail}`);
  }
  return r.stdout;
}

/** Run with binary stdin and stdout (decompressing); the exit code is returned, not thrown. */
export function runBinary(cmd: string, args: readonly string[], input: Buffer): Promise<{ code: number; stdout: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out) }));
    child.stdin.on('error', () => {
      /* the decompressor may stop reading at the end of its stream */
    });
    child.stdin.end(input);
  });
}

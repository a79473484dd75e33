// Runs the built `loopcheck` binary as a child process, as a user would.

import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/loopcheck.js', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function cli(args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd: opts.cwd,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    timeout: 240_000,
    maxBuffer: 1 << 28,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the binary and sends `signals` (`gapMs` apart) `afterMs` after it
 * said its signal handlers are installed (LOOPCHECK_SIGNALS_READY): a
 * loaded machine can take seconds to start Node, and a signal before the
 * handlers kills the process instead of testing them.
 */
export function runWithSignals(
  args: readonly string[],
  signals: readonly NodeJS.Signals[],
  afterMs: number,
  opts: { gapMs?: number; cwd?: string; stdin?: number | 'ignore' } = {},
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, NO_COLOR: '1', LOOPCHECK_SIGNALS_READY: '1' },
      stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sentAt = 0;
    let armed = false;
    const gap = opts.gapMs ?? 150;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      if (armed || !stderr.includes('signal handlers installed')) return;
      armed = true;
      setTimeout(() => {
        sentAt = Date.now();
        signals.forEach((s, i) => (gap === 0 ? child.kill(s) : setTimeout(() => child.kill(s), i * gap)));
      }, afterMs);
    });
    child.on('close', (code) => resolve({ code, stdout, stderr: stderr.replace('loopcheck: signal handlers installed\n', ''), ms: Date.now() - sentAt }));
  });
}

// The CLI run in this process (src/cli/main.ts's runCommandLine) with its
// working directory, environment, stdout and stderr captured, for tests of
// input checking: a command line that is refused before any search costs
// milliseconds here instead of a Node start-up. Runs are serialised (they
// share the process's cwd, env and streams). Tests of exit behaviour itself
// (signals, a process that must not hang, stack traces) spawn the binary.

import { redirectStdout } from '../../src/app/write-file.js';
import { runCommandLine } from '../../src/cli/main.js';
import type { CliResult } from './run-cli.js';

let queue: Promise<unknown> = Promise.resolve();

type Write = typeof process.stdout.write;

async function runNow(args: readonly string[], cwd: string, env: Record<string, string>): Promise<CliResult> {
  const savedCwd = process.cwd();
  const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const outWrite = process.stdout.write;
  const errWrite = process.stderr.write;
  let stdout = '';
  let stderr = '';
  const capture = (append: (s: string) => void): Write =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as Write;
  process.chdir(cwd);
  Object.assign(process.env, env);
  process.stdout.write = capture((s) => (stdout += s));
  process.stderr.write = capture((s) => (stderr += s));
  redirectStdout((s) => (stdout += s));
  try {
    const code = await runCommandLine([process.execPath, 'loopcheck', ...args]);
    return { code, stdout, stderr };
  } finally {
    redirectStdout(null);
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    process.chdir(savedCwd);
  }
}

/** One command line, in-process, after every earlier one has finished. */
export function cliInProcess(args: readonly string[], opts: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  const env = { NO_COLOR: '1', GITHUB_ACTIONS: '', LOOPCHECK_DEBUG: '', ...opts.env };
  const run = queue.then(() => runNow(args, opts.cwd, env));
  queue = run.catch(() => undefined);
  return run;
}

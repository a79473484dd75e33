// Temporary directories and configs for the CI tests.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { cli, type CliResult } from '../cli/run-cli.js';

const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'loopcheck-ci-'));
  made.push(d);
  return d;
}

export function writeConfig(dir: string, config: unknown, name = 'loopcheck.config.json'): string {
  const file = join(dir, name);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return file;
}

/** philosophers N=4 both ways: the lefty variant deadlocks (8 steps), the other does not. */
export function philosophersConfig(opts: { leftyDeadlock?: string; calmDeadlock?: string } = {}) {
  return {
    runs: [
      { name: 'calm', model: 'philosophers', params: { N: 4 }, expect: { deadlock: opts.calmDeadlock ?? 'holds' } },
      { name: 'lefty', model: 'philosophers', params: { N: 4, lefty: 1 }, expect: { deadlock: opts.leftyDeadlock ?? 'violated', 'eating-holds-forks': 'holds' } },
    ],
  };
}

/** The CLI on one search thread (worker start-up would dominate these small runs), outside GitHub Actions. */
export function lc(args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const [cmd, ...rest] = args;
  // Not under GitHub Actions unless a test says so, even when the suite itself runs there.
  const env = { GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', ...opts.env };
  return cli(cmd === 'verify' || cmd === 'init' ? [cmd, '--workers', '1', ...rest] : args, { ...opts, env });
}

// The CLI as the plugin tests run it, and `new strategy` writing a file:
// shared by test/plugins/strategy-files.test.ts and test/deep/strategy-copies.test.ts.

import { join } from 'node:path';
import { expect } from 'vitest';
import { cli } from '../cli/run-cli.js';

/** The CLI in `cwd` with two search workers (plugins must load in the worker threads too). */
export function lc(args: string[], cwd: string) {
  return cli(args, { cwd, env: { GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' } });
}

export function newStrategy(dir: string, name: string, from = 'post-patch'): string {
  const r = lc(['new', 'strategy', name, '--from', from], dir);
  expect(r.stderr).toContain(`wrote ./${name}.ts`);
  expect(r.code).toBe(0);
  return join(dir, `${name}.ts`);
}


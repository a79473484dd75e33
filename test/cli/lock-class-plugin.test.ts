// Issue 13: a strategy whose loop_clr_fd takes lo_mutex before
// loop_validate_mutex is an ABBA between two lock classes (configure takes
// loop_validate_mutex, then B's lo_mutex); a plain `verify --strategy <file>`
// with the scripted scenarios as they are must report it as lock-order.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/abba-strategy.ts', import.meta.url));

describe('lock classes through the CLI', () => {
  it('verify --strategy <fixture> reports the lo_mutex / loop_validate_mutex class cycle', () => {
    const r = cli(['verify', '--no-config', '--strategy', FIXTURE, '--scenario', 'stack-independent', '--invariant', 'lock-order']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/stack-independent\s+lock-order\s+VIOLATED/);
    expect(r.stdout).toMatch(/lo_mutex/);
    expect(r.stdout).toMatch(/loop_validate_mutex/);
  });
});

// `npm run bench` must start: its configurations build (they once crashed at
// start, a constant read before its definition), and every loopcheck
// configuration's arguments are accepted by the binary (cut short here by a
// state limit; the benchmark itself runs them to the end).

import { describe, expect, it } from 'vitest';
import { benchConfigs } from '../../src/bench/run.js';
import { cli } from './run-cli.js';

describe('bench', () => {
  it('its configurations build, and the binary accepts each one', () => {
    const configs = benchConfigs();
    expect(configs.map((c) => c.name)).toContain('loop explore calls=3');
    for (const c of configs) {
      const r = cli(['verify', ...c.args, '--workers', '1', '--max-states', '2000', '--json']);
      expect(r.stderr).not.toMatch(/error/);
      expect(r.code).toBe(3); // cut short by --max-states: incomplete
      expect(JSON.parse(r.stdout).results[0].stats.states).toBeGreaterThanOrEqual(2000);
    }
  });
});

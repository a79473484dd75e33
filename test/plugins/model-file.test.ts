// A model family from the user's own file: `verify --model ./file.ts` loads
// test/fixtures/model-plugin/mutex-model.ts (written against the public
// API only) through the plugin mechanism, in the search's worker threads
// too, and finds what was worked out by hand; a file that is missing,
// broken or holds no model family is refused in one line, exit 2.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.js';
import { tempDir } from '../ci/helpers.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/model-plugin/', import.meta.url));

interface Row {
  model: string;
  instance: string;
  invariant: string;
  status: string;
  stats: { states: number; transitions: number };
  trace: unknown[] | null;
}

function verify(extra: string[]) {
  const r = cli(['verify', '--no-config', '--model', './mutex-model.ts', '--workers', '2', '--json', ...extra], { cwd: FIXTURES });
  return { ...r, rows: r.stdout ? (JSON.parse(r.stdout).results as Row[]) : [] };
}

describe('verify --model ./file.ts', () => {
  it('two-step locking: mutual exclusion violated in 4 steps, 13 states (exit 1)', () => {
    const r = verify(['--param', 'atomic=0']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const byInvariant = Object.fromEntries(r.rows.map((x) => [x.invariant, x]));
    expect(Object.keys(byInvariant)).toEqual(['mutual-exclusion', 'deadlock']);
    expect(byInvariant['mutual-exclusion'].model).toBe('mutex');
    expect(byInvariant['mutual-exclusion'].instance).toBe('mutex[N=2,atomic=0]');
    expect(byInvariant['mutual-exclusion'].status).toBe('violated');
    // The trace lists the initial state and the 4 steps: check, check, enter, enter.
    expect(byInvariant['mutual-exclusion'].trace).toHaveLength(5);
    expect(byInvariant.deadlock.status).toBe('holds');
    expect(r.rows[0].stats.states).toBe(13);
  });

  it('atomic test-and-set: mutual exclusion holds, 3 states (exit 0); text output names the file\'s model', () => {
    const r = verify(['--param', 'atomic=1']);
    expect(r.code).toBe(0);
    expect(r.rows.map((x) => [x.invariant, x.status])).toEqual([
      ['mutual-exclusion', 'holds'],
      ['deadlock', 'holds'],
    ]);
    expect(r.rows[0].stats.states).toBe(3);
    const text = cli(['verify', '--no-config', '--model', './mutex-model.ts', '--param', 'atomic=1', '--param', 'N=3'], { cwd: FIXTURES });
    expect(text.code).toBe(0);
    // N=3: all idle, or one of three inside.
    expect(text.stdout).toMatch(/^mutex\[N=3,atomic=1\] +4 +/m);
  });

  it('a parameter outside the family\'s declared range: one line, exit 2', () => {
    const r = cli(['verify', '--no-config', '--model', './mutex-model.ts', '--param', 'N=9'], { cwd: FIXTURES });
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^loopcheck: error: .*N.*9/);
    expect(r.code).toBe(2);
  });
});

describe('bad --model files: one line, exit 2, before any search', () => {
  const cases: [string, string | null, RegExp][] = [
    ['missing.ts', null, /^loopcheck: error: plugin \.\/missing\.ts: no such file\n$/],
    ['syntax.ts', 'export const family = {;\n', /^loopcheck: error: plugin \.\/syntax\.ts: cannot load: .+\n$/],
    ['nothing.ts', 'export const answer = 42;\n', /^loopcheck: error: plugin \.\/nothing\.ts: exports no strategy .* and no model family .*\n$/],
    ['strategy-only.ts', "export const notAModel = { name: 'not-a-model', define: () => undefined };\n", /^loopcheck: error: plugin \.\/strategy-only\.ts: exports no model family \(name, params, invariants, build\)\n$/],
  ];
  for (const [name, body, expected] of cases) {
    it(name, () => {
      const dir = tempDir();
      if (body !== null) writeFileSync(join(dir, name), body);
      const r = cli(['verify', '--no-config', '--model', `./${name}`], { cwd: dir });
      expect(r.stderr).toMatch(expected);
      expect(r.stdout).toBe('');
      expect(r.code).toBe(2);
    });
  }
});

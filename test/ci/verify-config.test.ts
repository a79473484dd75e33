// `verify` with a config: each exit code, auto-pickup of
// ./loopcheck.config.json, --no-config, and one-line exit-2 errors.

import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.js';
import { lc, philosophersConfig, tempDir, writeConfig } from './helpers.js';

const oneLineError = (r: { stderr: string; stdout: string }) => {
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^loopcheck: error: /);
  expect(r.stdout).toBe('');
};

describe('verify --config: exit codes', () => {
  it('0 when every cell is as expected (an expected violation included) and every search exhaustive', () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, philosophersConfig(), 'c.json');
    const r = lc(['verify', '--config', cfg]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`loopcheck: using config ${cfg}`);
    expect(r.stdout).toContain('4 of 4 cells as expected');
  });

  it('1 for an unexpected violation, naming the cell, expected vs actual, with the trace', () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, philosophersConfig({ leftyDeadlock: 'holds' }), 'c.json');
    const r = lc(['verify', '--config', cfg]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/lefty: deadlock\s+holds\s+violated \(8-step counterexample\)/);
    expect(r.stdout).toContain('Counterexample for deadlock (8 steps)');
    expect(r.stdout).toContain('3 of 4 cells as expected, 1 differs');
  });

  it('1 when an expected violation is no longer found', () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, philosophersConfig({ calmDeadlock: 'violated' }), 'c.json');
    const r = lc(['verify', '--config', cfg]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/calm: deadlock\s+violated\s+holds/);
  });

  it('3 for an incomplete cell, 0 once the config says incomplete-ok', () => {
    const dir = tempDir();
    const run = (exp: string) => ({
      runs: [{ model: 'philosophers', params: { N: 5 }, limits: { maxStates: 50 }, expect: { deadlock: exp, 'eating-holds-forks': exp } }],
    });
    const r3 = lc(['verify', '--config', writeConfig(dir, run('holds'), 'a.json')]);
    expect(r3.code).toBe(3);
    expect(r3.stdout).toMatch(/philosophers \(N=5\): deadlock\s+holds\s+incomplete \(max-states\)/);
    const r0 = lc(['verify', '--config', writeConfig(dir, run('incomplete-ok'), 'b.json')]);
    expect(r0.code).toBe(0);
    // Command-line limits override the config's.
    expect(lc(['verify', '--config', writeConfig(dir, run('holds'), 'a.json'), '--max-states', '100000']).code).toBe(0);
  });

  it('1 wins over 3 when one cell differs and another is incomplete', () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, {
      runs: [
        { name: 'cut', model: 'philosophers', params: { N: 5 }, limits: { maxStates: 50 } },
        { name: 'bad', model: 'philosophers', params: { N: 3, lefty: 1 } },
      ],
    }, 'c.json');
    expect(lc(['verify', '--config', cfg]).code).toBe(1);
  });

  it('2 for a config error: one line with file and JSON path, before any search', () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, { runs: [{ model: 'philosophers', params: { N: 4 }, expect: { 'pre-patch / deadlock': 'holds' } }] }, 'c.json');
    const r = lc(['verify', '--config', cfg]);
    expect(r.code).toBe(2);
    oneLineError(r);
    expect(r.stderr).toContain(`loopcheck: error: ${cfg}: $.runs[0].expect["pre-patch / deadlock"]: cell key must have the form '<invariant>'`);
  });

  it('2 for a missing config file and for --config with run selectors', () => {
    const missing = lc(['verify', '--config', '/nonexistent/c.json']);
    expect(missing.code).toBe(2);
    oneLineError(missing);
    expect(missing.stderr).toContain('/nonexistent/c.json: cannot read config (no such file)');
    const dir = tempDir();
    const both = lc(['verify', '--config', writeConfig(dir, philosophersConfig(), 'c.json'), '--model', 'philosophers']);
    expect(both.code).toBe(2);
    oneLineError(both);
    expect(both.stderr).toMatch(/--config cannot be combined with --model/);
  });

  it('--json carries the judged cells', () => {
    const dir = tempDir();
    const r = lc(['verify', '--config', writeConfig(dir, philosophersConfig({ leftyDeadlock: 'holds' }), 'c.json'), '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.results).toHaveLength(4);
    expect(doc.expectations.exitCode).toBe(1);
    expect(doc.expectations.cells).toContainEqual({ run: 'lefty', cell: 'deadlock', expected: 'holds', listed: true, actual: 'violated', status: 'differs' });
    expect(doc.expectations.cells).toContainEqual({ run: 'calm', cell: 'eating-holds-forks', expected: 'holds', listed: false, actual: 'holds', status: 'as-expected' });
  });
});

describe('verify --config: what it prints, in order', () => {
  /** One unexpected violation (lefty N=4 deadlock, 8 steps) and one expected (lefty N=3 deadlock, 6 steps). */
  const mixedConfig = () => ({
    runs: [
      ...philosophersConfig({ leftyDeadlock: 'holds' }).runs,
      { name: 'known', model: 'philosophers', params: { N: 3, lefty: 1 }, expect: { deadlock: 'violated' } },
    ],
  });

  it('the unexpected cells and their traces first, then the tables, expected violations one line each, the verdict last', () => {
    const dir = tempDir();
    const r = lc(['verify', '--config', writeConfig(dir, mixedConfig(), 'c.json')]);
    expect(r.code).toBe(1);
    const out = r.stdout;
    expect(out.startsWith('UNEXPECTED: 1 of 6 cells not as expected\n')).toBe(true);
    const at = (s: string) => {
      const i = out.indexOf(s);
      expect(i, s).toBeGreaterThanOrEqual(0);
      return i;
    };
    const order = [
      at('lefty: deadlock  holds'),
      at('== lefty: deadlock (unexpected) =='),
      at('Counterexample for deadlock (8 steps)'),
      at('run                          invariant'),
      at('run                          states'),
      at('expected violations (1), one line each (--verbose prints their traces):'),
      at('  known: deadlock: violated (6-step counterexample), as expected'),
      at('expectations ('),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The expected violation is that one line: no trace of it.
    expect(out).not.toContain('Counterexample for deadlock (6 steps)');
    expect(out.split('\n').filter((l) => l.includes('known: deadlock'))).toHaveLength(1);
    expect(out.trimEnd().split('\n').at(-1)).toMatch(/^expectations \(.*c\.json\): 5 of 6 cells as expected, 1 differs$/);
  });

  it('--verbose prints the traces of expected violations too, after the unexpected ones', () => {
    const dir = tempDir();
    const r = lc(['verify', '--config', writeConfig(dir, mixedConfig(), 'c.json'), '--verbose']);
    expect(r.code).toBe(1);
    const out = r.stdout;
    const unexpectedTrace = out.indexOf('Counterexample for deadlock (8 steps)');
    const expectedTrace = out.indexOf('Counterexample for deadlock (6 steps)');
    expect(unexpectedTrace).toBeGreaterThanOrEqual(0);
    expect(expectedTrace).toBeGreaterThan(out.indexOf('expected violations (1), with their traces:'));
    expect(expectedTrace).toBeGreaterThan(unexpectedTrace);
    expect(out).toContain('== known: deadlock (expected) ==');
  });

  it('all as expected: no unexpected section, the tables first', () => {
    const dir = tempDir();
    const r = lc(['verify', '--config', writeConfig(dir, philosophersConfig(), 'c.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('UNEXPECTED');
    expect(r.stdout.startsWith('run ')).toBe(true);
    expect(r.stdout).toContain('  lefty: deadlock: violated (8-step counterexample), as expected');
    expect(r.stdout).not.toContain('Counterexample for');
  });
});

describe('./loopcheck.config.json', () => {
  it('is picked up when no --config is given, and verify says so', () => {
    const dir = tempDir();
    writeConfig(dir, philosophersConfig({ leftyDeadlock: 'holds' }));
    const r = cli(['verify'], { cwd: dir, env: { GITHUB_ACTIONS: '' } }); // default worker count
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('loopcheck: using config ./loopcheck.config.json');
    expect(r.stdout).toContain('expectations (./loopcheck.config.json)');
  });

  it('--no-config ignores it; so do runs selected on the command line', () => {
    const dir = tempDir();
    writeConfig(dir, '{ "runs": "broken" }');
    const picked = lc(['verify'], { cwd: dir });
    expect(picked.code).toBe(2);
    expect(picked.stderr).toContain('loopcheck: error: ./loopcheck.config.json: $.runs: expected array');
    // Default model, cut short: exit 3 (incomplete), not the config's exit 2.
    const ignored = lc(['verify', '--no-config', '--max-states', '10'], { cwd: dir });
    expect(ignored.code).toBe(3);
    expect(ignored.stderr).not.toContain('config');
    // ... and says so (issue 14: never skip silently)
    const selected = lc(['verify', '--model', 'philosophers', '--param', 'N=4'], { cwd: dir });
    expect(selected.code).toBe(0);
    expect(selected.stderr).toBe('loopcheck: not using ./loopcheck.config.json: --model, --param select the runs, and every cell is expected to hold (--no-config says so quietly)\n');
  });

  it('without a config verify keeps its codes: 1 for any violation', () => {
    const r = lc(['verify', '--no-config', '--model', 'philosophers', '--param', 'N=3', '--param', 'lefty=1']);
    expect(r.code).toBe(1);
  });
});

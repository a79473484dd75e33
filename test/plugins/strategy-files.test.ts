// Strategies from the user's files: written by `new strategy`, loaded from
// TypeScript and JavaScript without a build step, run in worker threads like
// a built-in, named by a config's "plugins", and refused with one line (exit
// 2, before any search) when the file is missing, broken, empty or breaks
// the step contract.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../ci/helpers.js';
import { lc, newStrategy } from './new-strategy.js';

describe('new strategy', () => {
  it('writes a file importing only from loopcheck, which verifies exactly as its built-in (in 2 worker threads)', () => {
    const dir = tempDir();
    const file = newStrategy(dir, 'my-patch');
    const text = readFileSync(file, 'utf8');
    const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(imports).toEqual(['loopcheck']);
    expect(text).toContain("name: 'my-patch',");
    const args = ['verify', '--no-config', '--scenario', 'stack-independent', 'mount', '--workers', '2', '--json'];
    const mine = lc([...args, '--strategy', './my-patch.ts'], dir);
    const builtin = lc([...args, '--strategy', 'pre-patch', 'post-patch'], dir);
    expect(mine.stderr).toBe('');
    const cells = (out: string, strategy: string) =>
      (JSON.parse(out).results as { strategy: string; scenario: string; invariant: string; status: string; stats: { states: number } }[])
        .filter((r) => r.strategy === strategy)
        .map((r) => `${r.scenario} ${r.stats.states} ${r.invariant}=${r.status}`);
    expect(cells(mine.stdout, 'my-patch')).toEqual(cells(builtin.stdout, 'post-patch'));
    // The mount race of the post-patch tree is found in the copy too.
    expect(JSON.stringify(cells(mine.stdout, 'my-patch'))).toContain('mount-io=violated');
  });

  it('refuses an existing file and an unknown --from', () => {
    const dir = tempDir();
    newStrategy(dir, 'x');
    expect(lc(['new', 'strategy', 'x', '--from', 'post-patch'], dir)).toMatchObject({ code: 2, stderr: 'loopcheck: error: ./x.ts already exists (use --force to overwrite it)\n' });
    const r = lc(['new', 'strategy', 'y', '--from', 'nope'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^loopcheck: error: unknown strategy 'nope' for --from \(valid: pre-patch, post-patch/);
  });
});

describe('plugin strategies in a config, compare and simulate', () => {
  it('"plugins" in the config makes the strategy nameable; init writes it and verify passes', () => {
    const dir = tempDir();
    newStrategy(dir, 'mine', 'pre-patch');
    const init = lc(['init', '--strategy', './mine.ts', '--scenario', 'stack-independent', '--workers', '1'], dir);
    expect(init.code).toBe(0);
    const cfg = readFileSync(join(dir, 'loopcheck.config.json'), 'utf8');
    expect(cfg).toContain('"plugins": ["./mine.ts"],');
    expect(cfg).toContain('"mine / stack-independent / stacked-no-teardown": "violated"');
    const v = lc(['verify', '--workers', '2'], dir);
    expect(v.stdout).toContain('cells as expected');
    expect(v.code).toBe(0);
    const sim = lc(['simulate', '--strategy', './mine.ts', '--scenario', 'mount', '--runs', '200', '--seed', '1'], dir);
    expect(sim.code).toBe(1);
    expect(sim.stdout).toMatch(/mine/);
  });
});

describe('bad plugin input: one line, exit 2, before any search', () => {
  const cases: [string, string | null, RegExp][] = [
    ['missing.ts', null, /^loopcheck: error: plugin \.\/missing\.ts: no such file\n$/],
    ['syntax.ts', 'export const s = {;\n', /^loopcheck: error: plugin \.\/syntax\.ts: cannot load: .+\n$/],
    ['empty.js', 'export const answer = 42;\n', /^loopcheck: error: plugin \.\/empty\.js: exports no strategy .*\n$/],
  ];
  for (const [name, body, expected] of cases) {
    it(name, () => {
      const dir = tempDir();
      if (body !== null) writeFileSync(join(dir, name), body);
      const r = lc(['verify', '--no-config', '--strategy', `./${name}`], dir);
      expect(r.stderr).toMatch(expected);
      expect(r.stdout).toBe('');
      expect(r.code).toBe(2);
    });
  }

  it('a step that acquires an unknown lock, and a blocked step that writes state', () => {
    const dir = tempDir();
    const file = newStrategy(dir, 'broken');
    const text = readFileSync(file, 'utf8');
    // Take lo_mutex of a device that does not exist.
    expect(text).toContain("clr.step('acq_lm', acquire('lo_mutex'));");
    writeFileSync(file, text.replace("clr.step('acq_lm', acquire('lo_mutex'));", "clr.step('acq_lm', { text: 'ACQ lo_mutex', run: (m, d, t, fr) => m.acquire(d, m.lm[99], t) && m.next(d, fr) });"));
    const r = lc(['verify', '--no-config', '--strategy', './broken.ts'], dir);
    expect(r.stderr).toMatch(/^loopcheck: error: plugin \.\/broken\.ts: strategy broken, scenario [\w-]+: step T\d loop_clr_fd: .*acquires undefined, which is no field of the state \(an unknown lock\)\n$/);
    expect(r.code).toBe(2);
    // Writes AUTOCLEAR, then reports the step blocked.
    writeFileSync(
      file,
      text.replace(
        "clr.step('acq_vm', acquire('loop_validate_mutex'));",
        "clr.step('acq_vm', { text: 'ACQ loop_validate_mutex', run: (m, d, t, fr) => { d[m.ac[0]] = 1; return m.acquire(d, m.vm, t) && m.next(d, fr); } });",
      ),
    );
    const w = lc(['verify', '--no-config', '--strategy', './broken.ts'], dir);
    expect(w.stderr).toMatch(/^loopcheck: error: plugin \.\/broken\.ts: strategy broken, scenario [\w-]+: step T\d .*is blocked \(returns false\) but writes A\.\w+\n$/);
    expect(w.code).toBe(2);
  });

  it('a name that is already a built-in strategy', () => {
    const dir = tempDir();
    const file = newStrategy(dir, 'dup');
    writeFileSync(file, readFileSync(file, 'utf8').replace("name: 'dup',", "name: 'post-patch',"));
    const r = lc(['verify', '--no-config', '--strategy', './dup.ts'], dir);
    expect(r.stderr).toBe("loopcheck: error: plugin ./dup.ts: strategy 'post-patch' is already a built-in strategy (rename it)\n");
    expect(r.code).toBe(2);
  });

  it('a config naming a missing plugin points at the JSON path', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ plugins: ['./checks/none.ts'], runs: [{ model: 'loop' }] }));
    const r = lc(['verify', '--config', 'c.json'], dir);
    expect(r.stderr).toBe('loopcheck: error: c.json: $.plugins[0]: plugin checks/none.ts: no such file\n');
    expect(r.code).toBe(2);
  });
});

describe('traces of a plugin strategy', () => {
  it('record the file and its hash; replay and export reload it, and refuse once it has changed', () => {
    const dir = tempDir();
    const file = newStrategy(dir, 'traced');
    const v = lc(['verify', '--no-config', '--strategy', './traced.ts', '--scenario', 'mount', '--trace-dir', 'tr', '--trace-format', 'json'], dir);
    expect(v.code).toBe(1);
    const trace = 'tr/traced.mount.mount-io.json';
    const doc = JSON.parse(readFileSync(join(dir, trace), 'utf8'));
    expect(doc.plugin.file).toBe('./traced.ts');
    expect(doc.plugin.sha256).toMatch(/^[0-9a-f]{64}$/);
    const ok = lc(['replay', trace], dir);
    expect(ok.stdout).toContain('replays 10 steps on loop[traced/mount] and violates mount-io');
    expect(ok.code).toBe(0);
    writeFileSync(file, readFileSync(file, 'utf8') + '\n// changed\n');
    for (const cmd of [['replay', trace], ['export', trace, '--format', 'md', '--out-dir', 'x']]) {
      const r = lc(cmd, dir);
      expect(r.stderr).toBe(`loopcheck: error: ${trace}: plugin ./traced.ts has changed since the trace was written (rerun verify for a new trace)\n`);
      expect(r.code).toBe(2);
    }
  });
});

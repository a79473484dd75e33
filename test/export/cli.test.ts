// The export commands through the built binary: verify --trace-dir writes
// stable, atomic files; replay exits 0 / 1 / 2; export re-renders; a bad
// --trace-dir is a usage error before any search runs.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.js';

const LEFTY = ['--model', 'philosophers', '--param', 'N=3', '--param', 'lefty=1'];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loopcheck-export-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verify --trace-dir', () => {
  it('writes every format under a stable name and nothing else', () => {
    const out = join(dir, 'all');
    const r = cli(['verify', ...LEFTY, '--trace-dir', out, '--trace-format', 'json,itf', '--trace-format', 'md', 'mermaid', 'dot', 'html']);
    expect(r.code).toBe(1);
    const names = ['json', 'itf.json', 'md', 'mmd', 'dot', 'html'].map((e) => `philosophers.deadlock.${e}`);
    expect(readdirSync(out).sort()).toEqual([...names].sort());
    expect(r.stdout).toContain(join(out, 'philosophers.deadlock.json'));
  });

  it('defaults to json', () => {
    const out = join(dir, 'default');
    expect(cli(['verify', ...LEFTY, '--trace-dir', out]).code).toBe(1);
    expect(readdirSync(out)).toEqual(['philosophers.deadlock.json']);
  });

  it('a --trace-dir that is a file, or an unknown format, is a usage error before any search', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    for (const args of [
      ['--trace-dir', file],
      ['--trace-dir', join(dir, 'x'), '--trace-format', 'pdf'],
      ['--trace-format', 'md'],
    ]) {
      // N=64 would take long to search: exit 2 at once proves the check runs first.
      const r = cli(['verify', '--model', 'philosophers', '--param', 'N=64', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stdout).toBe('');
    }
  });
});

describe('replay', () => {
  let trace: string;
  beforeAll(() => {
    const out = join(dir, 'replay');
    cli(['verify', ...LEFTY, '--trace-dir', out]);
    trace = join(out, 'philosophers.deadlock.json');
  });

  it('exits 0 and says OK for an untouched trace', () => {
    const r = cli(['replay', trace]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OK .* replays 6 steps on philosophers\[N=3,M=3,lefty\] and ends in a deadlock/);
  });

  it('exits 1 and names the first divergent step with expected vs actual', () => {
    const doc = JSON.parse(readFileSync(trace, 'utf8'));
    doc.steps[4].state['pc[1]'] = 3;
    const bad = join(dir, 'tampered.json');
    writeFileSync(bad, JSON.stringify(doc));
    const r = cli(['replay', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/DIVERGES .* at step 4 \(P1 take-first\(fork=1\)\): the successor differs/);
    expect(r.stdout).toMatch(/pc\[1\]\s+eating\s+has-first/);
  });

  it('exits 2 with one line for files that are not valid traces', () => {
    const cases: [string, string, RegExp][] = [
      ['notjson.json', 'hello', /not a valid trace: not JSON/],
      ['strategy.json', readFileSync(trace, 'utf8').replace('"strategy": null', '"strategy": "fast"'), /unknown strategy 'fast'/],
    ];
    for (const [name, text, msg] of cases) {
      const p = join(dir, name);
      writeFileSync(p, text);
      const r = cli(['replay', p]);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(msg);
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
    }
    const missing = cli(['replay', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json: no such file/);
  });

  it('export re-renders a saved trace', () => {
    const md = cli(['export', trace, '--format', 'md']);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('### Counterexample: deadlock after 6 steps');
    const out = join(dir, 'exported');
    const r = cli(['export', trace, '--format', 'all', '--out-dir', out]);
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toHaveLength(6);
    expect(readFileSync(join(out, 'philosophers.deadlock.json'), 'utf8')).toBe(readFileSync(trace, 'utf8'));
    expect(cli(['export', trace, '--format', 'md,dot']).code).toBe(2);
  });
});

describe('compare', () => {
  it('prints one column per strategy (the model name without strategies) and exits like verify', () => {
    const r = cli(['compare', ...LEFTY]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/scenario\s+invariant\s+philosophers/);
    expect(r.stdout).toMatch(/deadlock\s+VIOLATED \(6 steps\)/);
    expect(r.stdout).toMatch(/eating-holds-forks\s+holds/);
    expect(r.stdout).toMatch(/135 states/);
    const j = cli(['compare', ...LEFTY, '--json']);
    const doc = JSON.parse(j.stdout);
    expect(doc.rows.find((x: { invariant: string }) => x.invariant === 'deadlock').cells.philosophers).toMatchObject({ status: 'violated', steps: 6 });
  });
});

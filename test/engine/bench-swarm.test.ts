// The benchmarks start (bench once crashed at start-up on a constant used
// before its definition), and the swarm merge keeps the shortest trace per
// invariant, counts the jobs that found it and sums the work; bench:por-bound
// prints its rows and refuses bad arguments.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { asReport, mergeSwarm } from '../../src/bench/swarm-merge.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('npm run bench', () => {
  it('starts, selects configs by --only and writes its JSON', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'bench-')), 'b.json');
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/src/bench/run.js'), out, '--only', '^no such config$'], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/ReferenceError|before initiali[sz]ation/);
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).rows).toEqual([]);
  });
});

describe('swarm merge', () => {
  const result = (walks: number, findings: { invariant: string; steps: number; seconds: number; runSeed: number }[]) => ({
    model: 'loop',
    strategy: 'pre-patch',
    scenario: 'mount',
    params: { threads: 2 },
    walks,
    steps: walks * 10,
    seconds: 1,
    findings: findings.map((f) => ({ ...f, run: 0 })),
  });

  it('keeps the shortest trace, names its seeds and sums the jobs', () => {
    const a = asReport({ seed: 1, results: [result(100, [{ invariant: 'mount-io', steps: 12, seconds: 0.5, runSeed: 11 }])] }, 'a');
    const b = asReport({ seed: 2, results: [result(50, [{ invariant: 'mount-io', steps: 9, seconds: 0.9, runSeed: 22 }])] }, 'b');
    const c = asReport({ seed: 3, results: [result(70, [])] }, 'c');
    const m = mergeSwarm([a, b, c]);
    expect(m.jobs).toBe(3);
    expect(m.walks).toBe(220);
    expect(m.steps).toBe(2200);
    expect(m.findings).toHaveLength(1);
    const f = m.findings[0];
    expect([f.steps, f.jobSeed, f.runSeed, f.foundBy, f.firstSeconds]).toEqual([9, 2, 22, 2, 0.5]);
    expect(f.selection).toBe('--model loop --strategy pre-patch --scenario mount --param threads=2');
  });

  it('rejects what is not a simulate report', () => {
    expect(() => asReport({ results: [] }, 'x.json')).toThrow(/x.json: not a `loopcheck simulate --json` report/);
    expect(() => asReport({ seed: 1, results: [{ model: 'loop' }] }, 'y.json')).toThrow(/lacks/);
  });
});

describe('npm run bench:por-bound', () => {
  const bench = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist/src/bench/por-bound.js'), ...args], { encoding: 'utf8' });

  it('prints the full search, --por and the three hindsight rows for one strategy', () => {
    const r = bench('--strategy', 'post-patch', '--param', 'calls=1');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const states = (row: string) => Number(new RegExp(`${row.replace(/[+()-]/g, '\\$&')}\\s+([\\d,]+)`).exec(r.stdout)![1].replace(/,/g, ''));
    // explore calls=1 on post-patch: 597 states in full, 449 with hindsight and nothing visible (measured 2026-12-01).
    expect(states('full search')).toBe(597);
    expect(states('persistent sets, hindsight, nothing visible')).toBe(449);
    const invariants = states('persistent sets, hindsight, invariants visible');
    const locks = states('persistent sets, hindsight, invariants + locks visible');
    // More visible steps can only cost states.
    expect(invariants).toBeGreaterThanOrEqual(449);
    expect(locks).toBeGreaterThanOrEqual(invariants);
    expect(locks).toBeLessThanOrEqual(597);
  });

  it('refuses an unknown strategy or a bad --param in one line, exit 2', () => {
    for (const args of [['--strategy', 'nope'], ['--param', 'calls'], ['--bogus', '1']]) {
      const r = bench(...args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

// A simulation split across workers by run number (runOffset/runStride)
// and merged is the single worker's simulation: the same findings from the
// same runs, the same walks and steps counted, the same stop reason — for
// every worker count, with and without every property found early. The CLI
// (simulate and lock-order with --workers) prints identical results for 1
// and 3 worker threads.

import { describe, expect, it } from 'vitest';
import { buildPhilosophers } from '../../models/philosophers/index.js';
import { mergeSimulations, simulate, type SimulateOptions, type SimulationResult } from '../../src/engine/simulate.js';
import { counter } from '../fixtures/toy-models.js';
import { cli } from '../cli/run-cli.js';

/** A result without its timings. */
function timeless(r: SimulationResult) {
  return { ...r, seconds: 0, findings: r.findings.map((f) => ({ ...f, seconds: 0 })) };
}

function split(model: Parameters<typeof simulate>[0], opts: SimulateOptions, workers: number): SimulationResult {
  return mergeSimulations(Array.from({ length: workers }, (_, w) => simulate(model, { ...opts, runOffset: w, runStride: workers })), opts.runs);
}

describe('simulation split by run number', () => {
  const cases: [string, Parameters<typeof simulate>[0], SimulateOptions][] = [
    // deadlock found, eating-holds-forks never: every run is walked
    ['philosophers lefty, both properties', buildPhilosophers(3, 3, true), { seed: 7, runs: 120, maxSteps: 60 }],
    // only the deadlock: found early, the single worker stops after its run
    ['philosophers lefty, deadlock only', buildPhilosophers(4, 3, true), { seed: 11, runs: 400, maxSteps: 40, invariants: [] }],
    ['counter: an invariant found at different runs', counter(40, 25, true), { seed: 3, runs: 80, maxSteps: 30 }],
  ];
  for (const [name, model, opts] of cases) {
    it(`${name}: 1 … 5 workers give the single worker's result`, () => {
      const whole = simulate(model, opts);
      expect(whole.findings.length).toBeGreaterThan(0);
      for (let w = 1; w <= 5; w++) expect(timeless(split(model, opts, w)), `${w} workers`).toEqual(timeless(whole));
    });
  }

  it('the early stop is exercised: a single worker stops before its last run when everything is found', () => {
    const [, model, opts] = cases[1];
    const whole = simulate(model, opts);
    expect(whole.stopReason).toBe('all-found');
    expect(whole.runs).toBeLessThan(opts.runs);
    expect(whole.runs).toBe(whole.findings[0].run + 1);
  });
});

describe('--workers on the CLI', () => {
  const timelessJson = (out: string) => {
    const d = JSON.parse(out) as { results: { seconds?: number; findings: { seconds?: number }[] }[] };
    for (const r of d.results) {
      delete r.seconds;
      for (const f of r.findings) delete f.seconds;
    }
    return d;
  };

  it('simulate: the same walks, findings and counts with 1 and 3 worker threads', () => {
    const args = ['simulate', '--strategy', 'pre-patch', 'post-patch', '--scenario', 'stack-independent', 'stack-shared-fd', '--invariant', 'stacked-no-teardown', 'stacked-io', '--runs', '600', '--seed', '5', '--json'];
    const one = cli([...args, '--workers', '1']);
    const three = cli([...args, '--workers', '3']);
    expect(one.stderr).toBe('');
    expect(one.code).toBe(1);
    expect(three.code).toBe(1);
    expect(timelessJson(three.stdout)).toEqual(timelessJson(one.stdout));
    const runs = (timelessJson(one.stdout) as unknown as { results: { walks: number; stopReason: string }[] }).results;
    expect(runs.some((r) => r.stopReason === 'all-found' && r.walks < 600)).toBe(true);
  }, 240_000);

  it('lock-order: the same report with 1 and 3 worker threads', () => {
    const args = ['lock-order', '--strategy', 'pre-patch', 'v5.17', '--scenario', 'udev', 'mount', 'change-fd', '--no-color'];
    const one = cli([...args, '--workers', '1']);
    const three = cli([...args, '--workers', '3']);
    expect(one.stderr).toBe('');
    expect([one.code, three.code]).toEqual([one.code, one.code]);
    expect(one.stdout).toContain('lock-order edges');
    expect(three.stdout).toBe(one.stdout);
  }, 240_000);
});

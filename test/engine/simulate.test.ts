// Random simulation: finds violations, shortens them within the visited
// states, is reproducible from the printed seed, and never claims "holds".

import { describe, expect, it } from 'vitest';
import { explore } from '../../src/engine/bfs.js';
import { runSeed, simulate } from '../../src/engine/simulate.js';
import { buildPhilosophers } from '../../models/philosophers/index.js';
import { counter } from '../fixtures/toy-models.js';
import { replayInReference } from '../reference/explorer.js';
import { cli } from '../cli/run-cli.js';

describe('simulate', () => {
  it('finds the lefty deadlock, shortens it, and the trace replays', () => {
    const m = buildPhilosophers(3, 3, true);
    const r = simulate(m, { seed: 7, runs: 200, maxSteps: 200 });
    const dl = r.findings.find((f) => f.invariant === 'deadlock')!;
    expect(dl).toBeDefined();
    expect(dl.trace.steps.length - 1).toBeGreaterThanOrEqual(6); // the BFS shortest is 6
    expect(dl.trace.steps.length - 1).toBeLessThanOrEqual(dl.walkSteps);
    expect(replayInReference(m, dl.trace)).toEqual([]);
    expect(r.notFound).toEqual(['eating-holds-forks']);
  });

  it('is reproducible: the same seed gives the same findings, and a run seed replays that run alone', () => {
    const m = counter(40, 25, true);
    const a = simulate(m, { seed: 3, runs: 50, maxSteps: 30 });
    const b = simulate(m, { seed: 3, runs: 50, maxSteps: 30 });
    expect(a.findings.map((f) => [f.run, f.walkSteps, f.trace.steps.map((s) => s.action)])).toEqual(
      b.findings.map((f) => [f.run, f.walkSteps, f.trace.steps.map((s) => s.action)]),
    );
    const f = a.findings.find((x) => x.invariant === 'below-t')!;
    const alone = simulate(m, { seed: f.runSeed, runs: 1, maxSteps: 30 });
    expect(alone.findings.find((x) => x.invariant === 'below-t')!.walkSteps).toBe(f.walkSteps);
    expect(runSeed(f.runSeed, 0)).toBe(f.runSeed);
  });

  it('a shortened trace is never shorter than the exhaustive shortest one', () => {
    const m = counter(60, 40, true);
    const bfs = explore(m).outcomes[0].trace!.steps.length;
    const r = simulate(m, { seed: 11, runs: 20, maxSteps: 100 });
    const f = r.findings.find((x) => x.invariant === 'below-t')!;
    expect(f.trace.steps.length).toBeGreaterThanOrEqual(bfs);
  });

  it('reports what it did not break as not found, never as holding', () => {
    const r = simulate(buildPhilosophers(4, 3), { seed: 1, runs: 20, maxSteps: 50 });
    expect(r.findings).toEqual([]);
    expect(r.notFound).toEqual(['eating-holds-forks', 'deadlock']);
  });

  it('CLI: exit 1 with a finding, 3 without, 2 for a bad seed', () => {
    const found = cli(['simulate', '--model', 'philosophers', '--param', 'N=3', '--param', 'lefty=1', '--runs', '100', '--json']);
    expect(found.code).toBe(1);
    const doc = JSON.parse(found.stdout);
    expect(doc.results[0].findings[0]).toMatchObject({ invariant: 'deadlock' });
    const none = cli(['simulate', '--model', 'philosophers', '--param', 'N=4', '--runs', '5', '--max-steps', '20']);
    expect(none.code).toBe(3);
    expect(none.stdout).toContain('not found');
    const bad = cli(['simulate', '--model', 'philosophers', '--seed', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--seed needs a positive integer/);
  });
});

// Interruptions and resource bounds end a run cleanly: incomplete, exit 3,
// with the statistics so far; a second Ctrl-C quits at once with 130.

import { describe, expect, it } from 'vitest';
import { cli, runWithSignals } from './run-cli.js';

/** The signals `afterMs` after the process is ready for them (its start-up, which load can stretch to seconds, not counted). */
const runUntilSignals = (args: string[], signals: NodeJS.Signals[], afterMs: number, gapMs = 150) => runWithSignals(args, signals, afterMs, { gapMs });

describe('interruptions', () => {
  it('Ctrl-C stops within a second, prints the figures so far as incomplete, exit 3', async () => {
    const r = await runUntilSignals(['verify', '--model', 'philosophers', '--param', 'N=14', '--workers', '1'], ['SIGINT'], 2000);
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(1500);
    expect(r.stdout).toContain('incomplete: interrupted');
    expect(r.stdout).not.toMatch(/ holds$/m);
    expect(r.stderr).toContain('interrupted');
  }, 30_000);

  it('Ctrl-C also stops a long liveness analysis within a second (it runs off the main thread)', async () => {
    // The safety search of N=10 takes about a second; the liveness graph of its
    // 918,090 states several more, so the signal arrives during the analysis.
    const r = await runUntilSignals(['verify', '--model', 'philosophers', '--param', 'N=10', '--invariant', 'hungry-eats', '--no-color'], ['SIGINT'], 3000);
    expect(r.ms).toBeLessThan(1500);
    expect(r.stdout).toContain('incomplete: interrupted');
    // A lasso found in the part of the graph built so far is still a real one (exit 1); otherwise incomplete (exit 3).
    expect([1, 3]).toContain(r.code);
    expect(r.stdout).toMatch(/hungry-eats\s+(VIOLATED|incomplete)/);
  }, 30_000);

  it('SIGTERM behaves like Ctrl-C', async () => {
    const r = await runUntilSignals(['verify', '--model', 'philosophers', '--param', 'N=14', '--workers', '2', '--json'], ['SIGTERM'], 2000);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.results.every((x: { status: string }) => x.status === 'incomplete')).toBe(true);
    expect(doc.results[0].stopReason).toBe('interrupted');
  }, 30_000);

  it('a second Ctrl-C exits at once with 130', async () => {
    // Two different signals back to back, so the kernel cannot merge them into one.
    const r = await runUntilSignals(['verify', '--model', 'philosophers', '--param', 'N=14'], ['SIGINT', 'SIGTERM'], 2000, 0);
    expect(r.code).toBe(130);
  }, 30_000);
});

describe('memory bound', () => {
  it('--max-memory stops the search as incomplete with exit 3', () => {
    const r = cli(['verify', '--model', 'philosophers', '--param', 'N=14', '--max-memory', '150', '--json']);
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc.results[0].stopReason).toBe('max-memory');
    expect(doc.results[0].stats.states).toBeGreaterThan(0);
  }, 60_000);
});

// Issue 7, determinism: the same `verify --json` run prints byte-identical
// output, apart from its timing and memory fields, across repeated runs and
// across --workers 1, 2 and 3 — same states, transitions, depths, verdicts and
// the same shortest counterexamples, step for step.
//
// With several workers the engine first runs a search sequentially in one
// worker and redoes it with the two-phase parallel protocol only when it
// outgrows PROBE_STATES: the small runs below (the ones the issue names) take
// the sequential path for every worker count, so philosophers N=9 (257,778
// states) is added to go through the parallel protocol itself.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_STATES } from '../../src/engine/parallel/coordinator.js';
import { BIN } from '../cli/run-cli.js';

/** The fields that measure time or memory: removed, whole lines, before comparing. */
const TIMING_FIELDS = ['seconds', 'statesPerSecond', 'peakRssBytes'];
/** Present only when liveness or lock-order analyses ran. */
const OPTIONAL_TIMING_FIELDS = ['analysisSeconds'];
const TIMING_LINE = new RegExp(`^\\s*"(${[...TIMING_FIELDS, ...OPTIONAL_TIMING_FIELDS].join('|')})": [^\\n]*\\n`, 'gm');

function stripTimings(json: string): string {
  return json.replace(TIMING_LINE, '');
}

interface Out {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let cwd = '';
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'loopcheck-determinism-'));
});
afterAll(() => {
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

function verify(args: readonly string[], workers: number): Promise<Out> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'verify', ...args, '--no-config', '--json', '--workers', String(workers)], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const CASES: { name: string; args: string[]; workers: number[]; expectCode: number; minStates?: number }[] = [
  { name: 'loop, default scenarios, pre-patch and post-patch', args: ['--model', 'loop', '--strategy', 'pre-patch', 'post-patch'], workers: [1, 1, 2, 3], expectCode: 1 },
  { name: 'philosophers N=6', args: ['--model', 'philosophers', '--param', 'N=6'], workers: [1, 1, 2, 3], expectCode: 0 },
  { name: 'philosophers N=3 lefty=1 (deadlock)', args: ['--model', 'philosophers', '--param', 'N=3', '--param', 'lefty=1'], workers: [1, 1, 2, 3], expectCode: 1 },
  { name: 'philosophers N=9 (past the probe: the two-phase protocol)', args: ['--model', 'philosophers', '--param', 'N=9'], workers: [1, 2, 3], expectCode: 0, minStates: PROBE_STATES },
];

describe('verify --json is the same for every run and worker count (timings aside)', () => {
  it.concurrent.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const outs: Out[] = [];
    // one at a time per case, so that each run gets its workers; the cases run side by side
    for (const w of c.workers) outs.push(await verify(c.args, w));
    for (const o of outs) {
      expect(o.code, o.stderr).toBe(c.expectCode);
      expect(o.stderr).toBe('');
    }
    const docs = outs.map((o) => JSON.parse(o.stdout) as { results: { stats: Record<string, unknown>; status: string; trace: unknown }[] });
    // the stripped fields are there (a rename would let a timing slip into the comparison, and fail it)
    for (const d of docs) for (const r of d.results) for (const f of TIMING_FIELDS) expect(r.stats).toHaveProperty(f);
    const first = stripTimings(outs[0].stdout);
    expect(first).not.toMatch(/"(seconds|statesPerSecond|peakRssBytes|analysisSeconds)"/);
    outs.forEach((o, i) => expect(stripTimings(o.stdout), `run ${i} (--workers ${c.workers[i]}) differs from run 0 (--workers ${c.workers[0]})`).toBe(first));
    if (c.expectCode === 1) expect(docs[0].results.some((r) => r.status === 'violated' && Array.isArray(r.trace))).toBe(true);
    if (c.minStates !== undefined) expect(docs[0].results[0].stats.states as number).toBeGreaterThan(c.minStates);
  });

  it('strips only the timing lines', () => {
    const doc = JSON.stringify({ stats: { states: 5, seconds: 0.25, statesPerSecond: 20, peakRssBytes: 1e8, depth: 3 }, stopReason: 'time-limit' }, null, 2);
    expect(JSON.parse(stripTimings(doc))).toEqual({ stats: { states: 5, depth: 3 }, stopReason: 'time-limit' });
  });
});

// A trace that claims a liveness lasso on a model beyond the liveness
// checker's 32 fairness groups (which the search refuses up front) is
// refused before it is replayed: one line, exit 2. At 32 groups the same
// file is read and replayed (and diverges: its lasso is not one).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAMILIES } from '../../src/app/registry.js';
import { replay } from '../../src/export/replay.js';
import { loadTrace, parseTraceFile, TraceFileError } from '../../src/export/trace-json.js';
import { cli } from '../cli/run-cli.js';

const philosophers = FAMILIES.find((f) => f.name === 'philosophers')!;
const dir = mkdtempSync(join(tmpdir(), 'loopcheck-lasso-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A one-state "lasso" (stuttering at the initial state) claiming hungry-eats fails, for N philosophers. */
function lassoFile(n: number): string {
  const params = { ...Object.fromEntries(philosophers.params.map((p) => [p.name, p.default])), N: n };
  const model = philosophers.build({ params });
  expect(model.fairness?.groups.length).toBe(n);
  const s0 = model.initialStates()[0];
  const state = Object.fromEntries(model.layout.fields.map((f, i) => [f.name, s0[i]]));
  return JSON.stringify({ schema: 1, model: 'philosophers', params, strategy: null, scenario: null, invariant: 'hungry-eats', loop: 0, steps: [{ action: 0, label: null, state }] });
}

describe('replay of a liveness lasso beyond 32 fairness groups', () => {
  it('33 groups: refused while loading, before any replay', () => {
    let err: unknown;
    try {
      loadTrace(parseTraceFile(lassoFile(33)), FAMILIES);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TraceFileError);
    expect((err as Error).message).toBe('a lasso for hungry-eats on philosophers[N=33,M=3], which has 33 fairness groups: loopcheck checks liveness with at most 32');
  });

  it('32 groups: loaded and replayed (the stuttering claim diverges: philosophers can move)', () => {
    const o = replay(loadTrace(parseTraceFile(lassoFile(32)), FAMILIES));
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.reason).toMatch(/claims the last state stutters, but an action is enabled/);
  });

  it('the CLI: one line on stderr, exit 2, for replay and export alike', () => {
    const file = join(dir, 'lasso-33.json');
    writeFileSync(file, lassoFile(33));
    for (const args of [['replay', file], ['export', file, '--format', 'md']]) {
      const r = cli(args);
      expect(r.stderr).toBe(`loopcheck: error: ${file}: not a valid trace: a lasso for hungry-eats on philosophers[N=33,M=3], which has 33 fairness groups: loopcheck checks liveness with at most 32\n`);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    }
  });
});

// compare: rows scenario x invariant, a column per strategy, and a note for
// every row where the strategies disagree pointing at the trace (its file
// with --trace-dir, else the command that prints it).

import { Chalk } from 'chalk';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareData, renderCompare } from '../../src/cli/compare.js';
import { writeRunTraces } from '../../src/cli/export-cmd.js';
import type { PlannedRun } from '../../src/app/plan.js';
import { executeRuns } from '../../src/app/run.js';
import { toyFamily } from './fixtures.js';

const runs: PlannedRun[] = ['crossed', 'ordered'].map((strategy) => ({ family: toyFamily, strategy, scenario: 's1', params: { K: 1 } }));

describe('compare', () => {
  it('puts strategies side by side and names the disagreeing cells with the command to print them', async () => {
    const done = await executeRuns(runs, {});
    const d = compareData(done, null, ['K=1']);
    expect(d.strategies).toEqual(['crossed', 'ordered']);
    const dl = d.rows.find((r) => r.invariant === 'deadlock')!;
    expect(dl.cells.crossed).toMatchObject({ status: 'violated', steps: 2 });
    expect(dl.cells.ordered).toMatchObject({ status: 'holds' });
    expect(dl.disagree).toBe(true);
    expect(d.rows.find((r) => r.invariant === 't1-never-done')!.disagree).toBe(false);
    // The crossed order is also a lock-order cycle (checked by default: the toy model says who holds what).
    expect(d.disagreements).toEqual([
      {
        scenario: 's1',
        invariant: 'deadlock',
        note: 'crossed VIOLATED (2 steps) — trace: loopcheck verify --model toy --param K=1 --strategy crossed --scenario s1 --invariant deadlock; ordered holds',
      },
      {
        scenario: 's1',
        invariant: 'lock-order',
        note: expect.stringMatching(/^crossed VIOLATED \(2 steps\) — trace: loopcheck verify .* --invariant lock-order; ordered holds$/),
      },
    ]);
    const text = renderCompare(d, new Chalk({ level: 0 }));
    expect(text).toMatch(/scenario\s+invariant\s+crossed\s+ordered/);
    expect(text).toMatch(/s1\s+deadlock \*\s+VIOLATED \(2 steps\)\s+holds/);
    expect(text).toMatch(/crossed: distinct states, time/);
    expect(text).toContain('The strategies disagree on 2 rows (marked *):');
  });

  it('points at the written trace file with --trace-dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopcheck-compare-'));
    try {
      const done = await executeRuns(runs, {});
      const written = writeRunTraces(done, { dir, formats: ['json', 'md'], fullStates: false });
      const d = compareData(done, written, []);
      expect(d.disagreements[0].note).toContain(`trace: ${join(dir, 'crossed.s1.deadlock.json')}, ${join(dir, 'crossed.s1.deadlock.md')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

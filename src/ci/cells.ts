// Judges each cell (one invariant of one search) against its expectation and
// turns the judgements into the exit code:
//   0 every cell as expected and every search exhaustive (or incomplete-ok),
//   1 a verdict differs from its expectation,
//   3 a cell is incomplete and the config did not say incomplete-ok.

import { EXIT } from '../app/errors.js';
import type { CompletedRun } from '../app/run.js';
import { REDUCED_TRACE_MARK, type InvariantOutcome, type Verdict } from '../engine/result.js';
import { cellKey, type ConfigRun } from './config.js';
import type { Expectation } from './config-schema.js';

export type CellStatus = 'as-expected' | 'differs' | 'incomplete';

export interface CellResult {
  readonly group: ConfigRun;
  readonly run: CompletedRun;
  readonly outcome: InvariantOutcome;
  /** "pre-patch / stack-independent / stacked-no-teardown". */
  readonly key: string;
  /** The group label and key: "loop: pre-patch / stack-independent / stacked-no-teardown". */
  readonly name: string;
  readonly expected: Expectation;
  /** False when the config did not list the cell (it must hold). */
  readonly explicit: boolean;
  readonly actual: Verdict;
  readonly status: CellStatus;
  /** Counterexample length in steps, when violated. */
  readonly steps: number | null;
}

export function judge(expected: Expectation, actual: Verdict): CellStatus {
  if (actual === 'violated') return expected === 'violated' ? 'as-expected' : 'differs';
  if (actual === 'holds') return expected === 'violated' ? 'differs' : 'as-expected';
  return expected === 'incomplete-ok' ? 'as-expected' : 'incomplete';
}

/** The cells of completed searches, `groupOf(i)` being the group of done[i]. */
export function judgeCells(done: readonly CompletedRun[], groupOf: (i: number) => ConfigRun): CellResult[] {
  const out: CellResult[] = [];
  done.forEach((run, i) => {
    const group = groupOf(i);
    for (const o of run.result.outcomes) {
      const key = cellKey(run.run.strategy, run.run.scenario, o.invariant);
      const exp = group.expect.get(key);
      const expected = exp ?? 'holds';
      const actual: Verdict = o.verdict;
      out.push({
        group,
        run,
        outcome: o,
        key,
        name: `${group.label}: ${key}`,
        expected,
        explicit: exp !== undefined,
        actual,
        status: judge(expected, actual),
        steps: o.trace ? o.trace.steps.length - 1 : null,
      });
    }
  });
  return out;
}

export function exitCodeForCells(cells: readonly CellResult[]): number {
  if (cells.some((c) => c.status === 'differs')) return EXIT.violation;
  if (cells.some((c) => c.status === 'incomplete')) return EXIT.incomplete;
  return EXIT.ok;
}

/** "8-step counterexample", and that it may not be the shortest when found under --por. */
export function counterexampleText(c: CellResult): string {
  return `${c.steps}-step counterexample${c.outcome.trace?.reduced ? `, ${REDUCED_TRACE_MARK}` : ''}`;
}

/** Whether any cell's search ran with partial-order reduction: how many of the searches did. */
export function reducedSearches(cells: readonly CellResult[]): { reduced: number; searches: number } {
  const runs = new Set(cells.map((c) => c.run));
  return { reduced: [...runs].filter((r) => r.result.stats.partialOrder).length, searches: runs.size };
}

/** "expected holds, got violated (8-step counterexample)". */
export function mismatchText(c: CellResult): string {
  const got =
    c.actual === 'violated'
      ? `violated (${counterexampleText(c)})`
      : c.actual === 'incomplete'
        ? `incomplete (search stopped: ${c.run.result.stopReason})`
        : c.actual;
  return `expected ${c.expected}${c.explicit ? '' : ' (not listed)'}, got ${got}`;
}

// What `verify` prints when a config judges the cells: the unexpected
// results first and in full (the cells that differ or stopped short, each
// unexpected counterexample trace), then the usual tables, then the expected
// violations one line each (their traces only with --verbose), and last the
// expectations' verdict line. A config that lists dozens of known races
// would otherwise bury the one new result under their traces.

import type { ChalkInstance } from 'chalk';
import type { CompletedRun } from '../app/run.js';
import { counterexampleText, mismatchText, type CellResult } from '../ci/cells.js';
import { table } from '../report/format.js';
import { renderOutcomeTraces, renderResultTables } from './output-text.js';

export interface GateTextOptions {
  readonly verbose?: boolean;
  readonly fullStates?: boolean;
  readonly rawParams?: readonly string[];
}

function actualText(x: CellResult, c: ChalkInstance): string {
  if (x.status === 'incomplete') return c.yellow(`incomplete (${x.run.result.stopReason})`);
  return c.red(mismatchText(x).replace(/^expected \S+( \(not listed\))?, got /, ''));
}

export function renderGateText(done: readonly CompletedRun[], cells: readonly CellResult[], summaryLine: string, c: ChalkInstance, opts: GateTextOptions = {}): string {
  const out: string[] = [];
  const unexpected = cells.filter((x) => x.status !== 'as-expected');
  if (unexpected.length > 0) {
    out.push(c.red.bold(`UNEXPECTED: ${unexpected.length} of ${cells.length} cells not as expected`));
    out.push(table(['cell', 'expected', 'actual'], unexpected.map((x) => [x.name, x.expected + (x.explicit ? '' : ' (not listed)'), actualText(x, c)])));
    for (const x of unexpected) {
      if (x.outcome.trace) out.push('', renderOutcomeTraces(x.run, x.outcome, c, opts.fullStates, `${x.name} (unexpected)`));
    }
    out.push('');
  }
  out.push(renderResultTables(done, c, opts.rawParams ?? []));
  const expectedViolations = cells.filter((x) => x.status === 'as-expected' && x.outcome.trace);
  if (expectedViolations.length > 0) {
    out.push('');
    out.push(
      c.bold(`expected violations (${expectedViolations.length})`) +
        (opts.verbose ? ', with their traces:' : c.dim(', one line each (--verbose prints their traces):')),
    );
    for (const x of expectedViolations) out.push(`  ${x.name}: violated (${counterexampleText(x)}), as expected`);
    if (opts.verbose) {
      for (const x of expectedViolations) out.push('', renderOutcomeTraces(x.run, x.outcome, c, opts.fullStates, `${x.name} (expected)`));
    }
  }
  if (summaryLine) out.push('', summaryLine);
  return out.join('\n');
}

// Human output of `verify`: a result table (one row per run and invariant),
// the statistics of each run, then every counterexample, diff-only.

import type { ChalkInstance } from 'chalk';
import { renderTraceText } from '../report/trace-text.js';
import { viewTrace } from '../report/trace-view.js';
import { compareData, renderCompare } from './compare.js';
import { fmtBytes, fmtInt, fmtSeconds, table, verdictText } from '../report/format.js';
import type { CompletedRun } from '../app/run.js';
import type { InvariantOutcome } from '../engine/result.js';

function runName(r: CompletedRun): string {
  return [r.run.strategy, r.run.scenario].filter((x) => x !== null).join(' / ') || r.model.name;
}

/**
 * Human output of verify. Runs with strategies print the strategy x scenario
 * x invariant matrix (the compare view, with its notes on disagreements);
 * other models one row per run and invariant. Then the statistics of every
 * run and each counterexample.
 */
export function renderVerify(runs: readonly CompletedRun[], c: ChalkInstance, fullStates = false, rawParams: readonly string[] = []): string {
  const out = [renderResultTables(runs, c, rawParams)];
  for (const r of runs) {
    for (const o of r.result.outcomes) if (o.trace) out.push('', renderOutcomeTraces(r, o, c, fullStates));
  }
  return out.join('\n');
}

/** A run's name in the tables and trace headings: strategy / scenario, else the model. */
export { runName };

/** The verdict table (or matrix) and the statistics of every run, without traces. */
export function renderResultTables(runs: readonly CompletedRun[], c: ChalkInstance, rawParams: readonly string[] = []): string {
  const out: string[] = [];
  if (runs.length > 0 && runs.every((r) => r.run.strategy !== null)) {
    out.push(renderCompare(compareData(runs, null, rawParams), c));
  } else {
    const rows = runs.flatMap((r) =>
      r.result.outcomes.map((o) => [
        runName(r),
        o.invariant,
        verdictText(o.verdict, c, o.trace ? o.trace.steps.length - 1 : undefined),
      ]),
    );
    out.push(table(['run', 'invariant', 'verdict'], rows));
  }
  out.push('');
  const statRows = runs.map((r) => {
    const s = r.result.stats;
    return [
      runName(r),
      fmtInt(s.states),
      fmtInt(s.transitions),
      String(s.depth),
      fmtSeconds(s.seconds),
      fmtInt(s.statesPerSecond),
      fmtBytes(s.peakRssBytes),
      r.result.complete ? r.result.stopReason : c.yellow(`incomplete: ${r.result.stopReason}`),
    ];
  });
  out.push(table(['run', 'states', 'transitions', 'depth', 'seconds', 'states/s', 'peak RSS', 'search'], statRows));
  const analysed = runs.filter((r) => r.result.stats.analysisSeconds !== undefined);
  if (analysed.length > 0) {
    const secs = analysed.reduce((t, r) => t + r.result.stats.analysisSeconds!, 0);
    out.push(c.dim(`liveness and lock-order analyses (whole state graph, after the searches): ${secs.toFixed(2)} s in ${analysed.length} run${analysed.length === 1 ? '' : 's'}`));
  }
  const reduced = runs.filter((r) => r.result.stats.symmetry).length;
  if (reduced > 0) out.push(c.dim(`symmetry reduction: ${reduced} of ${runs.length} searches count states up to renaming of interchangeable threads (run without --symmetry for unreduced counts)`));
  const porRuns = runs.filter((r) => r.result.stats.partialOrder).length;
  if (porRuns > 0) out.push(c.dim(`partial-order reduction: ${porRuns} of ${runs.length} searches count states of the reduced graph; invariants, deadlock, lock order and liveness of acyclic models are preserved, counterexamples may be longer than the shortest`));
  if (runs.every((r) => r.result.stats.exact)) {
    out.push(c.dim('exact mode: full state vectors stored, no fingerprint collision possible'));
  } else {
    const maxP = Math.max(...runs.map((r) => r.result.stats.collisionProbability));
    out.push(c.dim(`fingerprint collision probability (birthday bound, worst run): ${maxP.toExponential(1)}`));
  }
  return out.join('\n');
}

/** One outcome's counterexample (and, for a lock-order cycle, its other edges), in full. */
export function renderOutcomeTraces(r: CompletedRun, o: InvariantOutcome, c: ChalkInstance, fullStates = false, heading = runName(r)): string {
  if (!o.trace) return '';
  const out = [c.bold(`== ${heading} ==`), renderTraceText(viewTrace(r.model, o.trace, o.invariant, o.description, o.detail), c, fullStates)];
  for (const rel of o.related ?? []) {
    out.push('');
    out.push(c.bold(`== ${heading}: ${o.invariant}, next edge of the cycle ==`));
    out.push(renderTraceText(viewTrace(r.model, rel.trace, o.invariant, o.description, rel.title), c, fullStates));
  }
  return out.join('\n');
}

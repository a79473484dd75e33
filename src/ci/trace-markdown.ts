// The Markdown counterexample of a cell, for JUnit failure bodies and the
// Actions job summary, drawn by the shared renderer in src/report/trace-md.ts.

import type { CompletedRun } from '../app/run.js';
import type { InvariantOutcome } from '../engine/result.js';
import { renderTraceMarkdown } from '../report/trace-md.js';
import { viewTrace } from '../report/trace-view.js';

export function outcomeMarkdown(r: CompletedRun, o: InvariantOutcome): string | null {
  if (!o.trace) return null;
  const run = [r.run.strategy, r.run.scenario].filter((x) => x !== null).join(' / ') || r.model.name;
  return renderTraceMarkdown(viewTrace(r.model, o.trace, o.invariant, o.description), {
    run,
    model: `${r.run.family.name} (${r.model.name})`,
    params: r.run.params,
  }).trimEnd();
}

// The `--json` document: one result per model run and invariant, each with
// its statistics and (when violated) the counterexample as labelled steps
// with full states. Nothing else is written to stdout in JSON mode.

import { REDUCED_TRACE_NOTE } from '../engine/result.js';
import { stallWindows } from '../report/stall-windows.js';
import type { Model } from '../engine/model.js';
import type { Trace } from '../engine/result.js';
import type { CompletedRun } from '../app/run.js';
import { VERSION } from '../app/version.js';

function stateObject(model: Model, vec: Uint8Array): Record<string, number> {
  const o: Record<string, number> = {};
  model.layout.fields.forEach((f, i) => {
    o[f.name] = vec[i];
  });
  return o;
}

export function traceJson(model: Model, trace: Trace) {
  return trace.steps.map((s, i) => ({
    step: i,
    label: s.label,
    state: stateObject(model, s.state),
  }));
}

export function resultsJson(runs: readonly CompletedRun[]) {
  return {
    tool: 'loopcheck',
    version: VERSION,
    results: runs.flatMap(({ run, model, result }) =>
      result.outcomes.map((o) => ({
        model: run.family.name,
        instance: model.name,
        strategy: run.strategy,
        scenario: run.scenario,
        params: run.params,
        invariant: o.invariant,
        description: o.description,
        status: o.verdict,
        complete: result.complete,
        stopReason: result.stopReason,
        stats: {
          states: result.stats.states,
          transitions: result.stats.transitions,
          depth: result.stats.depth,
          seconds: Number(result.stats.seconds.toFixed(3)),
          statesPerSecond: Math.round(result.stats.statesPerSecond),
          peakRssBytes: result.stats.peakRssBytes,
          collisionProbability: result.stats.collisionProbability,
          exact: result.stats.exact,
          symmetryReduced: result.stats.symmetry,
          partialOrderReduced: result.stats.partialOrder ?? false,
          ...(result.stats.analysisSeconds !== undefined ? { analysisSeconds: Number(result.stats.analysisSeconds.toFixed(3)) } : {}),
        },
        trace: o.trace ? traceJson(model, o.trace) : null,
        ...(o.trace?.reduced ? { shortest: false, note: REDUCED_TRACE_NOTE } : {}),
        ...(o.trace?.loop !== undefined ? { loop: o.trace.loop } : {}),
        ...(o.trace ? { stallWindows: stallWindows(o.trace.steps.slice(1).map((st) => st.label)) } : {}),
        ...(o.detail ? { detail: o.detail } : {}),
        ...(o.related ? { related: o.related.map((x) => ({ title: x.title, trace: traceJson(model, x.trace) })) } : {}),
      })),
    ),
  };
}

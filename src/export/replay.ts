// Replaying a trace file read back from disk (`replay`, `export`): the
// loaded file's trace against the model it names, by the application
// core's replay check (app/replay.ts). A lock-order counterexample is a
// cycle, not one nested acquisition: its file must carry the witness of
// every edge, each must replay, and the edges they acquire must close a
// cycle.

import { replayTrace, type ReplayOutcome } from '../app/replay.js';
import type { Model } from '../engine/model.js';
import { LOCK_ORDER } from '../engine/properties.js';
import type { Trace } from '../engine/result.js';
import { StateView } from '../engine/state-view.js';
import type { LoadedTrace } from './trace-json.js';

export type { FieldDiff, ReplayOutcome } from '../app/replay.js';

/** The "held X while acquiring Y" edges of a witness's last step. */
function lastStepEdges(model: Model, t: Trace): [string, string][] {
  const n = t.steps.length;
  if (!model.held || n < 2) return [];
  const before = model.held(new StateView(model.layout, t.steps[n - 2].state));
  const after = model.held(new StateView(model.layout, t.steps[n - 1].state));
  const out: [string, string][] = [];
  for (const [actor, now] of Object.entries(after)) {
    const had = before[actor] ?? [];
    for (const y of now) if (!had.includes(y)) for (const x of had) out.push([x, y]);
  }
  return out;
}

/** Whether the directed edges contain a cycle. */
function hasCycle(edges: readonly [string, string][]): boolean {
  const next = new Map<string, string[]>();
  for (const [x, y] of edges) next.set(x, [...(next.get(x) ?? []), y]);
  const state = new Map<string, 1 | 2>();
  const visit = (v: string): boolean => {
    state.set(v, 1);
    for (const w of next.get(v) ?? []) {
      if (state.get(w) === 1 || (!state.has(w) && visit(w))) return true;
    }
    state.set(v, 2);
    return false;
  };
  return [...next.keys()].some((v) => !state.has(v) && visit(v));
}

export function replay(loaded: LoadedTrace): ReplayOutcome {
  const replayed = replayTrace(loaded.model, loaded.recorded, loaded.file.invariant, loaded.description);
  // The replayed trace is the recorded one: found under --por, it says so too.
  const own = replayed.ok && loaded.recorded.reduced ? { ...replayed, trace: { ...replayed.trace, reduced: true } } : replayed;
  if (!own.ok || loaded.file.invariant !== LOCK_ORDER) return own;
  const last = loaded.recorded.steps.length - 1;
  const fail = (reason: string): ReplayOutcome => ({ ok: false, step: last, title: 'lock-order cycle', reason, diffs: [] });
  if (!loaded.cycle || loaded.cycle.length === 0) {
    return fail('a lock-order counterexample is a cycle, and this file carries no cycle of witnesses (one nested acquisition is no potential deadlock)');
  }
  const edges: [string, string][] = [];
  for (const [j, witness] of loaded.cycle.entries()) {
    const r = replayTrace(loaded.model, witness, LOCK_ORDER, loaded.description);
    if (!r.ok) return fail(`the witness cycle[${j}] does not replay (step ${r.step}: ${r.reason})`);
    edges.push(...lastStepEdges(loaded.model, witness));
  }
  if (!hasCycle(edges)) {
    return fail(`the witnesses' acquisitions (${edges.map(([x, y]) => `${x} → ${y}`).join(', ')}) close no cycle`);
  }
  return own;
}

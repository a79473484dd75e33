// The whole counterexample as plain data: who acted at each step, which
// fields changed, which resources every actor holds after every step and how
// the object states (a loop device's lo_state, a philosopher's pc) evolve.
// The sequence diagrams and the HTML viewer are drawn from this; it is plain
// JSON so the viewer can embed it as is.

import type { Model } from '../engine/model.js';
import { DEADLOCK, type Trace } from '../engine/result.js';
import { StateView } from '../engine/state-view.js';
import { stallWindows, type StallWindow } from './stall-windows.js';
import { lassoEnding, stepTitle, type FieldChange } from './trace-view.js';

/** Where a trace came from: enough to rebuild the model through the registry. */
export interface TraceOrigin {
  /** The model family (registry name), e.g. `loop` or `philosophers`. */
  readonly family: string;
  readonly params: Readonly<Record<string, number>>;
  readonly strategy: string | null;
  readonly scenario: string | null;
}

/** A counterexample together with its model and what it shows. */
export interface TraceContext extends TraceOrigin {
  readonly model: Model;
  readonly invariant: string;
  readonly description: string;
  readonly trace: Trace;
  /** Extra file-name part telling this trace apart from others of the same run and invariant. */
  readonly fileSuffix?: string;
  /** A lock-order cycle: the witness of every edge, in cycle order (`trace` is one of them). */
  readonly cycle?: readonly Trace[];
}

/**
 * Optional presentation hints a model may carry (not part of the engine's
 * Model interface yet): which fields are per-object state machines to draw
 * as timelines, e.g. `['A.lo_state', 'B.lo_state']`.
 */
export interface TraceHints {
  readonly timelines?: readonly string[];
}

export interface DataStep {
  /** 1-based step number (0 is the initial state). */
  readonly n: number;
  readonly thread: string;
  readonly action: string;
  readonly step: string | null;
  readonly params: Readonly<Record<string, string | number>> | null;
  /** `function: step` as printed. */
  readonly title: string;
  readonly changes: readonly FieldChange[];
}

export interface TraceData {
  readonly family: string;
  readonly instance: string;
  readonly strategy: string | null;
  readonly scenario: string | null;
  readonly params: Readonly<Record<string, number>>;
  readonly invariant: string;
  readonly description: string;
  /** Actors in order of first appearance. */
  readonly threads: readonly string[];
  /** Resources ever held, in order of first acquisition. */
  readonly locks: readonly string[];
  readonly fields: readonly { readonly name: string; readonly group: string }[];
  /** Printable value of every field, per state (index 0 = initial state). */
  readonly states: readonly (readonly string[])[];
  /** Resources held by each actor, per state (actors holding none omitted). */
  readonly held: readonly Readonly<Record<string, readonly string[]>>[];
  readonly steps: readonly DataStep[];
  /** Field indices drawn as state timelines (lo_state-like fields). */
  readonly timelines: readonly number[];
  /** The state number in which the invariant is violated (the last one). */
  readonly violationAt: number;
  /** Lassos only: the state the last step returns to (Trace.loop). */
  readonly loop?: number;
  /** How the run goes on forever after the last step (lassos only). */
  readonly ending?: string;
  /** Back-to-back statements of a thread between which other threads ran (stall-windows.ts). */
  readonly stallWindows: readonly StallWindow[];
  /** Found under partial-order reduction: a real run, not necessarily the shortest (Trace.reduced). */
  readonly reduced?: true;
}

/** A short name for what a run checked: `strategy / scenario` or the model name. */
export function runTitle(o: TraceOrigin & { readonly model?: Model }): string {
  return [o.strategy, o.scenario].filter((x) => x !== null).join(' / ') || o.model?.name || o.family;
}

export function heldIn(model: Model, vec: Uint8Array): Record<string, readonly string[]> {
  if (!model.held) return {};
  const all = model.held(new StateView(model.layout, vec));
  const out: Record<string, readonly string[]> = {};
  for (const [actor, res] of Object.entries(all)) if (res.length > 0) out[actor] = [...res];
  return out;
}

const LO_STATE = /(^|[^A-Za-z0-9])lo_state$/;
const ANY_STATE = /(^|[._\]])state$/i;

/**
 * Fields to draw as timelines: the model's hint if it gives one; else fields
 * named like the kernel's `lo_state`; else fields named `state`; else every
 * enumerated field that changes along the trace and is not a lock.
 */
export function timelineFields(ctx: TraceContext, locks: ReadonlySet<string>): number[] {
  const layout = ctx.model.layout;
  const hint = (ctx.model as Model & { readonly traceHints?: TraceHints }).traceHints?.timelines;
  if (hint && hint.length > 0) return hint.filter((n) => layout.has(n)).map((n) => layout.index(n));
  const byName = (re: RegExp) => layout.fields.flatMap((f, i) => (re.test(f.name) ? [i] : []));
  const lo = byName(LO_STATE);
  if (lo.length > 0) return lo;
  const st = byName(ANY_STATE);
  if (st.length > 0) return st;
  const steps = ctx.trace.steps;
  return layout.fields
    .flatMap((f, i) => {
      if (!f.values || locks.has(f.name)) return [];
      const changes = steps.some((s, k) => k > 0 && s.state[i] !== steps[k - 1].state[i]);
      return changes ? [i] : [];
    })
    .slice(0, 16);
}

export function traceData(ctx: TraceContext): TraceData {
  const { model, trace } = ctx;
  const layout = model.layout;
  const states = trace.steps.map((s) => layout.fields.map((_, i) => layout.format(i, s.state[i])));
  const held = trace.steps.map((s) => heldIn(model, s.state));
  const threads: string[] = [];
  const addThread = (t: string) => {
    if (!threads.includes(t)) threads.push(t);
  };
  const locks: string[] = [];
  held.forEach((h) => {
    for (const [actor, res] of Object.entries(h)) {
      addThread(actor);
      for (const r of res) if (!locks.includes(r)) locks.push(r);
    }
  });
  // Threads in order of first action, then actors that only ever held something.
  const ordered: string[] = [];
  for (const s of trace.steps) if (s.label && !ordered.includes(s.label.thread)) ordered.push(s.label.thread);
  for (const t of threads) if (!ordered.includes(t)) ordered.push(t);
  const steps: DataStep[] = [];
  for (let n = 1; n < trace.steps.length; n++) {
    const label = trace.steps[n].label!;
    const changes: FieldChange[] = [];
    layout.fields.forEach((f, i) => {
      if (states[n - 1][i] !== states[n][i] || trace.steps[n - 1].state[i] !== trace.steps[n].state[i]) {
        changes.push({ field: f.name, group: f.group ?? 'state', from: states[n - 1][i], to: states[n][i] });
      }
    });
    const s = { action: label.action, step: label.step ?? null, params: label.params ?? null };
    steps.push({ n, thread: label.thread, ...s, title: stepTitle(s), changes });
  }
  return {
    family: ctx.family,
    instance: model.name,
    strategy: ctx.strategy,
    scenario: ctx.scenario,
    params: ctx.params,
    invariant: ctx.invariant,
    description: ctx.description,
    threads: ordered,
    locks,
    fields: layout.fields.map((f) => ({ name: f.name, group: f.group ?? 'state' })),
    states,
    held,
    steps,
    timelines: timelineFields(ctx, new Set(locks)),
    violationAt: trace.steps.length - 1,
    stallWindows: stallWindows(trace.steps.slice(1).map((s) => s.label)),
    ...(trace.loop !== undefined ? { loop: trace.loop, ending: lassoEnding({ loop: trace.loop, steps }) ?? '' } : {}),
    ...(trace.reduced ? { reduced: true as const } : {}),
  };
}

export function isDeadlock(invariant: string): boolean {
  return invariant === DEADLOCK;
}

// A presentation-neutral description of a counterexample: the initial state
// grouped by object, then per step the actor, the kernel function and step,
// the resources each actor holds afterwards, and only the fields that changed.
// Terminal, Markdown and other renderers all start from this.

import type { Layout } from '../engine/layout.js';
import type { Model } from '../engine/model.js';
import type { Trace } from '../engine/result.js';
import { StateView } from '../engine/state-view.js';
import { racingWindows, type Seriality } from './racing-windows.js';
import { stallWindows, type StallWindow } from './stall-windows.js';

export interface FieldValue {
  readonly field: string;
  readonly value: string;
}

export interface FieldGroup {
  readonly group: string;
  readonly fields: readonly FieldValue[];
}

export interface FieldChange {
  readonly field: string;
  readonly group: string;
  readonly from: string;
  readonly to: string;
}

export interface StepView {
  /** 1-based step number (the initial state is step 0). */
  readonly n: number;
  readonly thread: string;
  readonly action: string;
  readonly step: string | null;
  readonly params: Readonly<Record<string, string | number>> | null;
  /** Resources held by every actor after the step (actors holding none omitted). */
  readonly held: Readonly<Record<string, readonly string[]>>;
  readonly changes: readonly FieldChange[];
  /** Full state after the step, grouped (filled for every step; renderers choose). */
  readonly state: readonly FieldGroup[];
}

export interface TraceView {
  readonly invariant: string;
  readonly description: string;
  readonly initial: readonly FieldGroup[];
  readonly initialHeld: Readonly<Record<string, readonly string[]>>;
  readonly steps: readonly StepView[];
  /** Lassos only: the state the last step returns to (Trace.loop). */
  readonly loop?: number;
  /** One line saying more about the violation (InvariantOutcome.detail). */
  readonly detail?: string;
  /** Whether every operation ran whole, and the racing windows if not (absent when the model cannot tell). */
  readonly seriality?: Seriality;
  /** Back-to-back statements of a thread between which other threads ran (stall-windows.ts). */
  readonly stallWindows: readonly StallWindow[];
  /** Found under partial-order reduction: not necessarily the shortest (Trace.reduced). */
  readonly reduced?: boolean;
}

/** How the run goes on after the last step of a lasso, or null for a finite trace. */
export function lassoEnding(tv: { readonly loop?: number; readonly steps: readonly unknown[] }): string | null {
  if (tv.loop === undefined) return null;
  if (tv.loop === tv.steps.length) return `nothing is enabled: the run stutters in state ${tv.loop} forever`;
  return `back in state ${tv.loop}: steps ${tv.loop + 1}..${tv.steps.length} repeat forever`;
}

export function groupState(layout: Layout, vec: Uint8Array): FieldGroup[] {
  const groups = new Map<string, FieldValue[]>();
  layout.fields.forEach((f, i) => {
    if (f.quiet && vec[i] === 0) return;
    const g = f.group ?? 'state';
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push({ field: f.name, value: layout.format(i, vec[i]) });
  });
  return [...groups].map(([group, fields]) => ({ group, fields }));
}

function heldBy(model: Model, vec: Uint8Array): Record<string, readonly string[]> {
  if (!model.held) return {};
  const all = model.held(new StateView(model.layout, vec));
  const out: Record<string, readonly string[]> = {};
  for (const [actor, res] of Object.entries(all)) if (res.length > 0) out[actor] = res;
  return out;
}

export function viewTrace(model: Model, trace: Trace, invariant: string, description: string, detail?: string): TraceView {
  const layout = model.layout;
  const steps: StepView[] = [];
  for (let n = 1; n < trace.steps.length; n++) {
    const prev = trace.steps[n - 1].state;
    const cur = trace.steps[n];
    const label = cur.label!;
    const changes: FieldChange[] = [];
    layout.fields.forEach((f, i) => {
      if (prev[i] !== cur.state[i]) {
        changes.push({
          field: f.name,
          group: f.group ?? 'state',
          from: layout.format(i, prev[i]),
          to: layout.format(i, cur.state[i]),
        });
      }
    });
    steps.push({
      n,
      thread: label.thread,
      action: label.action,
      step: label.step ?? null,
      params: label.params ?? null,
      held: heldBy(model, cur.state),
      changes,
      state: groupState(layout, cur.state),
    });
  }
  const init = trace.steps[0].state;
  const seriality = racingWindows(model, trace);
  return {
    invariant,
    description,
    initial: groupState(layout, init),
    initialHeld: heldBy(model, init),
    steps,
    ...(trace.loop !== undefined ? { loop: trace.loop } : {}),
    ...(trace.reduced ? { reduced: true } : {}),
    ...(detail ? { detail } : {}),
    ...(seriality ? { seriality } : {}),
    stallWindows: stallWindows(trace.steps.slice(1).map((s) => s.label)),
  };
}

/** "loop_clr_fd: read disk_openers == 1" or "take-first(fork=2)". */
export function stepTitle(s: Pick<StepView, 'action' | 'step' | 'params'>): string {
  const params = s.params && Object.keys(s.params).length > 0
    ? `(${Object.entries(s.params).map(([k, v]) => `${k}=${v}`).join(', ')})`
    : '';
  return s.step ? `${s.action}${params}: ${s.step}` : `${s.action}${params}`;
}

export function heldText(held: Readonly<Record<string, readonly string[]>>): string {
  const parts = Object.entries(held).map(([a, r]) => `${a}{${r.join(',')}}`);
  return parts.length > 0 ? parts.join(' ') : 'none';
}

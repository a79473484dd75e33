// Whether a counterexample needs a race inside a system call, and where.
//
// Exists so every trace can say, in kernel terms, what a reviewer asks first:
// does this need two calls to overlap, and if so, between which two adjacent
// statements of which call did another thread have to run? A trace is
// syscall-serial when no actor steps while another is in the middle of an
// operation (Model.busy); then every call ran whole, and the trace can be
// reproduced deterministically by issuing the calls in order. Otherwise each
// racing window names the interrupted actor's call, its statement before the
// cut and the one after it (or the end of the trace), and what the other
// actors ran in between.

import type { Model } from '../engine/model.js';
import type { Trace } from '../engine/result.js';
import { StateView } from '../engine/state-view.js';

export interface RacingWindow {
  /** The actor whose operation was cut in on, e.g. `T1`. */
  readonly thread: string;
  /** Its operation (the system call), e.g. `ioctl(fd0, LOOP_CLR_FD)`. */
  readonly call: string;
  /** The actor's last step before the cut: step number (1-based) and `function: statement`. */
  readonly after: { readonly step: number; readonly text: string };
  /** Its next step after the cut, or null if the trace ends first. */
  readonly before: { readonly step: number; readonly text: string } | null;
  /** What the other actors ran inside the window. */
  readonly others: readonly { readonly thread: string; readonly steps: number; readonly calls: readonly string[] }[];
}

export interface Seriality {
  /** Every operation ran from entry to return with no other actor's step inside it. */
  readonly serial: boolean;
  readonly windows: readonly RacingWindow[];
}

const title = (action: string, step: string | undefined): string => (step ? `${action}: ${step}` : action);

/** Null when the model cannot tell (no Model.busy). */
export function racingWindows(model: Model, trace: Trace): Seriality | null {
  if (!model.busy) return null;
  const steps = trace.steps;
  const view = (i: number) => new StateView(model.layout, steps[i].state);
  /** Per actor: the operation it is in and its last step, while it is busy. */
  const open = new Map<string, { call: string; last: number; others: Map<string, { steps: number; calls: Set<string> }> }>();
  const currentCall = new Map<string, string>();
  const windows: RacingWindow[] = [];
  const flush = (actor: string, next: { step: number; text: string } | null): void => {
    const o = open.get(actor);
    if (!o || o.others.size === 0) return;
    windows.push({
      thread: actor,
      call: o.call,
      after: { step: o.last, text: labelText(o.last) },
      before: next,
      others: [...o.others].map(([thread, v]) => ({ thread, steps: v.steps, calls: [...v.calls] })),
    });
    o.others.clear();
  };
  const labelText = (i: number): string => {
    const l = steps[i].label!;
    return title(l.action, l.step);
  };
  for (let i = 1; i < steps.length; i++) {
    const l = steps[i].label;
    if (!l) continue;
    const actor = l.thread;
    const syscall = l.params?.syscall;
    if (syscall !== undefined) currentCall.set(actor, String(syscall));
    // Others who are mid-call see this step inside their window.
    for (const [who, o] of open) {
      if (who === actor) continue;
      const e = o.others.get(actor) ?? { steps: 0, calls: new Set<string>() };
      e.steps++;
      const c = currentCall.get(actor);
      if (c) e.calls.add(c);
      o.others.set(actor, e);
    }
    flush(actor, { step: i, text: labelText(i) });
    const busyAfter = new Set(model.busy(view(i)));
    if (busyAfter.has(actor)) open.set(actor, { call: currentCall.get(actor) ?? '?', last: i, others: open.get(actor)?.others ?? new Map() });
    else open.delete(actor);
  }
  for (const actor of [...open.keys()]) flush(actor, null);
  windows.sort((a, b) => a.after.step - b.after.step);
  return { serial: windows.length === 0, windows };
}

/** One line per window, e.g. `T1 ioctl(fd0, LOOP_CLR_FD) cut in after step 3 (…) until step 17 (…): T2 ran 13 steps (open(…), …)`. */
export function racingWindowLines(s: Seriality): string[] {
  if (s.serial) return ['syscall-serial: every system call ran whole (reproducible by issuing the calls in this order)'];
  return [
    `racing: ${s.windows.length} window${s.windows.length === 1 ? '' : 's'} where another thread ran inside a system call`,
    ...s.windows.map((w) => {
      const others = w.others.map((o) => `${o.thread} ran ${o.steps} step${o.steps === 1 ? '' : 's'}${o.calls.length > 0 ? ` (${o.calls.join(', ')})` : ''}`).join('; ');
      const end = w.before ? `and step ${w.before.step} (${w.before.text})` : 'and the end of the trace';
      return `  ${w.thread} ${w.call}: between step ${w.after.step} (${w.after.text}) ${end}: ${others}`;
    }),
  ];
}

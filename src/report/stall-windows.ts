// Stall windows of a counterexample: a step whose label says the kernel runs
// it and the same thread's next step back to back (ActionLabel.backToBack)
// opens a window; every step other threads take before that next step ran
// inside it, which on a real machine needs the first thread to be stalled
// there (preempted, interrupted, its vCPU descheduled). Reporting them tells
// a reader how realistic a race is. Model-agnostic: it reads labels only.

import type { ActionLabel } from '../engine/model.js';

export interface StallWindow {
  /** The stalled thread. */
  readonly thread: string;
  /** The function (label action) of the statement that opens the window. */
  readonly function: string;
  /** Step number (1-based) of the statement that opens the window, and its text. */
  readonly fromStep: number;
  readonly from: string;
  /** Step number and text of the thread's next statement, or null when the trace ends inside the window. */
  readonly toStep: number | null;
  readonly to: string | null;
  /** Steps other threads took inside the window. */
  readonly otherSteps: number;
  /** The calls those steps belonged to, as `thread: call`, in order of first appearance. */
  readonly calls: readonly string[];
}

/** Windows that other threads entered (a window nobody entered needs no stall), in the order they open. */
export function stallWindows(labels: readonly (ActionLabel | null | undefined)[]): StallWindow[] {
  const callOf = new Map<string, string>();
  const current: (string | null)[] = labels.map((l) => {
    if (!l) return null;
    const call = l.params?.syscall;
    if (call !== undefined) callOf.set(l.thread, String(call));
    return callOf.get(l.thread) ?? l.action;
  });
  const out: StallWindow[] = [];
  labels.forEach((open, i) => {
    if (!open?.backToBack) return;
    let j = i + 1;
    const calls: string[] = [];
    for (; j < labels.length && labels[j]?.thread !== open.thread; j++) {
      const l = labels[j];
      if (!l) continue;
      const call = `${l.thread}: ${current[j]}`;
      if (!calls.includes(call)) calls.push(call);
    }
    const otherSteps = j - i - 1;
    if (otherSteps === 0) return;
    const close = j < labels.length ? labels[j]! : null;
    out.push({
      thread: open.thread,
      function: open.action,
      fromStep: i + 1,
      from: open.step ?? open.action,
      toStep: close ? j + 1 : null,
      to: close ? (close.step ?? close.action) : null,
      otherSteps,
      calls,
    });
  });
  return out;
}

/** One line per window, for text reports. */
export function stallWindowLine(w: StallWindow): string {
  const end = w.to === null ? 'the trace ends inside the window' : `step ${w.toStep} "${w.to}"`;
  return `${w.thread} in ${w.function}, between step ${w.fromStep} "${w.from}" and ${end}: ${w.otherSteps} step${w.otherSteps === 1 ? '' : 's'} of ${w.calls.join('; ')}`;
}

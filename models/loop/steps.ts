// Step builders: the kernel statements the model splits into steps of their
// own — a lock operation, an unlocked read, a store, an fput, a call, an
// error return — each described once, producing the step's effect, its
// label text and, when the step decides what the system call returns, its
// outcome.
//
// Exists so the driver and every strategy file read like the C functions
// they model (one builder per lock operation or unlocked read), and a label
// or an outcome can never drift from what its step does.

import { isFileSlot } from './encoding.js';
import { DEV, FILE, type Machine } from './machine.js';
import type { Fn, Ref, StepOutcome, StepRun, StepSpec, StepTest, StepText } from './program.js';

/** The loop driver's locks; all but the global one belong to the frame's device. */
export type LockName = 'loop_validate_mutex' | 'lo_mutex' | 'open_mutex' | 'queue_freeze';

/** Where a step goes once its effect is done. */
export type Then =
  /** The next step of the function. */
  | 'next'
  /** Return from the function (the call ends when it is the bottom frame). */
  | 'ret'
  /** The next step (an fput of the frame's file) if the frame holds a struct file; otherwise return. */
  | 'ret-unless-file'
  /** The end of the teardown's detach (Machine.afterDetach): invalidate_disk, GD_NEED_PART_SCAN, the PARTSCAN rescan, then the next step. */
  | 'after-detach'
  /** A jump inside the function. */
  | Ref
  /** Replace the frame by a call of `fn` on the frame's device with register r (the caller has nothing left to do). */
  | TailCall
  /** Return a value into the caller's r register. */
  | RetVal;

export interface TailCall {
  readonly tail: Fn;
  readonly r: number;
  /** Argument list shown in the label, e.g. `(release=true)`. */
  readonly args: string;
}

export interface RetVal {
  readonly retVal: number;
}

export const tailCall = (fn: Fn, r: number, args = ''): TailCall => ({ tail: fn, r, args });
export const retVal = (v: number): RetVal => ({ retVal: v });

/** Device index of the frame (its `dev` register holds index + 1). */
export const frameDev = (d: Uint8Array, fr: number): number => d[fr + DEV] - 1;
/** The frame device's printable name. */
export const frameDevName = (m: Machine, s: Uint8Array, fr: number): string => m.dn(s[fr + DEV]);

/** The state-vector index of `lock` for the frame. */
export function lockIndex(lock: LockName): (m: Machine, d: Uint8Array, fr: number) => number {
  switch (lock) {
    case 'loop_validate_mutex':
      return (m) => m.vm;
    case 'lo_mutex':
      return (m, d, fr) => m.lm[d[fr + DEV] - 1];
    case 'open_mutex':
      return (m, d, fr) => m.om[d[fr + DEV] - 1];
    case 'queue_freeze':
      return (m, d, fr) => m.qf[d[fr + DEV] - 1];
  }
}

export function lockLabel(lock: LockName, m: Machine, s: Uint8Array, fr: number): string {
  return lock === 'loop_validate_mutex' ? lock : `${lock}(${frameDevName(m, s, fr)})`;
}

/** Continue as `then` says (hot path: no allocation). */
export function proceed(m: Machine, d: Uint8Array, t: number, fr: number, then: Then): true {
  if (then === 'next') return m.next(d, fr);
  if (then === 'ret') return m.ret(d, t, fr);
  if (then === 'ret-unless-file') return isFileSlot(d[fr + FILE]) ? m.next(d, fr) : m.ret(d, t, fr);
  if (then === 'after-detach') return m.afterDetach(d, t, fr);
  if ('pc' in then) return m.go(d, fr, then);
  if ('tail' in then) return m.tail(d, fr, then.tail, d[fr + DEV], 0, then.r);
  return m.retVal(d, t, fr, then.retVal);
}

function thenText(then: Then): string {
  return typeof then === 'object' && 'tail' in then ? `; call ${then.tail.name}${then.args}` : '';
}

type Note = string | StepText;
const noteText = (note: Note | undefined, m: Machine, s: Uint8Array, t: number, fr: number): string =>
  note === undefined ? '' : typeof note === 'string' ? note : note(m, s, t, fr);

/** Options every builder takes. */
export interface Common {
  /** Kernel function shown as the label's action (default: the function's name). */
  readonly action?: string;
  /**
   * The kernel runs this statement and the thread's next one back to back:
   * nothing between them can sleep or block, so another thread runs in
   * between only if this one is stalled (preempted, interrupted, its vCPU
   * descheduled). Marks a stall window.
   */
  readonly backToBack?: boolean | StepTest;
}

const common = (o: Common): Pick<StepSpec, 'action' | 'backToBack'> => ({
  ...(o.action !== undefined ? { action: o.action } : {}),
  ...(o.backToBack ? { backToBack: o.backToBack } : {}),
});

/** A continuation chosen by the frame's registers at run time (e.g. by what an earlier step decided). */
export type ThenOf = (d: Uint8Array, fr: number, m: Machine) => Then;

const resolve = (then: Then | ThenOf, m: Machine, d: Uint8Array, fr: number): Then => (typeof then === 'function' ? then(d, fr, m) : then);
const thenLabel = (then: Then | ThenOf): string => (typeof then === 'function' ? '' : thenText(then));

/** `ACQ lock`: blocks while another thread holds it. */
export function acquire(lock: LockName, o: Common & { readonly note?: Note; readonly then?: Then } = {}): StepSpec {
  const at = lockIndex(lock);
  const then = o.then ?? 'next';
  return {
    ...common(o),
    locks: true,
    text: (m, s, t, fr) => `ACQ ${lockLabel(lock, m, s, fr)}${noteText(o.note, m, s, t, fr)}${thenText(then)}`,
    run: (m, d, t, fr) => m.acquire(d, at(m, d, fr), t) && proceed(m, d, t, fr, then),
  };
}

/** `REL lock`, then `then`; `error` makes it the error return of the call (label `: -EXXX`, outcome -EXXX). */
export function release(
  lock: LockName,
  o: Common & { readonly note?: Note; readonly error?: string; readonly then?: Then | ThenOf } = {},
): StepSpec {
  const at = lockIndex(lock);
  const then = o.then ?? 'next';
  const err = o.error ? `: ${o.error}` : '';
  return {
    ...common(o),
    ...(o.error ? { outcome: o.error } : {}),
    locks: true,
    text: (m, s, t, fr) => `REL ${lockLabel(lock, m, s, fr)}${noteText(o.note, m, s, t, fr)}${err}${thenLabel(then)}`,
    run: (m, d, t, fr) => {
      m.release(d, at(m, d, fr));
      return proceed(m, d, t, fr, resolve(then, m, d, fr));
    },
  };
}

/** `blk_mq_freeze_queue` of the frame's device: a lock-like resource, never contended in the model. */
export function freezeQueue(o: Common & { readonly note?: Note } = {}): StepSpec {
  const at = lockIndex('queue_freeze');
  return {
    ...common(o),
    locks: true,
    text: (m, s, t, fr) => `blk_mq_freeze_queue(${frameDevName(m, s, fr)})${noteText(o.note, m, s, t, fr)}`,
    run: (m, d, t, fr) => {
      if (!m.acquire(d, at(m, d, fr), t)) throw new Error('two freezes of one queue overlap (the model assumes they never do)');
      return m.next(d, fr);
    },
  };
}

/** `blk_mq_unfreeze_queue` of the frame's device, with the plain stores `also` done in the same step, then `then`. */
export function unfreezeQueue(
  o: Common & { readonly note?: Note; readonly also?: (m: Machine, d: Uint8Array, i: number) => void; readonly then?: Then } = {},
): StepSpec {
  const at = lockIndex('queue_freeze');
  const then = o.then ?? 'next';
  return {
    ...common(o),
    locks: true,
    text: (m, s, t, fr) => `blk_mq_unfreeze_queue(${frameDevName(m, s, fr)})${noteText(o.note, m, s, t, fr)}${thenText(then)}`,
    run: (m, d, t, fr) => {
      m.release(d, at(m, d, fr));
      o.also?.(m, d, frameDev(d, fr));
      return proceed(m, d, t, fr, then);
    },
  };
}

/**
 * A statement with an effect on shared state — an unlocked read whose value
 * can be stale by the next step, a store, a test under a lock. `run` does
 * the effect and may return where to go; otherwise the step goes to `then`
 * (default: the next step).
 */
export function statement(o: Common & {
  readonly text: StepText | string;
  readonly outcome?: StepOutcome | string;
  readonly then?: Then;
  readonly run: (m: Machine, d: Uint8Array, t: number, fr: number) => Then | void;
}): StepSpec {
  const then = o.then ?? 'next';
  const body = o.run;
  const run: StepRun = (m, d, t, fr) => proceed(m, d, t, fr, body(m, d, t, fr) ?? then);
  return { ...common(o), ...(o.outcome !== undefined ? { outcome: o.outcome } : {}), text: o.text, run };
}

/** `fput` of the file held in the frame's `file` register (its last reference releases the file). */
export function fput(o: Common & { readonly prefix?: string; readonly note?: string } = {}): StepSpec {
  return {
    ...common(o),
    text: (m, s, _t, fr) => `${o.prefix ?? ''}${fputText(m, s, s[fr + FILE])}${o.note ?? ''}`,
    run: (m, d, t, fr) => m.fput(d, t, fr, d[fr + FILE], null),
  };
}

export function fputText(m: Machine, s: Uint8Array, code: number): string {
  if (!isFileSlot(code)) return `fput(${m.fnm(code)})`;
  const n = s[m.fref[code - 2]];
  return `fput(${m.fnm(code)}) f_count ${n} → ${n - 1}${n === 1 ? ': last reference, release deferred to the return to user space' : ''}`;
}

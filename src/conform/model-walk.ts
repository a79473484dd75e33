// Walks a syscall-serial schedule through the loop model and records what
// user space would see: each call's outcome and every device's observable
// state after it.
//
// Exists so the model side of `conform` asks the model itself, step by step,
// rather than a second description of the driver: a call's outcome comes from
// the StepSpec.outcome of the steps it ran (the last one that decides), the
// device state from the same fields the invariants read, and "would a fresh
// open succeed" from running the strategy's own ->open on a scratch copy.

import { FILE_NONE, FILE_REGULAR, Lo_bound, Lo_rundown, devName, fileSlot } from '../../models/loop/encoding.js';
import { FRAME, DEV, REG, type Machine } from '../../models/loop/machine.js';
import { loopInternals, type LoopInternals } from '../../models/loop/model.js';
import type { Model } from '../engine/model.js';
import { StateView } from '../engine/state-view.js';
import type { CallObservation, DeviceObservation, ProbeSchedule } from './probe-plan.js';

/** Steps one call may take before the walk gives up (every model call is far shorter). */
const MAX_STEPS_PER_CALL = 10_000;

/** Outcome of a call that cannot finish when it runs alone (a lock nobody will release). */
export const HANG = 'hang';

/** A walk: what each call returned and showed, and the invariants a schedule breaks (first call that breaks each). */
export interface ModelWalk {
  readonly calls: CallObservation[];
  readonly violations: { readonly invariant: string; readonly call: number }[];
}

export function walkSchedule(model: Model, schedule: ProbeSchedule): ModelWalk {
  const li = loopInternals(model);
  if (!li) throw new Error(`${model.name} is not a loop model: conform walks loop models only`);
  let state = model.initialStates()[0];
  const calls: CallObservation[] = [];
  const violations: { invariant: string; call: number }[] = [];
  const broken = new Set<string>();
  const check = (s: Uint8Array, call: number): void => {
    const view = new StateView(model.layout, s);
    for (const inv of model.invariants) {
      if (!broken.has(inv.name) && !inv.holds(view)) {
        broken.add(inv.name);
        violations.push({ invariant: inv.name, call });
      }
    }
  };
  for (const c of schedule.calls) {
    const { outcome, after } = runCall(model, li, state, c.thread, (s) => check(s, calls.length));
    state = after;
    calls.push({ outcome, devices: observeDevices(li, state) });
    if (outcome === HANG) break;
  }
  return { calls, violations };
}

/** Run thread t's next call to its return with no other thread stepping. */
function runCall(model: Model, li: LoopInternals, src: Uint8Array, t: number, visit: (s: Uint8Array) => void): { outcome: string; after: Uint8Array } {
  const m = li.machine;
  const doneBefore = src[m.done[t]];
  const a = li.actionOf(t);
  let state = src;
  let outcome = 'ok';
  for (let i = 0; i < MAX_STEPS_PER_CALL; i++) {
    const decided = li.outcomeOf(a, state);
    const dst = state.slice();
    if (!model.step(a, state, dst)) return { outcome: HANG, after: state };
    if (decided !== null) outcome = decided;
    state = dst;
    visit(state);
    if (state[m.done[t]] !== doneBefore && state[m.cur[t]] === 0) return { outcome, after: state };
  }
  throw new Error(`T${t + 1}: call did not return within ${MAX_STEPS_PER_CALL} steps`);
}

/** What sysfs and a fresh open(2) show of every device in state s. */
export function observeDevices(li: LoopInternals, s: Uint8Array): DeviceObservation[] {
  const m = li.machine;
  const out: DeviceObservation[] = [];
  for (let x = 0; x < m.D; x++) {
    const st = s[m.st[x]];
    const bf = s[m.bf[x]];
    const attached = (st === Lo_bound || st === Lo_rundown) && bf !== FILE_NONE;
    const part = bf > FILE_REGULAR && s[m.fpart[fileSlot(bf)]] ? 'p1' : '';
    const backing = !attached ? null : bf === FILE_REGULAR ? 'regular' : devName(s[m.fdev[fileSlot(bf)]] - 1) + part;
    out.push({ backing, autoclear: attached && s[m.ac[x]] === 1, open: freshOpen(li, s, x), ...(s[m.part[x]] ? { partitions: s[m.part[x]] } : {}) });
  }
  return out;
}

/**
 * Would open(2) of device x succeed now? The block layer refuses nothing
 * here; the strategy's ->open (if it has one) decides. Run it on a scratch
 * copy, in the frames of a thread that is idle between calls, under a dummy
 * caller frame that receives its return value; the thread's current call is
 * set to one of its non-mount calls, as ->open asks whether a mount called it.
 */
function freshOpen(li: LoopInternals, s: Uint8Array, x: number): string {
  const open = li.fns.lo_open;
  if (!open) return 'ok';
  const m: Machine = li.machine;
  const t = m.items.findIndex((its) => its.some((it) => it.fn.name !== 'mount'));
  if (t < 0) throw new Error('conform: no thread to run a fresh open in');
  const d = s.slice();
  d[m.cur[t]] = m.items[t].findIndex((it) => it.fn.name !== 'mount') + 1;
  const caller = m.frames[t];
  const fr = caller + FRAME;
  d[caller] = open.entry; // any non-zero pc: the caller frame never runs
  d[fr] = open.entry;
  d[fr + DEV] = x + 1;
  d[caller + REG] = 0;
  for (let i = 0; i < MAX_STEPS_PER_CALL && d[fr] !== 0; i++) {
    if (!m.linked.run[d[fr]](m, d, t, fr)) return HANG;
  }
  return d[caller + REG] === 0 ? 'ok' : '-ENXIO';
}

// Walks a syscall-serial schedule through the loop model and records what
// user space would see: each call's outcome and every device's observable
// state after it.
//
// Exists so the model side of `conform` asks the model itself, step by step,
// rather than a second description of the driver: a call's outcome comes from
// the StepSpec.outcome of the steps it ran (the last one that decides), the
// device state from the same fields the invariants read. The kernel probe
// observes each device by reading sysfs, counting partitions and then opening
// and closing the device node; that open and close are system calls with
// effects of their own (a pending partition rescan runs in the open, a last
// close may tear down an AUTOCLEAR device). So the walk performs them too, in
// the same order, by an observer thread added to the scenario, and takes
// "would a fresh open succeed" from that open's own outcome.

import type { Call } from '../../models/loop/calls.js';
import { FILE_NONE, FILE_REGULAR, Lo_bound, Lo_rundown, devName, fileSlot } from '../../models/loop/encoding.js';
import { buildLoopModel, loopInternals, type LoopInternals } from '../../models/loop/model.js';
import type { Scenario } from '../../models/loop/scenarios/types.js';
import type { Strategy } from '../../models/loop/strategies/types.js';
import type { Model } from '../engine/model.js';
import { StateView } from '../engine/state-view.js';
import type { CallObservation, DeviceObservation, ProbeScenario, ProbeSchedule } from './probe-plan.js';
import { SCENARIOS } from '../../models/loop/scenarios/index.js';
import { STRATEGIES } from '../../models/loop/strategies/index.js';

/** Steps one call may take before the walk gives up (every model call is far shorter). */
const MAX_STEPS_PER_CALL = 10_000;

/** Outcome of a call that cannot finish when it runs alone (a lock nobody will release). */
export const HANG = 'hang';

/** A scenario's model with one more thread, the observer: per device, open(2) into its own fd table, then close. */
export function observedModel(strategy: Strategy, scenario: Scenario): Model {
  const withObserver: Scenario = {
    ...scenario,
    setup(params) {
      const s = scenario.setup(params);
      if (!s.scripts) throw new Error(`scenario ${scenario.name} is not scripted: conform walks scripted scenarios only`);
      const table = Math.max(...s.tableOf) + 1;
      const observer: Call[] = [];
      for (let x = 0; x < s.devices; x++) observer.push({ op: 'open', dev: x, fd: 0 }, { op: 'close', fd: 0 });
      return { ...s, tableOf: [...s.tableOf, table], scripts: [...s.scripts, observer] };
    },
  };
  return buildLoopModel(strategy, withObserver, {});
}

/** A walk: what each call returned and showed, and the invariants a schedule breaks (first call that breaks each). */
export interface ModelWalk {
  readonly calls: CallObservation[];
  readonly violations: { readonly invariant: string; readonly call: number }[];
}

/** Walk `schedule` through a model built by observedModel. */
export function walkSchedule(model: Model, schedule: ProbeSchedule): ModelWalk {
  const li = loopInternals(model);
  if (!li) throw new Error(`${model.name} is not a loop model: conform walks loop models only`);
  const observer = li.machine.T - 1;
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
  let state = observe(model, li, model.initialStates()[0], observer).after;
  for (const c of schedule.calls) {
    const { outcome, after } = runCall(model, li, state, c.thread, (s) => check(s, calls.length));
    if (outcome === HANG) {
      calls.push({ outcome, devices: [] });
      break;
    }
    const seen = observe(model, li, after, observer);
    state = seen.after;
    calls.push({ outcome, devices: seen.devices });
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

/**
 * What the probe sees of every device, in its order: sysfs (backing file,
 * AUTOCLEAR), the partition count, then a fresh open(2) and close(2) of the
 * node, run by the observer thread; its script is rewound for the next time.
 */
function observe(model: Model, li: LoopInternals, src: Uint8Array, observer: number): { devices: DeviceObservation[]; after: Uint8Array } {
  const m = li.machine;
  let s = src;
  const devices: DeviceObservation[] = [];
  for (let x = 0; x < m.D; x++) {
    const st = s[m.st[x]];
    const bf = s[m.bf[x]];
    const attached = (st === Lo_bound || st === Lo_rundown) && bf !== FILE_NONE;
    const backing = !attached
      ? null
      : bf === FILE_REGULAR
        ? 'regular'
        : `${devName(s[m.fdev[fileSlot(bf)]] - 1)}${s[m.fpart[fileSlot(bf)]] ? 'p1' : ''}`;
    const autoclear = attached && s[m.ac[x]] === 1;
    const partitions = s[m.part[x]];
    const opened = runCall(model, li, s, observer, () => {});
    s = opened.after;
    if (opened.outcome !== HANG) s = runCall(model, li, s, observer, () => {}).after;
    devices.push({ backing, autoclear, open: opened.outcome, partitions });
  }
  s = s.slice();
  s[m.done[observer]] = 0;
  return { devices, after: s };
}

/** The model's walk of every schedule of `probe` under `strategy`. */
export function modelWalks(strategy: string, probe: ProbeScenario): Map<number, ModelWalk> {
  const st = STRATEGIES.find((s) => s.name === strategy);
  const sc = SCENARIOS.find((s) => s.name === probe.name);
  if (!st || !sc) throw new Error(`unknown strategy or scenario: ${strategy}, ${probe.name}`);
  const model = observedModel(st, sc);
  return new Map(probe.schedules.map((s) => [s.id, walkSchedule(model, s)]));
}

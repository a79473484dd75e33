// From a counterexample of the loop model to a C reproducer for a real
// machine (`export --format c`, `--trace-format c`, and conform's runs).
//
// Exists to turn a trace into the plain data the C generator takes: the
// scenario's initial state, every system call of the run in the order the
// trace starts them (calls the trace never reached follow in script order),
// whether the trace is syscall-serial, and the outcome that shows the
// violation from user space. A serial trace is reproduced when every call
// returns what the model says. For a racing trace the bad outcome is what a
// call returns in this run but in no syscall-serial schedule: only a race can
// produce it, so its hit rate measures the race (none may be visible from
// user space; then the reproducer says so and counts nothing).

import type { Call } from '../../models/loop/calls.js';
import { loopInternals, type LoopInternals } from '../../models/loop/model.js';
import { isKernelCall, notProbed } from './kernel-calls.js';
import { SCENARIOS } from '../../models/loop/scenarios/index.js';
import { STRATEGIES } from '../../models/loop/strategies/index.js';
import type { Model } from '../engine/model.js';
import { REDUCED_TRACE_NOTE, type Trace } from '../engine/result.js';
import { racingWindowLines, racingWindows } from '../report/racing-windows.js';
import type { ReproducerCall, ReproducerSpec } from './c/reproducer.js';
import { modelWalks } from './model-walk.js';
import { probeScenario } from './schedules.js';

/** Bounds of a racing reproducer's loop (each iteration uses fresh devices). */
export const RACE_BOUNDS = { iterations: 2000, seconds: 20 } as const;

export interface TraceOrigin {
  readonly strategy: string | null;
  readonly scenario: string | null;
  readonly invariant: string;
  readonly params: Readonly<Record<string, number>>;
}

/** Thrown when a trace cannot become a reproducer (not a loop model, or a scenario without scripts). */
export class NoReproducer extends Error {}

const threadIndex = (name: string): number => Number(name.replace(/^T/, '')) - 1;

export function reproducerFor(model: Model, trace: Trace, origin: TraceOrigin): ReproducerSpec {
  const li = loopInternals(model);
  if (!li || !origin.scenario) throw new NoReproducer('a C reproducer needs a trace of the loop model');
  const scenario = SCENARIOS.find((s) => s.name === origin.scenario);
  if (!scenario) throw new NoReproducer(`unknown scenario ${origin.scenario}`);
  const setup = scenario.setup(origin.params);
  const menus = setup.scripts ? setup.scripts.map((sc) => sc.map((call) => ({ call }))) : (setup.menus ?? []);
  /** The call a thread's syscall item of that name stands for (items are built from the scripts or menus in order). */
  const byName = (t: number, name: string): Call => {
    const item = li.machine.items[t].findIndex((it) => it.name === name);
    if (item < 0) throw new NoReproducer(`T${t + 1}: no call named ${name}`);
    return menus[t][item].call;
  };

  // The calls the trace starts, in order, with what each step decided.
  const calls: { thread: number; call: Call; outcome: string }[] = [];
  const open = new Map<number, number>(); // thread -> index into calls of its call in flight
  const started = setup.tableOf.map(() => 0);
  let state = trace.steps[0].state;
  for (let i = 1; i < trace.steps.length; i++) {
    const step = trace.steps[i];
    const t = threadIndex(step.label!.thread);
    const syscall = step.label!.params?.syscall;
    if (syscall !== undefined) {
      open.set(t, calls.length);
      calls.push({ thread: t, call: byName(t, String(syscall)), outcome: 'ok' });
      started[t]++;
    }
    const decided = li.outcomeOf(step.action, state);
    const k = open.get(t);
    if (decided !== null && k !== undefined) calls[k].outcome = decided;
    state = step.state;
    if (!model.busy!({ at: (x: number) => state[x] } as never).includes(step.label!.thread)) open.delete(t);
  }
  // Finish the calls in flight, then (scripted scenarios) the calls not reached, in script order.
  state = finishInFlight(model, li, state, open, calls);
  if (setup.scripts) {
    setup.scripts.forEach((script, t) => {
      for (let k = started[t]; k < script.length; k++) {
        const idx = calls.length;
        calls.push({ thread: t, call: script[k], outcome: 'ok' });
        const r = runWhole(model, li, state, t);
        calls[idx].outcome = r.outcome;
        state = r.after;
      }
    });
  }

  const runnable = calls.map((c) => c.call).filter(isKernelCall);
  if (runnable.length < calls.length) {
    const why = calls.map((c) => notProbed(c.call)).find((w) => w !== undefined);
    throw new NoReproducer(`scenario ${scenario.name}: no C reproducer: ${why}`);
  }
  const seriality = racingWindows(model, trace);
  const serial = seriality?.serial ?? false;
  const bad = serial ? calls.map((c, i) => ({ call: i, outcome: c.outcome })) : raceOnly(origin, setup.scripts ? scenario.name : null, calls);
  const notes = [
    `model: ${origin.strategy ?? '?'} / ${origin.scenario}, invariant ${origin.invariant}`,
    ...(trace.reduced ? [REDUCED_TRACE_NOTE] : []),
    ...(seriality ? racingWindowLines(seriality) : []),
    ...(serial
      ? ['every call runs whole in trace order; reproduced = every call returns what the model says']
      : bad.length > 0
        ? ['bad outcome = what these calls return only when the race happens (in no syscall-serial order)']
        : ['this race changes no return value: its effect is only in kernel state, so no run can count as a hit']),
  ];
  return {
    scenario: scenario.name,
    devices: setup.devices,
    tableOf: setup.tableOf,
    slots: setup.slots,
    init: setup.init,
    calls: calls.map((c, i): ReproducerCall => ({ thread: c.thread, call: runnable[i] })),
    bad,
    mode: serial ? { kind: 'serial' } : { kind: 'race', ...RACE_BOUNDS },
    notes,
  };
}

/** Run thread t's next call whole (the others do not step). */
function runWhole(model: Model, li: LoopInternals, src: Uint8Array, t: number): { outcome: string; after: Uint8Array } {
  const m = li.machine;
  const a = li.actionOf(t);
  const done = src[m.done[t]];
  let s = src;
  let outcome = 'ok';
  for (let i = 0; i < 10_000; i++) {
    const decided = li.outcomeOf(a, s);
    const d = s.slice();
    if (!model.step(a, s, d)) return { outcome: 'hang', after: s };
    if (decided !== null) outcome = decided;
    s = d;
    if (s[m.done[t]] !== done && s[m.cur[t]] === 0) break;
  }
  return { outcome, after: s };
}

/** Let every thread still inside a call run to its return, lowest thread first, stepping past blocked ones. */
function finishInFlight(model: Model, li: LoopInternals, src: Uint8Array, open: Map<number, number>, calls: { outcome: string }[]): Uint8Array {
  let s = src;
  for (let round = 0; round < 10_000 && open.size > 0; round++) {
    let moved = false;
    for (const [t, k] of [...open].sort((a, b) => a[0] - b[0])) {
      const a = li.actionOf(t);
      const decided = li.outcomeOf(a, s);
      const d = s.slice();
      if (!model.step(a, s, d)) continue;
      moved = true;
      if (decided !== null) calls[k].outcome = decided;
      s = d;
      if (s[li.machine.cur[t]] === 0) open.delete(t);
    }
    if (!moved) {
      for (const k of open.values()) calls[k].outcome = 'hang';
      break;
    }
  }
  return s;
}

/** Calls whose outcome here occurs in no syscall-serial schedule of the scenario (scripted scenarios only). */
function raceOnly(origin: TraceOrigin, scripted: string | null, calls: readonly { thread: number; outcome: string }[]): { call: number; outcome: string }[] {
  if (!scripted || !origin.strategy || !STRATEGIES.some((s) => s.name === origin.strategy)) return [];
  const sc = SCENARIOS.find((s) => s.name === scripted)!;
  const probe = probeScenario(sc.name, sc.setup(origin.params));
  const seen = new Map<string, Set<string>>(); // `${thread}:${k}` -> outcomes in serial schedules
  for (const [id, w] of modelWalks(origin.strategy, probe)) {
    const counts = new Map<number, number>();
    probe.schedules[id].calls.forEach((c, i) => {
      const k = counts.get(c.thread) ?? 0;
      counts.set(c.thread, k + 1);
      const o = w.calls[i]?.outcome;
      if (o === undefined) return;
      const key = `${c.thread}:${k}`;
      (seen.get(key) ?? seen.set(key, new Set()).get(key)!).add(o);
    });
  }
  const counts = new Map<number, number>();
  const out: { call: number; outcome: string }[] = [];
  calls.forEach((c, i) => {
    const k = counts.get(c.thread) ?? 0;
    counts.set(c.thread, k + 1);
    if (!seen.get(`${c.thread}:${k}`)?.has(c.outcome)) out.push({ call: i, outcome: c.outcome });
  });
  return out;
}

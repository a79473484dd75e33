// Builds a loop-driver Model from a strategy and a scenario: sizes the state
// vector, assembles the program table (shared driver + strategy functions),
// writes the initial state, and implements step/label/held/isTerminal.
//
// step(): action a = thread (a / B) with choice (a % B), B = max branching.
// A thread with a frame runs its top frame's step (choice 0 only); an idle
// thread starts its next scripted call (choice 0) or, in explore, menu item
// `choice` — starting a call runs that call's first step in the same action.

import type { ActionLabel, Model } from '../../src/engine/model.js';
import type { SymmetryGroup } from '../../src/engine/symmetry.js';
import type { StateView } from '../../src/engine/state-view.js';
import { LOOP_INVARIANTS } from '../../specs/loop/index.js';
import { syscallsReturn } from '../../specs/loop/syscalls-return.js';
import { defineDriver } from './driver/index.js';
import { callName } from './calls.js';
import { FILE_REGULAR, Lo_bound, fileCode, devName, threadName } from './encoding.js';
import { FRAME, Machine, type Shape, type SyscallItem } from './machine.js';
import { Program } from './program.js';
import { loopPartialOrder } from './partial-order.js';
import type { Strategy, StrategyFns } from './strategies/types.js';
import type { Scenario } from './scenarios/types.js';

export function buildLoopModel(strategy: Strategy, scenario: Scenario, params: Readonly<Record<string, number>>): Model {
  const setup = scenario.setup(params);
  const T = setup.tableOf.length;
  const D = setup.devices;
  const scripted = !!setup.scripts;
  const calls = setup.calls ?? 0;
  const entries = scripted
    ? setup.scripts!.map((sc) => sc.map((call) => ({ call, pre: undefined })))
    : setup.menus!;
  if (entries.length !== T) throw new Error(`scenario ${scenario.name}: ${entries.length} scripts for ${T} threads`);
  const tables = Math.max(...setup.tableOf) + 1;
  const K = setup.slots;
  for (const e of entries.flat()) {
    const c = e.call;
    if ('dev' in c && (c.dev < 0 || c.dev >= D)) throw new Error(`${callName(c)}: no device ${c.dev}`);
    if ('fd' in c && (c.fd < 0 || c.fd >= K)) throw new Error(`${callName(c)}: fd ${c.fd} outside ${K} slots`);
  }
  const opens = scripted ? entries.flat().filter((e) => e.call.op === 'open' || e.call.op === 'open_part').length : T * calls;
  const NF = Math.max(1, Math.min(setup.init.files.length + opens, tables * K + D + T));
  const maxOpeners = NF + 1;
  const maxRefs = Math.min(255, tables * K + D + 2 * T);
  const shape: Shape = {
    devices: D,
    files: NF,
    slots: K,
    tableOf: setup.tableOf,
    depth: 2 * D + 4,
    maxOpeners,
    maxRefs,
    regDomain: Math.max(maxOpeners + 1, D + 1, K + 2, 2),
    doneDomain: entries.map((e) => (scripted ? e.length : calls) + 1),
    itemNames: entries.map((e) => e.map((x) => callName(x.call))),
    extraDeviceFields: strategy.extraDeviceFields ?? [],
    partitionOpensEach: strategy.partitionOpensEach ?? false,
    openRefusesRundown: strategy.openRefusesRundown ?? false,
    windowSteps: params.windowSteps ?? -1,
    removes: entries.some((e) => e.some((x) => x.call.op === 'remove')),
  };
  const m = new Machine(shape);
  const p = new Program();
  const fns = strategy.define(p, m);
  if (fns.teardown.name !== '__loop_clr_fd') throw new Error(`strategy ${strategy.name}: teardown must be named __loop_clr_fd`);
  const driver = defineDriver(p, m, fns);
  const items: SyscallItem[][] = entries.map((e) => e.map((x) => driver.item(x.call, x.pre)));
  m.items = items;
  m.finish(p.link());
  const layout = m.layout;
  const { run, text, action, backToBack } = m.linked;

  // ---- initial state ----
  const init = layout.newVector();
  for (const b of setup.init.bound) {
    init[m.st[b.dev]] = Lo_bound;
    init[m.bf[b.dev]] = b.backing === 'regular' ? FILE_REGULAR : fileCode(b.backing.file);
    init[m.ro[b.dev]] = b.ro ? 1 : 0;
    if (b.partscan) {
      init[m.ps[b.dev]] = 1;
      init[m.part[b.dev]] = 1;
    }
  }
  setup.init.files.forEach((x, i) => {
    init[m.fdev[i]] = x + 1;
    init[m.op[x]]++;
  });
  for (const e of setup.init.fds) {
    init[m.fd[e.table][e.slot]] = fileCode(e.file);
    init[m.fref[e.file]]++;
  }
  for (const b of setup.init.bound) if (b.backing !== 'regular') init[m.fref[b.backing.file]]++;
  if (!layout.inDomain(init)) throw new Error(`scenario ${scenario.name}: initial state outside the layout's domains`);

  // ---- interpreter ----
  const Bmax = Math.max(1, ...items.map((it) => (scripted ? 1 : it.length)));
  const S = m.S;
  const target = entries.map((e) => (scripted ? e.length : calls));

  const topFrame = (v: Uint8Array | StateView, t: number): number => {
    const base = m.frames[t];
    const get = v instanceof Uint8Array ? (i: number) => v[i] : (i: number) => v.at(i);
    for (let s = S - 1; s >= 0; s--) if (get(base + s * FRAME) !== 0) return base + s * FRAME;
    return -1;
  };

  /** Index of the item an idle thread would start with choice c, or -1. */
  const choose = (d: Uint8Array, t: number, c: number): number => {
    const done = d[m.done[t]];
    if (done >= target[t]) return -1;
    if (scripted) return c === 0 ? done : -1;
    const its = items[t];
    if (c >= its.length) return -1;
    const pre = its[c].pre;
    return pre && !pre(m, d, t) ? -1 : c;
  };

  const start = (d: Uint8Array, t: number, idx: number): number => {
    const it = items[t][idx];
    const base = m.frames[t];
    d[base] = it.fn.entry;
    d[base + 1] = it.regs[0];
    d[base + 2] = it.regs[1];
    d[base + 3] = it.regs[2];
    d[m.cur[t]] = idx + 1;
    return base;
  };

  /**
   * Run thread t's next step (choice c) on dst: 0 if it is not enabled, else
   * 1, or 2 when `windows` is set and the step opens a stall window.
   */
  const runStep = (t: number, c: number, src: Uint8Array, dst: Uint8Array, windows: boolean): number => {
    const base = m.frames[t];
    let fr = -1;
    for (let s = S - 1; s >= 0; s--) {
      if (dst[base + s * FRAME] !== 0) {
        fr = base + s * FRAME;
        break;
      }
    }
    if (fr >= 0) {
      if (c !== 0) return 0;
      const pc = dst[fr];
      const opens = windows && backToBack[pc] !== null && backToBack[pc]!(m, src, t, fr);
      return run[pc](m, dst, t, fr) ? (opens ? 2 : 1) : 0;
    }
    const idx = choose(dst, t, c);
    if (idx < 0) return 0;
    start(dst, t, idx);
    const pc = dst[base];
    const opens = windows && backToBack[pc] !== null && backToBack[pc]!(m, dst, t, base);
    if (run[pc](m, dst, t, base)) return opens ? 2 : 1;
    // Blocked at its first step: undo the start (dst must be left as src).
    for (let i = 0; i < FRAME; i++) dst[base + i] = src[base + i];
    dst[m.cur[t]] = src[m.cur[t]];
    return 0;
  };

  // Stall windows bounded (--max-window-steps K): a thread may step only if
  // no other thread's open window already holds K of its steps; its step
  // counts in every open window of the others, closes its own, and opens a
  // new one if the kernel runs the step and its next back to back.
  const maxInside = shape.windowSteps;
  const win = m.window;
  const step =
    maxInside < 0
      ? (a: number, src: Uint8Array, dst: Uint8Array): boolean => {
          const t = (a / Bmax) | 0;
          return runStep(t, a - t * Bmax, src, dst, false) !== 0;
        }
      : (a: number, src: Uint8Array, dst: Uint8Array): boolean => {
          const t = (a / Bmax) | 0;
          for (let u = 0; u < T; u++) if (u !== t && src[win[u]] > maxInside) return false;
          const r = runStep(t, a - t * Bmax, src, dst, true);
          if (r === 0) return false;
          for (let u = 0; u < T; u++) if (u !== t && dst[win[u]] !== 0) dst[win[u]]++;
          dst[win[t]] = r === 2 ? 1 : 0;
          return true;
        };

  /** The state in which action `a` runs its step, and the frame: `src` itself, or a copy with the chosen call started. */
  const peek = (a: number, src: Uint8Array): { s: Uint8Array; t: number; fr: number; idx: number } | null => {
    const t = (a / Bmax) | 0;
    const fr = topFrame(src, t);
    if (fr >= 0) return { s: src, t, fr, idx: -1 };
    const idx = choose(src, t, a - t * Bmax);
    if (idx < 0) return null;
    const s = src.slice();
    return { s, t, fr: start(s, t, idx), idx };
  };

  const label = (a: number, src: Uint8Array): ActionLabel => {
    const at = peek(a, src);
    if (!at) {
      const t = (a / Bmax) | 0;
      return { thread: threadName(t), action: 'disabled', step: `choice ${a - t * Bmax}` };
    }
    const { s, t, fr, idx } = at;
    const pc = s[fr];
    return {
      thread: threadName(t),
      action: action[pc],
      step: text[pc](m, s, t, fr),
      ...(idx >= 0 ? { params: { syscall: items[t][idx].name } } : {}),
      ...(backToBack[pc]?.(m, s, t, fr) ? { backToBack: true } : {}),
    };
  };

  // Every lock with its lockdep class: all devices' lo_mutexes are one class, and so on.
  const locks: { idx: number; name: string; cls: string }[] = [{ idx: m.vm, name: 'loop_validate_mutex', cls: 'loop_validate_mutex' }];
  const perDevice = (idx: number, cls: string, x: number) => locks.push({ idx, name: `${cls}(${devName(x)})`, cls });
  for (let x = 0; x < D; x++) {
    perDevice(m.lm[x], 'lo_mutex', x);
    perDevice(m.om[x], 'open_mutex', x);
    perDevice(m.qf[x], 'queue_freeze', x);
    for (const e of shape.extraDeviceFields) if (e.lock) perDevice(m.extra[e.name][x], e.lock, x);
  }
  const classOf = new Map(locks.map((l) => [l.name, l.cls]));

  // Threads are interchangeable when each runs the same menu on a table of its
  // own: permuting them moves their fields and fd tables and renames lock owners.
  const sameMenus = shape.itemNames.every((names) => names.join('\n') === shape.itemNames[0].join('\n'));
  const ownTables = setup.tableOf.every((q, t) => q === t);
  const symmetry: SymmetryGroup[] =
    !scripted && T >= 2 && sameMenus && ownTables
      ? [
          {
            name: 'threads',
            members: Array.from({ length: T }, (_, t) => [
              m.done[t],
              m.cur[t],
              ...m.taskWork[t],
              ...(maxInside >= 0 ? [m.window[t]] : []),
              ...Array.from({ length: S * FRAME }, (_, i) => m.frames[t] + i),
              ...m.fd[t],
            ]),
            references: locks.map((l) => ({ field: l.idx, base: 1 })),
          },
        ]
      : [];

  const model: Model = {
    name: `loop[${strategy.name}/${scenario.name}]`,
    ...(symmetry.length > 0 ? { symmetry } : {}),
    layout,
    actionCount: T * Bmax,
    initialStates: () => [init.slice()],
    step,
    label,
    invariants: LOOP_INVARIANTS,
    liveness: [syscallsReturn(T)],
    partialOrder: loopPartialOrder(m, layout, T * Bmax, Bmax, strategy.readsOtherThreadsFrames ?? false),
    // Bounded calls per thread and no kernel path that retries: every run ends.
    acyclic: true,
    // Weak fairness per thread: a thread that can always take a step eventually does.
    fairness: { groups: Array.from({ length: T }, (_, t) => threadName(t)), groupOf: (a) => (a / Bmax) | 0 },
    isTerminal(s: StateView): boolean {
      for (let t = 0; t < T; t++) {
        if (s.at(m.done[t]) !== target[t] || s.at(m.cur[t]) !== 0) return false;
      }
      return true;
    },
    busy(s: StateView): readonly string[] {
      const out: string[] = [];
      for (let t = 0; t < T; t++) if (s.at(m.cur[t]) !== 0) out.push(threadName(t));
      return out;
    },
    lockFields: { fields: locks.map((l) => l.idx), names: locks.map((l) => l.name), actorName: threadName },
    lockClass(resource: string): string {
      return classOf.get(resource) ?? resource;
    },
    held(s: StateView): Readonly<Record<string, readonly string[]>> {
      const out: Record<string, string[]> = {};
      for (let t = 0; t < T; t++) out[threadName(t)] = [];
      for (const l of locks) {
        const o = s.at(l.idx);
        if (o !== 0) out[threadName(o - 1)].push(l.name);
      }
      return out;
    },
  };
  INTERNALS.set(model, {
    machine: m,
    fns,
    outcomeOf(a, src) {
      const at = peek(a, src);
      if (!at) return null;
      const oc = m.linked.outcome[at.s[at.fr]];
      return oc ? oc(m, at.s, at.t, at.fr) : null;
    },
    actionOf: (t, choice = 0) => t * Bmax + choice,
    stepName(a, src) {
      const at = peek(a, src);
      return at ? m.linked.names[at.s[at.fr]] : null;
    },
  });
  return model;
}

/** What `loopcheck conform` needs of a loop model beyond the engine's Model interface. */
export interface LoopInternals {
  readonly machine: Machine;
  readonly fns: StrategyFns;
  /** What the step action `a` takes in `src` makes its system call return (StepSpec.outcome), or null. */
  outcomeOf(a: number, src: Uint8Array): string | null;
  /** The action number of thread t's step (scripted threads always use choice 0). */
  actionOf(t: number, choice?: number): number;
  /** `function:step` of the step action `a` runs in `src`, or null when it is disabled. */
  stepName(a: number, src: Uint8Array): string | null;
}

const INTERNALS = new WeakMap<Model, LoopInternals>();

/** The internals of a model built by buildLoopModel (undefined for any other model). */
export function loopInternals(model: Model): LoopInternals | undefined {
  return INTERNALS.get(model);
}

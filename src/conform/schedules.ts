// Syscall-serial schedules: every order of whole system calls.
//
// Exists so `conform` can compare the model with a real kernel where the two
// can be compared call by call: when each call runs from entry to return with
// no step of another thread in between, a single-threaded program on the real
// kernel performs exactly that schedule, deterministically. Threads keep the
// order of their own scripts; only how the scripts interleave varies, so
// scripts of n1, n2, … calls give (n1 + n2 + …)! / (n1! n2! …) schedules.

import { probeCallName } from './call-name.js';
import { isKernelCall, unprobedReason } from './kernel-calls.js';
import type { ScenarioSetup } from '../../models/loop/scenarios/types.js';
import type { ProbeCall, ProbeScenario, ProbeSchedule } from './probe-plan.js';

/** Every interleaving of `lengths[t]` calls of each thread t, as thread sequences in lexicographic order. */
export function interleavings(lengths: readonly number[]): number[][] {
  const out: number[][] = [];
  const left = [...lengths];
  const total = left.reduce((a, b) => a + b, 0);
  const seq: number[] = [];
  const go = (): void => {
    if (seq.length === total) {
      out.push([...seq]);
      return;
    }
    for (let t = 0; t < left.length; t++) {
      if (left[t] === 0) continue;
      left[t]--;
      seq.push(t);
      go();
      seq.pop();
      left[t]++;
    }
  };
  go();
  return out;
}

/** The number of interleavings, without listing them (multinomial coefficient). */
export function countInterleavings(lengths: readonly number[]): number {
  let n = 1;
  let k = 0;
  for (const len of lengths) {
    for (let i = 1; i <= len; i++) {
      k++;
      n = (n * k) / i;
    }
  }
  return Math.round(n);
}

/** The probe description of a scripted scenario: its initial state and every syscall-serial schedule. */
export function probeScenario(name: string, setup: ScenarioSetup): ProbeScenario {
  const given = setup.scripts;
  if (!given) throw new Error(`scenario ${name} is not scripted: conform compares scripted scenarios only`);
  const why = unprobedReason(setup);
  if (why) throw new Error(`scenario ${name}: ${why}`);
  const scripts = given.map((sc) => sc.filter(isKernelCall));
  const schedules: ProbeSchedule[] = interleavings(scripts.map((s) => s.length)).map((order, id) => {
    const next = scripts.map(() => 0);
    const calls: ProbeCall[] = order.map((t) => ({ thread: t, table: setup.tableOf[t], call: scripts[t][next[t]++] }));
    return { id, calls };
  });
  return {
    name,
    devices: setup.devices,
    tables: Math.max(...setup.tableOf) + 1,
    slots: setup.slots,
    init: setup.init,
    schedules,
  };
}

/** One line naming a schedule's calls, e.g. `T2 open(/dev/loopA) -> fd0; T1 ioctl(fd0, LOOP_CLR_FD); …`. */
export function scheduleText(s: ProbeSchedule): string {
  return s.calls.map((c) => `T${c.thread + 1} ${probeCallName(c.call)}`).join('; ');
}

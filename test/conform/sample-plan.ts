// ProbeScenarios built straight from the scripted scenarios, for exercising
// the kernel side on its own in tests (probe-gen.test.ts).
//
// Exists because the model side owns the real schedule enumeration; this is a
// plain interleaving of whole calls, enough to drive and check the probe.

import { unprobedReason } from '../../src/conform/kernel-calls.js';
import { probeScenario } from '../../src/conform/schedules.js';
import { SCENARIOS } from '../../models/loop/scenarios/index.js';
import type { ProbeCall, ProbeOp, ProbeScenario, ProbeSchedule } from '../../src/conform/probe-plan.js';
import type { InitDesc } from '../../models/loop/scenarios/types.js';

/** Every interleaving of the threads' scripts that keeps each thread's order. */
export function serialSchedules<C extends ProbeOp>(scripts: readonly (readonly C[])[], tableOf: readonly number[]): ProbeSchedule<C>[] {
  const out: ProbeSchedule<C>[] = [];
  const pos = scripts.map(() => 0);
  const acc: ProbeCall<C>[] = [];
  const total = scripts.reduce((n, s) => n + s.length, 0);
  const walk = (): void => {
    if (acc.length === total) {
      out.push({ id: out.length, calls: [...acc] });
      return;
    }
    scripts.forEach((script, t) => {
      if (pos[t] >= script.length) return;
      acc.push({ thread: t, table: tableOf[t], call: script[pos[t]] });
      pos[t]++;
      walk();
      pos[t]--;
      acc.pop();
    });
  };
  walk();
  return out;
}

/** A's struct file f0 open as fd0 in table 0, A unbound (for LOOP_CONFIGURE). */
const aUnboundOpen: InitDesc = { bound: [], files: [0], fds: [{ table: 0, slot: 0, file: 0 }] };

/**
 * Partition scenarios beyond the model (issue #13), for trying the kernel side:
 * T1 binds A with LO_FLAGS_PARTSCAN through LOOP_CONFIGURE, clears it and closes;
 * T2 uses partition 1 (its own fd table).
 */
const PARTITION_SAMPLES: Record<string, { tableOf: number[]; slots: number; init: InitDesc; scripts: ProbeOp[][] }> = {
  'partition-clr': {
    tableOf: [0, 1],
    slots: 1,
    init: aUnboundOpen,
    scripts: [
      [{ op: 'configure', fd: 0, backing: 'regular', flags: ['partscan'] }, { op: 'clr', fd: 0 }, { op: 'close', fd: 0 }],
      [{ op: 'open', dev: 0, fd: 0, part: 1 }, { op: 'read', fd: 0 }, { op: 'clr', fd: 0 }, { op: 'close', fd: 0 }],
    ],
  },
  'partition-mount': {
    tableOf: [0, 1],
    slots: 1,
    init: aUnboundOpen,
    scripts: [
      [{ op: 'configure', fd: 0, backing: 'regular', flags: ['partscan'] }, { op: 'clr', fd: 0 }, { op: 'close', fd: 0 }],
      [{ op: 'mount', dev: 0, part: 1 }, { op: 'mount_read', dev: 0, part: 1 }, { op: 'umount', dev: 0, part: 1 }],
    ],
  },
};

/** The scripted scenario (or partition sample) `name` with all its serial schedules. */
export function sampleScenario(name: string): ProbeScenario<ProbeOp> {
  const extra = PARTITION_SAMPLES[name];
  if (extra)
    return { name, devices: 1, tables: 2, slots: extra.slots, init: extra.init, schedules: serialSchedules(extra.scripts, extra.tableOf) };
  const sc = SCENARIOS.find((s) => s.name === name && s.scripted);
  if (!sc) throw new Error(`no scripted scenario ${name}`);
  return probeScenario(sc.name, sc.setup({}));
}

/** The scripted scenarios the probe can run (kernel-calls.ts: not those with LOOP_CTL_REMOVE). */
export const scriptedScenarioNames = (): string[] =>
  SCENARIOS.filter((s) => s.scripted && unprobedReason(s.setup({})) === undefined).map((s) => s.name);
export const partitionSampleNames = (): string[] => Object.keys(PARTITION_SAMPLES);

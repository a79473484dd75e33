// ProbeScenarios built straight from the scripted scenarios, for exercising
// the kernel side on its own (tests and the hand-run `kernel-try` script).
//
// Exists because the model side owns the real schedule enumeration; this is a
// plain interleaving of whole calls, enough to drive and check the probe.

import { SCENARIOS } from '../../../models/loop/scenarios/index.js';
import type { ProbeCall, ProbeScenario, ProbeSchedule } from '../probe-plan.js';

/** Every interleaving of the threads' scripts that keeps each thread's order. */
export function serialSchedules(scripts: readonly (readonly Omit<ProbeCall, 'thread'>['call'][])[], tableOf: readonly number[]): ProbeSchedule[] {
  const out: ProbeSchedule[] = [];
  const pos = scripts.map(() => 0);
  const acc: ProbeCall[] = [];
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

/** The scripted scenario `name` with all its serial schedules. */
export function sampleScenario(name: string): ProbeScenario {
  const sc = SCENARIOS.find((s) => s.name === name && s.scripted);
  if (!sc) throw new Error(`no scripted scenario ${name}`);
  const setup = sc.setup({});
  const scripts = setup.scripts ?? [];
  return {
    name,
    devices: setup.devices,
    tables: Math.max(...setup.tableOf) + 1,
    slots: setup.slots,
    init: setup.init,
    schedules: serialSchedules(scripts, setup.tableOf),
  };
}

export const scriptedScenarioNames = (): string[] => SCENARIOS.filter((s) => s.scripted).map((s) => s.name);

// Compares the model's observations of every schedule with a kernel's.
//
// Exists so the verdict of `conform` is computed in one place: call by call,
// the outcome and the observable device state must be equal, unless a
// written narrowing (narrowings.ts) says why that call cannot be compared.

import { probeCallName } from './call-name.js';
import { devName } from '../../models/loop/encoding.js';
import { NARROWINGS, type Narrowing } from './narrowings.js';
import type { CallObservation, DeviceObservation, KernelId, ProbeScenario, ScheduleObservation } from './probe-plan.js';
import { scheduleText } from './schedules.js';
import type { ModelWalk } from './model-walk.js';
import { reproduced, serialCounterexamples, type SerialCounterexample } from './serial-counterexamples.js';

export interface ComparedCall {
  readonly schedule: number;
  /** 1-based position of the call in its schedule. */
  readonly step: number;
  readonly thread: string;
  readonly call: string;
  readonly model: string;
  readonly kernel: string;
  readonly modelState: string;
  readonly kernelState: string;
  /** What differs: nothing, the call's outcome, the device state after it, or both. */
  readonly differs: readonly ('outcome' | 'state')[];
  /** The narrowing that takes this call out of the comparison, if any. */
  readonly narrowed?: string;
}

export interface ConformResult {
  readonly kernel: KernelId;
  /** `uname -r` of the booted kernel. */
  readonly release: string;
  readonly strategy: string;
  readonly scenario: string;
  readonly schedules: number;
  readonly calls: readonly ComparedCall[];
  readonly disagreements: readonly ComparedCall[];
  /** Narrowings that applied here, with how many calls each took out. */
  readonly narrowed: readonly { readonly id: string; readonly reason: string; readonly calls: number }[];
  /** Invariants broken by a schedule with no race, and whether the kernel showed the same. */
  readonly serial: readonly SerialCounterexample[];
  /** Schedules the kernel did not report in full (a timeout cut the boot short). */
  readonly missing: readonly number[];
  /** The schedules, by id, as text (for the report). */
  readonly scheduleTexts: Readonly<Record<number, string>>;
}

/** One device as text: `A=regular+ac`, `B=unbound`, `A=regular (open -ENXIO)`. */
export function deviceText(x: number, d: DeviceObservation): string {
  const body = d.backing === null ? 'unbound' : `${d.backing === 'regular' ? 'regular' : `loop${d.backing}`}${d.autoclear ? '+autoclear' : ''}`;
  const parts = d.partitions ? `, ${d.partitions} partition${d.partitions === 1 ? '' : 's'}` : '';
  return `${devName(x)}=${body}${parts}${d.open === 'ok' ? '' : ` (open ${d.open})`}`;
}

export function stateText(devices: readonly DeviceObservation[]): string {
  return devices.map((d, x) => deviceText(x, d)).join(' ');
}

export function compareScenario(
  kernel: KernelId,
  release: string,
  strategy: string,
  probe: ProbeScenario,
  walks: ReadonlyMap<number, ModelWalk>,
  observed: readonly ScheduleObservation[],
  narrowings: readonly Narrowing[] = NARROWINGS,
): ConformResult {
  const byId = new Map(observed.filter((o) => o.scenario === probe.name).map((o) => [o.schedule, o]));
  const calls: ComparedCall[] = [];
  const missing: number[] = [];
  const counts = new Map<string, number>();
  const scheduleTexts: Record<number, string> = {};
  for (const s of probe.schedules) {
    scheduleTexts[s.id] = scheduleText(s);
    const mine: readonly CallObservation[] = walks.get(s.id)?.calls ?? [];
    const theirs = byId.get(s.id)?.calls ?? [];
    if (theirs.length < s.calls.length) missing.push(s.id);
    s.calls.forEach((c, i) => {
      const mo = mine[i];
      const ko = theirs[i];
      if (!mo || !ko) return;
      const differs: ('outcome' | 'state')[] = [];
      if (mo.outcome !== ko.outcome) differs.push('outcome');
      const ms = stateText(mo.devices);
      const ks = stateText(ko.devices);
      if (ms !== ks) differs.push('state');
      const ctx = { kernel, strategy, scenario: probe.name, call: c.call, index: i, before: s.calls.slice(0, i).map((p) => p.call), model: mo, observed: ko };
      const n = differs.length > 0 ? narrowings.find((r) => r.applies(ctx)) : undefined;
      if (n) counts.set(n.id, (counts.get(n.id) ?? 0) + 1);
      calls.push({
        schedule: s.id,
        step: i + 1,
        thread: `T${c.thread + 1}`,
        call: probeCallName(c.call),
        model: mo.outcome,
        kernel: ko.outcome,
        modelState: ms,
        kernelState: ks,
        differs,
        ...(n ? { narrowed: n.id } : {}),
      });
    });
  }
  const narrowed = narrowings.filter((n) => counts.has(n.id)).map((n) => ({ id: n.id, reason: n.reason, calls: counts.get(n.id)! }));
  return {
    kernel,
    release,
    strategy,
    scenario: probe.name,
    schedules: probe.schedules.length,
    calls,
    disagreements: calls.filter((c) => c.differs.length > 0 && !c.narrowed),
    serial: serialCounterexamples(walks).map((v) => ({ ...v, reproduced: reproduced(calls, v.schedule, v.call) })),
    narrowed,
    missing,
    scheduleTexts,
  };
}

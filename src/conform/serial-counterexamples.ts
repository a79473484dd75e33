// Violations that need no race: schedules in which every call runs whole and
// an invariant still breaks. On a real kernel such a schedule reproduces
// deterministically, so conform checks that the kernel shows what the model
// says on every call up to the one that breaks the invariant.

import type { ComparedCall } from './compare.js';
import type { ModelWalk } from './model-walk.js';

export interface SerialCounterexample {
  readonly invariant: string;
  readonly schedule: number;
  /** 1-based call after (or during) which the invariant is first violated. */
  readonly call: number;
  /** The kernel agreed on every call up to it (true), differed (false), or did not report them (null). */
  readonly reproduced: boolean | null;
}

/** Per invariant, the schedule that breaks it earliest (fewest calls; then lowest id). */
export function serialCounterexamples(walks: ReadonlyMap<number, ModelWalk>): { invariant: string; schedule: number; call: number }[] {
  const best = new Map<string, { invariant: string; schedule: number; call: number }>();
  for (const [id, w] of [...walks].sort((a, b) => a[0] - b[0])) {
    for (const v of w.violations) {
      const cur = best.get(v.invariant);
      if (!cur || v.call + 1 < cur.call) best.set(v.invariant, { invariant: v.invariant, schedule: id, call: v.call + 1 });
    }
  }
  return [...best.values()];
}

/** Whether the kernel showed the same thing on calls 1..call of the schedule. */
export function reproduced(calls: readonly ComparedCall[], schedule: number, call: number): boolean | null {
  const upTo = calls.filter((c) => c.schedule === schedule && c.step <= call);
  if (upTo.length < call) return null;
  return upTo.every((c) => c.differs.length === 0);
}

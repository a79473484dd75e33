// Which of the model's calls the real-kernel probe runs: all but
// LOOP_CTL_REMOVE. The probe creates fresh loop devices for every schedule
// and removes them itself afterwards; a scripted remove would delete a
// device under that bookkeeping and under the per-call device observation
// (which opens every device node), so conform leaves scenarios with a remove
// out and says so, and a C reproducer of such a trace is refused.

import type { Call } from '../../models/loop/calls.js';
import type { ScenarioSetup } from '../../models/loop/scenarios/types.js';
import type { KernelCall } from './probe-plan.js';

/** Why the probe does not run a call of this op, or undefined when it does. */
export function notProbed(c: Call): string | undefined {
  return c.op === 'remove' ? 'the kernel probe does not run LOOP_CTL_REMOVE' : undefined;
}

export const isKernelCall = (c: Call): c is KernelCall => notProbed(c) === undefined;

/** Why a scripted scenario cannot run on a real kernel, or undefined when it can. */
export function unprobedReason(setup: ScenarioSetup): string | undefined {
  for (const script of setup.scripts ?? []) {
    for (const c of script) {
      const why = notProbed(c);
      if (why) return why;
    }
  }
  return undefined;
}

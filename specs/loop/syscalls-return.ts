// Liveness: under weak fairness of every thread, every system call a thread
// starts eventually returns. A thread is inside a call from the step that
// starts it until the step that pops its last frame (its `cur` field names
// the call meanwhile). Checked over the whole state graph (src/engine/liveness.ts);
// a violation is a lasso in which one thread stays inside its call forever.

import type { LivenessProperty } from '../../src/engine/model.js';
import type { StateView } from '../../src/engine/state-view.js';
import { F, threadName } from '../../models/loop/encoding.js';

export const SYSCALLS_RETURN = {
  name: 'syscalls-return',
  description: 'under weak fairness of every thread, every system call that starts eventually returns',
} as const;

export function syscallsReturn(threads: number): LivenessProperty {
  let cached: { layout: unknown; cur: number[] } | null = null;
  const curOf = (s: StateView): number[] => {
    if (cached?.layout !== s.layout) cached = { layout: s.layout, cur: Array.from({ length: threads }, (_, t) => s.layout.index(F.cur(t))) };
    return cached.cur;
  };
  return {
    ...SYSCALLS_RETURN,
    obligations: threads,
    obligationName: (t) => `${threadName(t)}'s system call`,
    pending: (s, t) => s.at(curOf(s)[t]) !== 0,
  };
}

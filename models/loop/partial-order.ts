// The loop model's partial-order declaration (engine/por-decl.ts): each
// action's thread, the fields only one thread touches (its call stack, its
// counters, its task work, its own fd table; its stack unless the strategy
// reads other threads' stacks), and which fields each
// invariant reads. The engine observes each step's reads and writes itself;
// this file states only the ownership and the invariants' reads, and
// test/loop/por-declaration.test.ts checks both against every step and
// every invariant evaluation of every scenario's reachable states.

import type { Layout } from '../../src/engine/layout.js';
import type { PartialOrderDecl, VisibleGroup } from '../../src/engine/por-decl.js';
import { loopIndex } from '../../specs/loop/view.js';
import type { Machine } from './machine.js';
import { FRAME } from './machine.js';

/** `framesShared`: some step reads other threads' frames (Strategy.readsOtherThreadsFrames). */
export function loopPartialOrder(m: Machine, layout: Layout, actionCount: number, perThread: number, framesShared: boolean): PartialOrderDecl {
  const width = layout.width;
  const T = m.T;
  const owner = new Array<number>(width).fill(-1);
  const writer = new Array<number>(width).fill(-1);
  for (let t = 0; t < T; t++) {
    const stack = Array.from({ length: m.S * FRAME }, (_, i) => m.frames[t] + i);
    // Read by other threads (framesShared), a stack is still written by its thread alone.
    if (framesShared) for (const f of stack) writer[f] = t;
    const mine = [m.done[t], m.cur[t], ...m.taskWork[t], ...(framesShared ? [] : stack)];
    // An fd table is the thread's own unless another thread shares it.
    if (!m.shared[t]) mine.push(...m.fd[m.tableOf[t]]);
    for (const f of mine) owner[f] = t;
  }
  const none = new Array<number>(width).fill(-1);
  const ix = loopIndex(layout);
  const one = (f: number): VisibleGroup => ({ fields: [f] });
  const all = (fs: readonly number[]): VisibleGroup[] => fs.map(one);
  // single-teardown counts, per device, the frames running __loop_clr_fd on it:
  // a frame matters through (is its pc in the teardown, and then its device).
  const teardownFrames: VisibleGroup[] = ix.framePc.map((pc, k) => {
    const dev = ix.frameDev[k];
    return { fields: [pc, dev], classOf: (s: Uint8Array) => (ix.isTeardownPc[s[pc]] ? s[dev] + 1 : 0) };
  });
  const reads: Record<string, readonly VisibleGroup[]> = {
    'stacked-no-teardown': all([...ix.bf, ...ix.fdev]),
    'stacked-io': all([m.stackedIo]),
    'mount-no-teardown': all([...ix.mnt, ...ix.pmnt, ...ix.bf]),
    'mount-io': all([m.mountIo]),
    'read-data': all([m.wrongData]),
    'no-stale-partitions': all([...ix.st, ...ix.part]),
    'admitted-open-rundown': all([m.admittedRundown]),
    'no-free-with-opener': all([...ix.rm, ...ix.op, ...ix.pop, ...ix.mnt, ...ix.pmnt, ...ix.fdev]),
    'single-teardown': [one(m.bugOn), ...teardownFrames],
    'walk-safe': all([m.walkUnsafe]),
    'openers-consistent': all([...ix.om, ...ix.mnt, ...ix.pmnt, ...ix.fdev, ...ix.fpart, ...ix.pop, ...ix.op]),
  };
  // Only a thread inside a call whose next step takes or drops no lock can
  // step independently, and then only with choice 0 (its other actions are
  // disabled by its own frame); an idle thread's first step of any call
  // reads state others share (its menu's conditions, a lock).
  const locking = m.linked.locks;
  // Where other threads read the stacks (framesShared), every step writes a
  // field others read (its own pc): no thread ever steps independently.
  const observe = (t: number, s: Uint8Array, out: Int32Array): number => {
    if (framesShared) return -1;
    const base = m.frames[t];
    for (let k = m.S - 1; k >= 0; k--) {
      const pc = s[base + k * FRAME];
      if (pc === 0) continue;
      if (locking[pc]) return -1;
      out[0] = t * perThread;
      return 1;
    }
    return -1;
  };
  return {
    observe,
    actorOf: Array.from({ length: actionCount }, (_, a) => (a / perThread) | 0),
    actors: T,
    owner,
    writer,
    writeGuard: none,
    accessGuard: none,
    invariantReads: (name) => reads[name] ?? null,
  };
}

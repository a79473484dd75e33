// Field indices of a loop-model state, derived from the Layout by the field
// names fixed in models/loop/encoding.ts (the contract between model and
// specs). Cached per layout so holds() does no name lookups after the first
// call on a model.

import type { Layout } from '../../src/engine/layout.js';
import { F, TEARDOWN_FN } from '../../models/loop/encoding.js';

export interface LoopIndex {
  readonly st: number[];
  readonly bf: number[];
  readonly op: number[];
  readonly om: number[];
  readonly mnt: number[];
  readonly part: number[];
  readonly pop: number[];
  readonly pmnt: number[];
  /** LOOP_CTL_REMOVE progress per device; empty when the model removes no device. */
  readonly rm: number[];
  readonly fdev: number[];
  readonly fpart: number[];
  readonly framePc: number[];
  readonly frameDev: number[];
  /** isTeardownPc[pc] = pc lies in __loop_clr_fd. */
  readonly isTeardownPc: boolean[];
  readonly bugOn: number;
  readonly walkUnsafe: number;
  readonly stackedIo: number;
  readonly mountIo: number;
  readonly wrongData: number;
  readonly admittedRundown: number;
}

let lastLayout: Layout | null = null;
let lastIndex: LoopIndex | null = null;

export function loopIndex(layout: Layout): LoopIndex {
  if (layout === lastLayout && lastIndex) return lastIndex;
  const ix = (n: string) => layout.index(n);
  const st: number[] = [];
  const bf: number[] = [];
  const op: number[] = [];
  const om: number[] = [];
  const mnt: number[] = [];
  const part: number[] = [];
  const pop: number[] = [];
  const pmnt: number[] = [];
  const rm: number[] = [];
  for (let x = 0; layout.has(F.state(x)); x++) {
    if (layout.has(F.removal(x))) rm.push(ix(F.removal(x)));
    part.push(ix(F.part(x)));
    pop.push(ix(F.partOpeners(x)));
    pmnt.push(ix(F.partMount(x)));
    st.push(ix(F.state(x)));
    bf.push(ix(F.backing(x)));
    op.push(ix(F.openers(x)));
    om.push(ix(F.openMutex(x)));
    mnt.push(ix(F.mount(x)));
  }
  const fdev: number[] = [];
  const fpart: number[] = [];
  for (let i = 0; layout.has(F.fileBdev(i)); i++) {
    fdev.push(ix(F.fileBdev(i)));
    fpart.push(ix(F.filePart(i)));
  }
  const framePc: number[] = [];
  const frameDev: number[] = [];
  let isTeardownPc: boolean[] = [];
  for (let t = 0; layout.has(F.done(t)); t++) {
    for (let s = 0; layout.has(F.frame(t, s, 'pc')); s++) {
      const pc = ix(F.frame(t, s, 'pc'));
      framePc.push(pc);
      frameDev.push(ix(F.frame(t, s, 'dev')));
      const names = layout.fields[pc].values ?? [];
      isTeardownPc = names.map((n) => n.startsWith(`${TEARDOWN_FN}:`));
    }
  }
  lastIndex = {
    st, bf, op, om, mnt, part, pop, pmnt, rm, fdev, fpart, framePc, frameDev, isTeardownPc,
    bugOn: ix(F.bugOn),
    walkUnsafe: ix(F.walkUnsafe),
    stackedIo: ix(F.stackedIoFailed),
    mountIo: ix(F.mountIoFailed),
    wrongData: ix(F.wrongData),
    admittedRundown: ix(F.admittedRundown),
  };
  lastLayout = layout;
  return lastIndex;
}

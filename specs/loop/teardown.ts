// Invariants about teardown ownership and opener bookkeeping.

import type { Invariant } from '../../src/engine/model.js';
import type { StateView } from '../../src/engine/state-view.js';
import { MNT_NONE } from '../../models/loop/encoding.js';
import { loopIndex } from './view.js';

export const singleTeardown: Invariant = {
  name: 'single-teardown',
  description:
    'at most one thread tears a device down (runs __loop_clr_fd on it) at a time, and the pre-patch BUG_ON(lo_state != Lo_rundown) never fires',
  holds(s: StateView): boolean {
    const ix = loopIndex(s.layout);
    if (s.at(ix.bugOn) !== 0) return false;
    for (let x = 0; x < ix.st.length; x++) {
      let n = 0;
      for (let f = 0; f < ix.framePc.length; f++) {
        if (ix.isTeardownPc[s.at(ix.framePc[f])] && s.at(ix.frameDev[f]) === x + 1) n++;
      }
      if (n > 1) return false;
    }
    return true;
  },
};

export const openersConsistent: Invariant = {
  name: 'openers-consistent',
  description:
    "outside an open_mutex section, bd_openers of a partition equals its live struct files (plus a mount holder), and the disk's bd_openers its own plus the partition's, counted once (up to 6.10) or per opener (6.11+)",
  holds(s: StateView): boolean {
    const ix = loopIndex(s.layout);
    for (let x = 0; x < ix.st.length; x++) {
      if (s.at(ix.om[x]) !== 0) continue;
      let whole = s.at(ix.mnt[x]) !== MNT_NONE ? 1 : 0;
      let part = s.at(ix.pmnt[x]) !== MNT_NONE ? 1 : 0;
      for (let i = 0; i < ix.fdev.length; i++) {
        if (s.at(ix.fdev[i]) !== x + 1) continue;
        if (s.at(ix.fpart[i]) === 0) whole++;
        else part++;
      }
      if (s.at(ix.pop[x]) !== part) return false;
      const n = s.at(ix.op[x]);
      // The model does not tell the invariant how the version counts: accept either rule.
      if (n !== whole + (part > 0 ? 1 : 0) && n !== whole + part) return false;
    }
    return true;
  },
};

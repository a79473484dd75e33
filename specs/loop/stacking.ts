// Invariants about stacked loop devices (B backed by a struct file of A).
// "Torn down" = __loop_clr_fd has detached the device's backing file
// (lo_backing_file == NULL); Lo_rundown alone is not a teardown (spec §7).

import type { Invariant } from '../../src/engine/model.js';
import type { StateView } from '../../src/engine/state-view.js';
import { FILE_NONE, fileSlot, isFileSlot } from '../../models/loop/encoding.js';
import { loopIndex } from './view.js';

export const stackedNoTeardown: Invariant = {
  name: 'stacked-no-teardown',
  description:
    'no clear while a stacked LOOP_SET_FD validation succeeds: once LOOP_SET_FD/LOOP_CONFIGURE/LOOP_CHANGE_FD on B has validated a chain through A, A is not torn down (its backing file detached) while B is bound to it',
  holds(s: StateView): boolean {
    const ix = loopIndex(s.layout);
    for (let b = 0; b < ix.bf.length; b++) {
      const code = s.at(ix.bf[b]);
      if (!isFileSlot(code)) continue;
      const a = s.at(ix.fdev[fileSlot(code)]);
      if (a !== 0 && s.at(ix.bf[a - 1]) === FILE_NONE) return false;
    }
    return true;
  },
};

export const stackedIo: Invariant = {
  name: 'stacked-io',
  description: 'I/O through a bound device never fails because a device below it in its chain is not bound',
  holds(s: StateView): boolean {
    return s.at(loopIndex(s.layout).stackedIo) === 0;
  },
};

export const walkSafe: Invariant = {
  name: 'walk-safe',
  description:
    'a loop_validate_file walk never follows a backing file that has been detached (the 2021 NULL-dereference crash)',
  holds(s: StateView): boolean {
    return s.at(loopIndex(s.layout).walkUnsafe) === 0;
  },
};

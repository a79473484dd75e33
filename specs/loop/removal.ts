// Invariants about LOOP_CTL_REMOVE (loop_control_remove, then loop_remove).
// The hazard is the device's lifetime: a loop device freed while something
// still holds it open is a use-after-free at that opener's next ioctl, I/O or
// close. A disk deleted under an opener whose device stays allocated is not
// one (from v5.19 its I/O just fails); test/loop/remove.test.ts shows where
// that happens.

import type { Invariant } from '../../src/engine/model.js';
import type { StateView } from '../../src/engine/state-view.js';
import { MNT_NONE, RM_FREED } from '../../models/loop/encoding.js';
import { loopIndex } from './view.js';

export const noFreeWithOpener: Invariant = {
  name: 'no-free-with-opener',
  description:
    'a loop device LOOP_CTL_REMOVE removed is never freed while it is open: when its memory is freed, no struct file of it or of its partition, no mount of either and no bd_openers count remains (else a use-after-free). v5.17 frees it in loop_remove right after del_gendisk, so there the "no openers" test must be exact: lo_refcnt == 0 under lo_mutex, with lo_open counting under lo_mutex and refusing Lo_deleting (990e78116d38); a0e286b6a5b6 (v5.19) made the test a disk_openers read without open_mutex, safe only because ->free_disk (d2c7f56f8b52) defers the free to the last close',
  holds(s: StateView): boolean {
    const ix = loopIndex(s.layout);
    for (let x = 0; x < ix.rm.length; x++) {
      if (s.at(ix.rm[x]) !== RM_FREED) continue;
      if (s.at(ix.op[x]) > 0 || s.at(ix.pop[x]) > 0 || s.at(ix.mnt[x]) !== MNT_NONE || s.at(ix.pmnt[x]) !== MNT_NONE) return false;
      for (const f of ix.fdev) if (s.at(f) === x + 1) return false;
    }
    return true;
  },
};

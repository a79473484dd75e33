// Invariants about LOOP_CTL_REMOVE (loop_control_remove, then del_gendisk).

import type { Invariant } from '../../src/engine/model.js';
import type { StateView } from '../../src/engine/state-view.js';
import { RM_DELETED } from '../../models/loop/encoding.js';
import { loopIndex } from './view.js';

export const removedNoOpener: Invariant = {
  name: 'removed-no-opener',
  description:
    "LOOP_CTL_REMOVE never deletes a device that has an opener: once del_gendisk has unhashed a removed device's disk, its bd_openers is 0 (990e78116d38 added Lo_deleting so that ->open refuses a device being removed; v5.17 also counts lo_refcnt under lo_mutex, where a surviving opener would outlive the kfree in loop_remove; from a0e286b6a5b6 the test is disk_openers read without open_mutex, and ->free_disk keeps the device until the last close)",
  holds(s: StateView): boolean {
    const ix = loopIndex(s.layout);
    for (let x = 0; x < ix.rm.length; x++) {
      if (s.at(ix.rm[x]) === RM_DELETED && s.at(ix.op[x]) > 0) return false;
    }
    return true;
  },
};

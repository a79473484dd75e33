// Invariants about partitions and about opens that race a rundown.

import type { Invariant } from '../../src/engine/model.js';
import type { StateView } from '../../src/engine/state-view.js';
import { Lo_unbound, PART_NONE } from '../../models/loop/encoding.js';
import { loopIndex } from './view.js';

export const noStalePartitions: Invariant = {
  name: 'no-stale-partitions',
  description:
    "no partition survives a teardown: once __loop_clr_fd has set a device Lo_unbound, its partition table is empty (a rescan refused with -EBUSY while a partition was open leaves stale partitions of the old image)",
  holds(s: StateView): boolean {
    const ix = loopIndex(s.layout);
    for (let x = 0; x < ix.st.length; x++) {
      if (s.at(ix.st[x]) === Lo_unbound && s.at(ix.part[x]) !== PART_NONE) return false;
    }
    return true;
  },
};

export const admittedOpenRundown: Invariant = {
  name: 'admitted-open-rundown',
  description:
    "an open that ->open admitted is never counted (bd_openers++) while the device is Lo_rundown: v6.11's lo_open refuses Lo_rundown, yet an open it admitted can be counted after loop_clr_fd switched the device (before 6.11 no ->open refuses Lo_rundown at all, so the property is v6.11's promise and holds vacuously there)",
  holds(s: StateView): boolean {
    return s.at(loopIndex(s.layout).admittedRundown) === 0;
  },
};

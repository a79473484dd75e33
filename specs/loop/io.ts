// Invariants about what reads return. `stacked-io` and `mount-io` (stacking.ts,
// mount.ts) are about reads that fail; this one is about reads that succeed
// with the wrong data — worse than an error, because nothing tells the reader.

import type { Invariant } from '../../src/engine/model.js';
import type { StateView } from '../../src/engine/state-view.js';
import { loopIndex } from './view.js';

export const readData: Invariant = {
  name: 'read-data',
  description:
    "a read that succeeds returns the backing file's data: never zeros (a loop worker's zero-filled short read of a torn-down lower device) or other data",
  holds(s: StateView): boolean {
    return s.at(loopIndex(s.layout).wrongData) === 0;
  },
};

// All loop-model invariants, in the order reports list them.

import type { Invariant } from '../../src/engine/model.js';
import { mountIo, mountNoTeardown } from './mount.js';
import { stackedIo, stackedNoTeardown, walkSafe } from './stacking.js';
import { openersConsistent, singleTeardown } from './teardown.js';
import { readData } from './io.js';
import { admittedOpenRundown, noStalePartitions } from './partitions.js';
import { noFreeWithOpener } from './removal.js';

export const LOOP_INVARIANTS: readonly Invariant[] = [
  stackedNoTeardown,
  stackedIo,
  mountNoTeardown,
  mountIo,
  readData,
  noStalePartitions,
  admittedOpenRundown,
  noFreeWithOpener,
  singleTeardown,
  walkSafe,
  openersConsistent,
];

export { admittedOpenRundown, noStalePartitions, noFreeWithOpener, readData };
export { mountIo, mountNoTeardown, openersConsistent, singleTeardown, stackedIo, stackedNoTeardown, walkSafe };

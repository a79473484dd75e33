// Scripted scenarios with partitions (issue 13): A (index 0) is bound to the
// image, which holds one partition, with LO_FLAGS_PARTSCAN (losetup -P), so
// A's partition p1 is present at the start; T1 holds an open fd of the whole
// A and runs LOOP_CLR_FD on it, then closes it, as in the other scenarios.

import type { InitDesc } from './types.js';
import { clearer, scripted } from './scripted.js';

const A = 0;
const B = 1;

/** A bound with PARTSCAN (p1 present), struct file f0 on the whole A open in table P1 as fd0. */
const aPartscanOpenByT1: InitDesc = {
  bound: [{ dev: A, backing: 'regular', partscan: true }],
  files: [A],
  fds: [{ table: 0, slot: 0, file: 0 }],
};

export const stackOnPartition = scripted(
  'stack-on-partition',
  "T1 LOOP_CLR_FD(A) + close; T2 opens A's partition p1 and B, LOOP_CONFIGURE(B, its fd of Ap1, AUTOCLEAR) — not a loop device to is_loop_device, so no loop_validate_mutex and no walk — reads B and closes both",
  2,
  () => ({
    tableOf: [0, 1],
    slots: 2,
    init: aPartscanOpenByT1,
    scripts: [
      clearer,
      [
        { op: 'open_part', dev: A, part: 1, fd: 0 },
        { op: 'open', dev: B, fd: 1 },
        { op: 'configure', fd: 1, backing: 0, flags: ['autoclear'] },
        { op: 'read', fd: 1 },
        { op: 'close', fd: 0 },
        { op: 'close', fd: 1 },
      ],
    ],
  }),
);

export const mountPartition = scripted(
  'mount-partition',
  "T1 LOOP_CLR_FD(A) + close while T2 mounts A's partition p1, reads through the mount and unmounts",
  1,
  () => ({
    tableOf: [0, 1],
    slots: 1,
    init: aPartscanOpenByT1,
    scripts: [
      clearer,
      [
        { op: 'mount', dev: A, part: 1 },
        { op: 'mount_read', dev: A, part: 1 },
        { op: 'umount', dev: A, part: 1 },
      ],
    ],
  }),
);

export const stalePartitions = scripted(
  'stale-partitions',
  "a udev-style reader (T2) opens A's partition p1, reads and closes it around T1 LOOP_CLR_FD(A) + close: the teardown's rescan fails with -EBUSY while p1 is open",
  1,
  () => ({
    tableOf: [0, 1],
    slots: 1,
    init: aPartscanOpenByT1,
    scripts: [
      clearer,
      [
        { op: 'open_part', dev: A, part: 1, fd: 0 },
        { op: 'read', fd: 0 },
        { op: 'close', fd: 0 },
      ],
    ],
  }),
);

export const clrViaPartition = scripted(
  'clr-via-partition',
  "T1 holds only an fd of A's partition p1 and issues LOOP_CLR_FD through it (lo_ioctl acts on the whole disk), then closes it; T2 opens, reads and closes the whole A",
  1,
  () => ({
    tableOf: [0, 1],
    slots: 1,
    init: { bound: [{ dev: A, backing: 'regular', partscan: true }], files: [], fds: [] },
    scripts: [
      [{ op: 'open_part', dev: A, part: 1, fd: 0 }, ...clearer],
      [
        { op: 'open', dev: A, fd: 0 },
        { op: 'read', fd: 0 },
        { op: 'close', fd: 0 },
      ],
    ],
  }),
);



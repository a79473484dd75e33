// Scripted scenarios where a second claim or a second thread contends with
// LOOP_CLR_FD: a mount of the whole disk refused while its partition is
// mounted, and a LOOP_CONFIGURE with PARTSCAN issued through the very struct
// file a sibling thread clears and closes. They exist because no other
// scenario refuses a mount for an exclusive holder, issues LOOP_CONFIGURE
// from a thread that shares its fd table, or rescans partitions from
// LOOP_CONFIGURE (v6.11's only rescan that takes open_mutex itself): without
// them, no verdict says anything about those steps.

import { clearer, scripted } from './scripted.js';

const A = 0;

export const mountDiskAndPartition = scripted(
  'mount-disk-and-partition',
  "A is bound with PARTSCAN (p1 present). T1 LOOP_CLR_FD(A) + close while T2, an automounter, mounts A's partition p1, then tries the whole A, reads through the p1 mount and unmounts it. The whole disk cannot be claimed while its partition is (bd_may_claim), so the whole-disk mount fails with -EBUSY while p1 is mounted, and otherwise on the device LOOP_CLR_FD switched or tore down (v6.11: ->open refuses Lo_rundown with -ENXIO); the p1 mount is an opener the racy disk_openers read of (b), (c) and (d) can miss, and a teardown while p1 is held leaves p1 stale",
  1,
  () => ({
    tableOf: [0, 1],
    slots: 1,
    init: {
      bound: [{ dev: A, backing: 'regular', partscan: true }],
      files: [A],
      fds: [{ table: 0, slot: 0, file: 0 }],
    },
    scripts: [
      clearer,
      [
        { op: 'mount', dev: A, part: 1 },
        { op: 'mount', dev: A },
        { op: 'mount_read', dev: A, part: 1 },
        { op: 'umount', dev: A, part: 1 },
      ],
    ],
  }),
);

export const configureSharedFd = scripted(
  'configure-shared-fd',
  "A is unbound and open once (fd0 of one process's table); T2 binds it with LOOP_CONFIGURE(fd0, image, PARTSCAN) and reads it while T1, a thread sharing the table, issues LOOP_CLR_FD(fd0) and closes fd0: the clear can land between the bind's unlock and its partition rescan (which then runs on a device in its rundown or torn down), and the fdget reference T2's ioctl holds can make its fdput the last close of A",
  1,
  () => ({
    tableOf: [0, 0],
    slots: 1,
    init: { bound: [], files: [A], fds: [{ table: 0, slot: 0, file: 0 }] },
    scripts: [
      clearer,
      [
        { op: 'configure', fd: 0, backing: 'regular', flags: ['partscan'] },
        { op: 'read', fd: 0 },
      ],
    ],
  }),
);

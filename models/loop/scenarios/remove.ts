// LOOP_CTL_REMOVE racing an open: the open-vs-remove race that commit
// 990e78116d38 ("block: loop: fix deadlock between open and remove")
// settled with Lo_deleting. Device A is unbound and nobody holds it open;
// T1 removes it through /dev/loop-control while T2 opens it and closes the fd.

import { scripted } from './scripted.js';

const A = 0;

export const removeVsOpen = scripted(
  'remove-vs-open',
  'T1 LOOP_CTL_REMOVE(A) on unbound, unopened A while T2 opens A and closes it',
  1,
  () => ({
    tableOf: [0, 1],
    slots: 1,
    init: { bound: [], files: [], fds: [] },
    scripts: [
      [{ op: 'remove', dev: A }],
      [
        { op: 'open', dev: A, fd: 0 },
        { op: 'close', fd: 0 },
      ],
    ],
  }),
);

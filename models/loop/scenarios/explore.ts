// The `explore` scenario: every thread makes `calls` system calls, each
// chosen nondeterministically from the whole menu (open/close, LOOP_SET_FD
// with a regular file or another fd, LOOP_CHANGE_FD, LOOP_CLR_FD, read,
// mount/umount/read via mount). A thread only issues calls its program could
// sensibly make (close needs an open fd, open needs a free slot, umount a
// mount). With `shared` = 1 all threads share one fd table, so an ioctl on a
// shared fd can race its close and the last close can run lo_release's
// autoclear teardown while another thread is inside LOOP_CLR_FD.
// LOOP_CTL_REMOVE is not on the menu (remove-vs-open scripts it): adding it
// would change every explore count and the figures the README quotes.

import type { Call } from '../calls.js';
import { FILE_NONE, MNT_MOUNTED, MNT_NONE } from '../encoding.js';
import type { Machine } from '../machine.js';
import type { MenuEntry, Scenario } from './types.js';

const hasFd = (k: number) => (m: Machine, d: Uint8Array, t: number) => m.fdRead(d, t, k) !== FILE_NONE;
const noFd = (k: number) => (m: Machine, d: Uint8Array, t: number) => m.fdRead(d, t, k) === FILE_NONE;
const both = (k: number, j: number) => (m: Machine, d: Uint8Array, t: number) =>
  m.fdRead(d, t, k) !== FILE_NONE && m.fdRead(d, t, j) !== FILE_NONE;

export const explore: Scenario = {
  name: 'explore',
  description:
    'every thread chooses each of its `calls` system calls from the whole menu (params devices, threads, calls, fds, shared, bound)',
  scripted: false,
  setup(params) {
    const D = params.devices ?? 2;
    const T = params.threads ?? 2;
    const C = params.calls ?? 3;
    const K = params.fds ?? 2;
    const shared = (params.shared ?? 0) !== 0;
    const bound = params.bound ?? 1;
    if (D < 1) throw new Error('explore needs devices >= 1');
    if (T < 1) throw new Error('explore needs threads >= 1');
    if (bound > D) throw new Error(`explore: bound (${bound}) > devices (${D})`);
    const slots = shared ? T * K : K;
    const menus: MenuEntry[][] = [];
    for (let t = 0; t < T; t++) {
      const own = Array.from({ length: K }, (_, i) => (shared ? t * K + i : i));
      const any = Array.from({ length: slots }, (_, i) => i);
      const menu: MenuEntry[] = [];
      const add = (call: Call, pre?: MenuEntry['pre']) => menu.push({ call, pre });
      for (const k of own) for (let x = 0; x < D; x++) add({ op: 'open', dev: x, fd: k }, noFd(k));
      for (const k of any) {
        add({ op: 'close', fd: k }, hasFd(k));
        add({ op: 'clr', fd: k }, hasFd(k));
        add({ op: 'read', fd: k }, hasFd(k));
        add({ op: 'set_fd', fd: k, backing: 'regular' }, hasFd(k));
        add({ op: 'change_fd', fd: k, backing: 'regular' }, hasFd(k));
        for (const j of any) {
          if (j === k) continue;
          add({ op: 'set_fd', fd: k, backing: j }, both(k, j));
          add({ op: 'change_fd', fd: k, backing: j }, both(k, j));
        }
      }
      for (let x = 0; x < D; x++) {
        add({ op: 'mount', dev: x }, (m, d) => d[m.mnt[x]] === MNT_NONE);
        add({ op: 'mount_read', dev: x }, (m, d) => d[m.mnt[x]] === MNT_MOUNTED);
        add({ op: 'umount', dev: x }, (m, d) => d[m.mnt[x]] === MNT_MOUNTED);
      }
      menus.push(menu);
    }
    return {
      devices: D,
      tableOf: Array.from({ length: T }, (_, t) => (shared ? 0 : t)),
      slots,
      init: {
        bound: Array.from({ length: bound }, (_, x) => ({ dev: x, backing: 'regular' as const, ro: true })),
        files: [],
        fds: [],
      },
      menus,
      calls: C,
    };
  },
};

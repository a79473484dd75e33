// I/O and mounts (shared by all strategies). I/O through a device is one
// atomic step that fails unless the device and every device below it in its
// stacking chain is Lo_bound (loop-driver.md §7); a failure caused by a lower
// device sets ghost.stacked_io_failed, a failure of I/O through a live mount
// sets ghost.mount_io_failed. mount = an exclusive open held for the mount's
// life (ACQ open_mutex, ->open, holder check + bd_openers++, REL open_mutex),
// then a superblock read; umount (or a failed superblock read) drops it via
// blkdev_put.

import { FILE_NONE, LO_STATE_NAMES, MNT_CLOSING, MNT_MOUNTED, MNT_NONE, MNT_OPENING, fileSlot } from '../encoding.js';
import { DEV, REG, type Machine } from '../machine.js';
import type { Fn, Program } from '../program.js';
import type { StrategyFns } from '../strategies/types.js';

const x = (d: Uint8Array, fr: number): number => d[fr + DEV] - 1;

function chainText(m: Machine, s: Uint8Array, dev: number): string {
  const res = m.chain(s, dev);
  if (res === 0) return 'ok';
  if (res === 1) return `-EIO (loop${m.dn(dev + 1)} ${LO_STATE_NAMES[s[m.st[dev]]]})`;
  return '-EIO from a lower device (not bound)';
}

export interface IoFns {
  readonly read: Fn;
  readonly mount: Fn;
  readonly umount: Fn;
  readonly mountRead: Fn;
}

export function defineIo(p: Program, s: StrategyFns, blkdevPut: Fn): IoFns {
  const read = p.fn('read');
  read.step('read', {
    action: 'io',
    outcome: (m, s, t) => {
      const code = m.fdRead(s, t, m.item(s, t).fd);
      if (code === FILE_NONE) return '-EBADF';
      return m.chain(s, s[m.fdev[fileSlot(code)]] - 1) === 0 ? 'ok:pattern' : '-EIO';
    },
    text: (m, s, t) => {
      const k = m.item(s, t).fd;
      const code = m.fdRead(s, t, k);
      if (code === FILE_NONE) return `read(fd${k}): -EBADF`;
      const dv = s[m.fdev[fileSlot(code)]] - 1;
      return `read(fd${k}) via loop${m.dn(dv + 1)}: ${chainText(m, s, dv)}`;
    },
    run: (m, d, t, fr) => {
      const code = m.fdRead(d, t, m.item(d, t).fd);
      if (code !== FILE_NONE && m.chain(d, d[m.fdev[fileSlot(code)]] - 1) === 2) d[m.stackedIo] = 1;
      return m.ret(d, t, fr);
    },
  });

  // mount(X): frame dev = X, r = ->open result.
  const mount = p.fn('mount');
  const claim = mount.at('claim');
  const relErr = mount.at('rel_err');
  mount.step('acq_om', {
    text: (m, s, _t, fr) => `blkdev_get_by_dev (exclusive): ACQ open_mutex(${m.dn(s[fr + DEV])})`,
    run: (m, d, t, fr) => {
      if (!m.acquire(d, m.om[x(d, fr)], t)) return false;
      return s.lo_open ? m.call(d, t, fr, s.lo_open, claim, d[fr + DEV], 0, 0) : m.go(d, fr, claim);
    },
  });
  mount.step('claim', {
    outcome: (m, s, _t, fr) => (s[fr + REG] !== 0 ? '-ENXIO' : s[m.mnt[x(s, fr)]] !== MNT_NONE ? '-EBUSY' : null),
    text: (m, s, _t, fr) => {
      if (s[fr + REG] !== 0) return '->open failed: -ENXIO';
      if (s[m.mnt[x(s, fr)]] !== MNT_NONE) return 'exclusive holder exists: -EBUSY';
      const n = s[m.op[x(s, fr)]];
      return `claim for the mount; bd_openers(${m.dn(s[fr + DEV])})++ (${n} → ${n + 1})`;
    },
    run: (m, d, _t, fr) => {
      const i = x(d, fr);
      if (d[fr + REG] !== 0 || d[m.mnt[i]] !== MNT_NONE) return m.go(d, fr, relErr);
      d[m.mnt[i]] = MNT_OPENING;
      d[m.op[i]]++;
      return m.next(d, fr);
    },
  });
  mount.step('rel_om', {
    text: (m, s, _t, fr) => `REL open_mutex(${m.dn(s[fr + DEV])})`,
    run: (m, d, _t, fr) => {
      m.release(d, m.om[x(d, fr)]);
      return m.next(d, fr);
    },
  });
  mount.step('sb', {
    outcome: (m, s, _t, fr) => (m.chain(s, x(s, fr)) === 0 ? null : '-EIO'),
    text: (m, s, _t, fr) => {
      const res = m.chain(s, x(s, fr));
      return `read superblock via loop${m.dn(s[fr + DEV])}: ${chainText(m, s, x(s, fr))}${res === 0 ? ': mounted' : ': mount fails, blkdev_put'}`;
    },
    run: (m, d, _t, fr) => {
      const i = x(d, fr);
      const res = m.chain(d, i);
      if (res === 0) {
        d[m.mnt[i]] = MNT_MOUNTED;
        return m.ret(d, _t, fr);
      }
      if (res === 2) d[m.stackedIo] = 1;
      d[m.mnt[i]] = MNT_CLOSING;
      return m.tail(d, fr, blkdevPut, d[fr + DEV], 0, 0);
    },
  });
  mount.step('rel_err', {
    text: (m, s, _t, fr) => `REL open_mutex(${m.dn(s[fr + DEV])}): mount fails`,
    run: (m, d, t, fr) => {
      m.release(d, m.om[x(d, fr)]);
      return m.ret(d, t, fr);
    },
  });

  const umount = p.fn('umount');
  umount.step('detach', {
    outcome: (m, s, _t, fr) => (s[m.mnt[x(s, fr)]] === MNT_MOUNTED ? null : '-EINVAL'),
    text: (m, s, _t, fr) =>
      s[m.mnt[x(s, fr)]] === MNT_MOUNTED ? `umount loop${m.dn(s[fr + DEV])}: detach, blkdev_put` : `umount loop${m.dn(s[fr + DEV])}: -EINVAL`,
    run: (m, d, t, fr) => {
      const i = x(d, fr);
      if (d[m.mnt[i]] !== MNT_MOUNTED) return m.ret(d, t, fr);
      d[m.mnt[i]] = MNT_CLOSING;
      return m.tail(d, fr, blkdevPut, d[fr + DEV], 0, 0);
    },
  });

  const mountRead = p.fn('mount_read');
  mountRead.step('read', {
    action: 'io',
    outcome: (m, s, _t, fr) => {
      const i = x(s, fr);
      if (s[m.mnt[i]] !== MNT_MOUNTED) return '-ENOENT';
      return m.chain(s, i) === 0 ? 'ok:pattern' : '-EIO';
    },
    text: (m, s, _t, fr) =>
      s[m.mnt[x(s, fr)]] === MNT_MOUNTED
        ? `read via mount of loop${m.dn(s[fr + DEV])}: ${chainText(m, s, x(s, fr))}`
        : `read via mount of loop${m.dn(s[fr + DEV])}: not mounted`,
    run: (m, d, t, fr) => {
      const i = x(d, fr);
      if (d[m.mnt[i]] === MNT_MOUNTED) {
        const res = m.chain(d, i);
        if (res !== 0) d[m.mountIo] = 1;
        if (res === 2) d[m.stackedIo] = 1;
      }
      return m.ret(d, t, fr);
    },
  });
  return { read, mount, umount, mountRead };
}

// Opening and closing a loop device through the block layer (shared by all
// strategies): open(2) = blkdev_open (ACQ open_mutex, ->open if the strategy
// has one, bd_openers++ and a new struct file, REL open_mutex, fd_install);
// close(2) = fput, whose last reference runs blkdev_release (ACQ open_mutex,
// bd_openers--, ->release, REL open_mutex). A mount's exclusive open is
// released the same way by blkdev_put, without a struct file.

import { FILE_NONE, MNT_NONE, fileSlot, isFileSlot } from '../encoding.js';
import { DEV, FILE, REG, type Machine } from '../machine.js';
import type { Fn, Program } from '../program.js';
import type { StrategyFns } from '../strategies/types.js';
import { fputText } from '../steps.js';

const x = (d: Uint8Array, fr: number): number => d[fr + DEV] - 1;

function lowestFree(m: Machine, s: Uint8Array): string {
  for (let i = 0; i < m.NF; i++) if (s[m.fdev[i]] === 0) return `f${i}`;
  return '?';
}

/** blkdev_release (struct file) or blkdev_put (mount holder). Frame: dev, file (NULL for a mount). */
function defineRelease(p: Program, s: StrategyFns, name: 'blkdev_release' | 'blkdev_put'): Fn {
  const f = p.fn(name);
  const rel = f.at('rel_om');
  f.step('acq_om', {
    text: (m, s, _t, fr) => `ACQ open_mutex(${m.dn(s[fr + DEV])})`,
    run: (m, d, t, fr) => m.acquire(d, m.om[x(d, fr)], t) && m.next(d, fr),
  });
  f.step('dec', {
    text: (m, s, _t, fr) => {
      const n = s[m.op[x(s, fr)]];
      const what = isFileSlot(s[fr + FILE]) ? `free ${m.fnm(s[fr + FILE])}` : 'drop the mount holder';
      return `bd_openers(${m.dn(s[fr + DEV])})-- (${n} → ${n - 1}); ${what}; call ->release`;
    },
    run: (m, d, t, fr) => {
      const i = x(d, fr);
      d[m.op[i]]--;
      const code = d[fr + FILE];
      if (isFileSlot(code)) d[m.fdev[fileSlot(code)]] = 0;
      else d[m.mnt[i]] = MNT_NONE;
      return m.call(d, t, fr, s.lo_release, rel, d[fr + DEV], 0, 0);
    },
  });
  f.step('rel_om', {
    text: (m, s, _t, fr) => `REL open_mutex(${m.dn(s[fr + DEV])})`,
    run: (m, d, t, fr) => {
      m.release(d, m.om[x(d, fr)]);
      return m.ret(d, t, fr);
    },
  });
  return f;
}

export interface FileFns {
  readonly open: Fn;
  readonly close: Fn;
  readonly blkdevRelease: Fn;
  readonly blkdevPut: Fn;
}

export function defineFiles(p: Program, s: StrategyFns): FileFns {
  // open(2) of /dev/loopX into fd slot item.fd. Frame: dev = X, file = new file, r = ->open result.
  const open = p.fn('open');
  const inc = open.at('inc');
  const relErr = open.at('rel_err');
  open.step('acq_om', {
    action: 'blkdev_open',
    text: (m, s, _t, fr) => `ACQ open_mutex(${m.dn(s[fr + DEV])})${m.shape.extraDeviceFields && s ? '' : ''}`,
    run: (m, d, t, fr) => {
      if (!m.acquire(d, m.om[x(d, fr)], t)) return false;
      return s.lo_open ? m.call(d, t, fr, s.lo_open, inc, d[fr + DEV], 0, 0) : m.go(d, fr, inc);
    },
  });
  open.step('inc', {
    action: 'blkdev_open',
    outcome: (_m, s, _t, fr) => (s[fr + REG] !== 0 ? '-ENXIO' : null),
    text: (m, s, _t, fr) => {
      if (s[fr + REG] !== 0) return '->open failed: -ENXIO';
      const n = s[m.op[x(s, fr)]];
      return `bd_openers(${m.dn(s[fr + DEV])})++ (${n} → ${n + 1}); new struct file ${lowestFree(m, s)}`;
    },
    run: (m, d, _t, fr) => {
      if (d[fr + REG] !== 0) return m.go(d, fr, relErr);
      const i = x(d, fr);
      d[fr + FILE] = m.newFile(d, i);
      d[m.op[i]]++;
      return m.next(d, fr);
    },
  });
  open.step('rel_om', {
    action: 'blkdev_open',
    text: (m, s, t, fr) => `REL open_mutex(${m.dn(s[fr + DEV])}); fd_install(fd${m.item(s, t).fd} = ${m.fnm(s[fr + FILE])})`,
    run: (m, d, t, fr) => {
      m.release(d, m.om[x(d, fr)]);
      d[m.fd[m.tableOf[t]][m.item(d, t).fd]] = d[fr + FILE];
      return m.ret(d, t, fr);
    },
  });
  open.step('rel_err', {
    action: 'blkdev_open',
    text: (m, s, _t, fr) => `REL open_mutex(${m.dn(s[fr + DEV])}): open fails`,
    run: (m, d, t, fr) => {
      m.release(d, m.om[x(d, fr)]);
      return m.ret(d, t, fr);
    },
  });

  // close(2) of fd slot item.fd: remove it from the table and fput.
  const close = p.fn('close');
  close.step('close', {
    outcome: (m, s, t) => (m.fdRead(s, t, m.item(s, t).fd) === FILE_NONE ? '-EBADF' : null),
    text: (m, s, t, fr) => {
      const k = m.item(s, t).fd;
      const code = m.fdRead(s, t, k);
      if (code === FILE_NONE) return `close(fd${k}): -EBADF`;
      return `close(fd${k}): ${fputText(m, s, code)}`;
    },
    run: (m, d, t, fr) => {
      const slot = m.fd[m.tableOf[t]][m.item(d, t).fd];
      const code = d[slot];
      if (code === FILE_NONE) return m.ret(d, t, fr);
      d[slot] = FILE_NONE;
      return m.fput(d, t, fr, code, null);
    },
  });

  const blkdevRelease = defineRelease(p, s, 'blkdev_release');
  const blkdevPut = defineRelease(p, s, 'blkdev_put');
  return { open, close, blkdevRelease, blkdevPut };
}

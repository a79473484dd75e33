// Opening and closing a loop device through the block layer (shared by all
// strategies): open(2) = blkdev_open (ACQ open_mutex, ->open if the strategy
// has one, bd_openers++ and a new struct file, REL open_mutex, fd_install);
// close(2) = fput, whose last reference runs blkdev_release (ACQ open_mutex,
// bd_openers--, ->release, REL open_mutex, then the disk reference's put,
// which frees a device LOOP_CTL_REMOVE deleted if it was the last: 5.19+'s
// ->free_disk). A mount's exclusive open is released the same way by
// blkdev_put, without a struct file.
//
// Partition p1 (blkdev_get_part / blkdev_put_part) shares the disk's
// open_mutex and has its own bd_openers; it opens the whole disk (->open and
// bd_openers++ of the disk) on its first open only up to 6.10, on every open
// from 6.11 (the strategy's partitionOpensEach), and releases it the same way,
// after open_partitions--. The last close of a bdev drops its page cache
// (blkdev_flush_mapping → kill_bdev). A partition that is not in the
// partition table cannot be opened (its node is gone: -ENOENT; the lookup is
// merged into the open_mutex step). Nor can a device whose disk
// LOOP_CTL_REMOVE deleted (-ENXIO, control-remove.ts).

import { FILE_NONE, MNT_NONE, PART_NONE, PC_NONE, RM_FREED, fileSlot, isFileSlot } from '../encoding.js';
import { DEV, FILE, REG, type Machine } from '../machine.js';
import type { Fn, Program } from '../program.js';
import type { StrategyFns } from '../strategies/types.js';
import { fputText } from '../steps.js';
import { DELETED_TEXT, freeDiskText, lastReferenceFrees } from './control-remove.js';
import { countOpen, countText, opensWhole } from './io.js';

const x = (d: Uint8Array, fr: number): number => d[fr + DEV] - 1;

/** The partition a release frame drops: its struct file's, or (a mount holder) the mount item's. */
function partOf(m: Machine, d: Uint8Array, t: number, fr: number): number {
  const code = d[fr + FILE];
  return isFileSlot(code) ? d[m.fpart[fileSlot(code)]] : m.item(d, t).part;
}

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
    text: (m, s, t, fr) => {
      const i = x(s, fr);
      const n = s[m.op[i]];
      const code = s[fr + FILE];
      const what = isFileSlot(code) ? `free ${m.fnm(code)}` : 'drop the mount holder';
      const whole = `bd_openers(${m.dn(s[fr + DEV])})-- (${n} → ${n - 1})${n === 1 ? ', kill_bdev' : ''}`;
      if (partOf(m, s, t, fr) === 0) return `${whole}; ${what}; call ->release`;
      const k = s[m.pop[i]];
      const p = `bd_openers(${m.dn(s[fr + DEV])}p1)-- (${k} → ${k - 1})${k === 1 ? ', kill_bdev, open_partitions--' : ''}; ${what}`;
      const last = k === 1;
      return m.shape.partitionOpensEach || last ? `${p}; ${whole}; call ->release` : `${p}; the whole disk stays open`;
    },
    run: (m, d, t, fr) => {
      const i = x(d, fr);
      const code = d[fr + FILE];
      const part = partOf(m, d, t, fr);
      if (isFileSlot(code)) {
        d[m.fdev[fileSlot(code)]] = 0;
        d[m.fpart[fileSlot(code)]] = 0;
      } else d[(part ? m.pmnt : m.mnt)[i]] = MNT_NONE;
      if (part !== 0) {
        if (--d[m.pop[i]] === 0) d[m.ppc[i]] = PC_NONE;
        else if (!m.shape.partitionOpensEach) return m.go(d, fr, rel);
      }
      if (--d[m.op[i]] === 0) d[m.pc[i]] = PC_NONE;
      return m.call(d, t, fr, s.lo_release, rel, d[fr + DEV], 0, 0);
    },
  });
  // REL open_mutex, then blkdev_put_no_open's put of the disk: the last one
  // of a disk LOOP_CTL_REMOVE deleted frees the device (->free_disk).
  f.step('rel_om', {
    text: (m, s, _t, fr) =>
      `REL open_mutex(${m.dn(s[fr + DEV])})${lastReferenceFrees(m, s, x(s, fr)) ? freeDiskText(m.dn(s[fr + DEV])) : ''}`,
    run: (m, d, t, fr) => {
      const i = x(d, fr);
      m.release(d, m.om[i]);
      if (lastReferenceFrees(m, d, i)) d[m.rm[i]] = RM_FREED;
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
  // open(2) of /dev/loopX (or its p1) into fd slot item.fd. Frame: dev = X, file = new file, r = ->open result.
  const open = p.fn('open');
  const inc = open.at('inc');
  const relErr = open.at('rel_err');
  open.step('acq_om', {
    action: 'blkdev_open',
    outcome: (m, s, t, fr) =>
      m.item(s, t).part && s[m.part[x(s, fr)]] === PART_NONE ? '-ENOENT' : m.diskDeleted(s, x(s, fr)) ? '-ENXIO' : null,
    text: (m, s, t, fr) =>
      m.item(s, t).part && s[m.part[x(s, fr)]] === PART_NONE
        ? `open(/dev/loop${m.dn(s[fr + DEV])}p1): no such partition: -ENOENT`
        : `ACQ open_mutex(${m.dn(s[fr + DEV])})${m.diskDeleted(s, x(s, fr)) ? `: ${DELETED_TEXT}` : ''}`,
    run: (m, d, t, fr) => {
      const i = x(d, fr);
      const part = m.item(d, t).part;
      if (part && d[m.part[i]] === PART_NONE) return m.ret(d, t, fr);
      if (!m.acquire(d, m.om[i], t)) return false;
      if (m.diskDeleted(d, i)) return m.go(d, fr, relErr);
      const callsOpen = s.lo_open && (!part || opensWhole(m, d, i));
      return callsOpen ? m.call(d, t, fr, s.lo_open!, inc, d[fr + DEV], 0, 0) : m.go(d, fr, inc);
    },
  });
  open.step('inc', {
    action: 'blkdev_open',
    outcome: (_m, s, _t, fr) => (s[fr + REG] !== 0 ? '-ENXIO' : null),
    text: (m, s, t, fr) => {
      if (s[fr + REG] !== 0) return '->open failed: -ENXIO';
      return `${countText(m, s, x(s, fr), m.item(s, t).part)}; new struct file ${lowestFree(m, s)}`;
    },
    run: (m, d, t, fr) => {
      if (d[fr + REG] !== 0) return m.go(d, fr, relErr);
      const i = x(d, fr);
      const part = m.item(d, t).part;
      countOpen(m, d, i, part);
      d[fr + FILE] = m.newFile(d, i, part);
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

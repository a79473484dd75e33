// Reads and mounts (shared by all strategies). What a read returns is decided
// by read-path.ts (page caches, capacity, loop_queue_rq, the worker's
// zero-filled short read); this file turns it into steps and ghosts: an error
// caused by a lower device sets ghost.stacked_io_failed, an error through a
// live mount ghost.mount_io_failed, zeros returned as data
// ghost.read_wrong_data. mount = an exclusive open of the whole disk or of
// its partition p1 held for the mount's life (ACQ open_mutex, ->open where the
// block layer calls it, holder check + the opener counts, REL open_mutex),
// then a superblock read through that bdev's page cache; umount (or a failed
// superblock read) drops it via blkdev_put. The holder check is
// bd_may_claim's: a bdev held by another holder refuses the claim (-EBUSY),
// and so does the whole disk while its partition is claimed (a partition's
// claim marks the whole disk's holder as bd_may_claim) and the partition
// while the whole disk is claimed. (A second mount of the same bdev by the
// same file system type would instead share the superblock; the model's
// mounts are all of one bdev's exclusive holder, and no scenario mounts one
// bdev twice.)

import {
  FILE_NONE, Lo_rundown, MNT_CLOSING, MNT_MOUNTED, MNT_NONE, MNT_OPENING, PART_NONE, RD_DATA, RD_EIO_LOWER, RD_EIO_TOP,
  fileSlot, readOutcome,
} from '../encoding.js';
import { DEV, REG, type Machine } from '../machine.js';
import type { Fn, Program } from '../program.js';
import type { StrategyFns } from '../strategies/types.js';
import { DELETED_TEXT } from './control-remove.js';
import { rescan, rescanText } from './partitions.js';
import { fileRead, mountedRead, noteRead, readText, superblockRead } from './read-path.js';

const x = (d: Uint8Array, fr: number): number => d[fr + DEV] - 1;

/** The bdev a mount item names: its holder field, and its name. */
const holder = (m: Machine, d: Uint8Array, t: number, i: number): number => (m.item(d, t).part ? m.pmnt[i] : m.mnt[i]);

/**
 * Why an exclusive claim of device i's whole disk (part 0) or p1 fails now
 * (bd_may_claim), or null: the bdev itself has a holder, or the other of the
 * two (whole disk, partition) is claimed. Holders change only under open_mutex.
 */
export function claimRefusal(m: Machine, d: Uint8Array, i: number, part: number): string | null {
  const own = part ? m.pmnt[i] : m.mnt[i];
  const other = part ? m.mnt[i] : m.pmnt[i];
  if (d[own] !== MNT_NONE) return 'exclusive holder exists: -EBUSY';
  if (d[other] === MNT_NONE) return null;
  const x = m.dn(i + 1);
  return part ? `loop${x} is claimed by another holder (bd_may_claim): -EBUSY` : `loop${x}p1 is claimed, loop${x} is held for it (bd_may_claim): -EBUSY`;
}
const bdevName = (m: Machine, s: Uint8Array, t: number, fr: number): string =>
  `loop${m.dn(s[fr + DEV])}${m.item(s, t).part ? 'p1' : ''}`;

/** Whether opening partition p1 of device i now opens the whole disk (->open, bd_openers++). */
export const opensWhole = (m: Machine, d: Uint8Array, i: number): boolean => m.shape.partitionOpensEach || d[m.pop[i]] === 0;

/**
 * The opener counts of an open of (i, part) that passed ->open, with the
 * pending partition rescan of the whole-disk open. Where ->open refuses
 * Lo_rundown, it ran for this count, so a count taken in Lo_rundown is an
 * open it admitted before loop_clr_fd switched the device: flagged.
 */
export function countOpen(m: Machine, d: Uint8Array, i: number, part: number): void {
  if (part === 0 || opensWhole(m, d, i)) {
    if (d[m.ns[i]]) rescan(m, d, i);
    d[m.op[i]]++;
    if (m.shape.openRefusesRundown && d[m.st[i]] === Lo_rundown) d[m.admittedRundown] = 1;
  }
  if (part !== 0) d[m.pop[i]]++;
}

export function countText(m: Machine, s: Uint8Array, i: number, part: number): string {
  const n = s[m.op[i]];
  const scan = s[m.ns[i]] ? `GD_NEED_PART_SCAN: ${rescanText(m, s, i)}; ` : '';
  const whole = `${scan}bd_openers(${m.dn(i + 1)})++ (${n} → ${n + 1})`;
  if (part === 0) return whole;
  const k = s[m.pop[i]];
  const p = `bd_openers(${m.dn(i + 1)}p1)++ (${k} → ${k + 1})${k === 0 ? ', open_partitions++' : ''}`;
  return opensWhole(m, s, i) ? `${whole}; ${p}` : `${p} (the whole disk is already open for p1)`;
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
    outcome: (m, s, t) => readStepOutcome(m, s, t),
    text: (m, s, t) => {
      const k = m.item(s, t).fd;
      const code = m.fdRead(s, t, k);
      if (code === FILE_NONE) return `read(fd${k}): -EBADF`;
      const i = fileSlot(code);
      const part = s[m.fpart[i]];
      const dv = s[m.fdev[i]] - 1;
      const hit = s[part ? m.ppc[dv] : m.pc[dv]] !== 0 ? ' (page cache)' : '';
      return `read(fd${k}) via loop${m.dn(dv + 1)}${part ? 'p1' : ''}${hit}: ${readText(fileRead(m, s, dv, part, false))}`;
    },
    run: (m, d, t, fr) => {
      const code = m.fdRead(d, t, m.item(d, t).fd);
      if (code !== FILE_NONE) {
        const i = fileSlot(code);
        noteRead(m, d, fileRead(m, d, d[m.fdev[i]] - 1, d[m.fpart[i]], true), false);
      }
      return m.ret(d, t, fr);
    },
  });

  // mount(X or Xp1): frame dev = X, r = ->open result.
  const mount = p.fn('mount');
  const claim = mount.at('claim');
  const relErr = mount.at('rel_err');
  mount.step('acq_om', {
    outcome: (m, s, t, fr) =>
      m.item(s, t).part && s[m.part[x(s, fr)]] === PART_NONE ? '-ENOENT' : m.diskDeleted(s, x(s, fr)) ? '-ENXIO' : null,
    text: (m, s, t, fr) =>
      m.item(s, t).part && s[m.part[x(s, fr)]] === PART_NONE
        ? `mount(/dev/${bdevName(m, s, t, fr)}): no such partition: -ENOENT`
        : `blkdev_get_by_dev${m.item(s, t).part ? `(${bdevName(m, s, t, fr)}, exclusive)` : ' (exclusive)'}: ACQ open_mutex(${m.dn(s[fr + DEV])})${m.diskDeleted(s, x(s, fr)) ? `: ${DELETED_TEXT}` : ''}`,
    run: (m, d, t, fr) => {
      const i = x(d, fr);
      const part = m.item(d, t).part;
      if (part && d[m.part[i]] === PART_NONE) return m.ret(d, t, fr);
      if (!m.acquire(d, m.om[i], t)) return false;
      if (m.diskDeleted(d, i)) return m.go(d, fr, relErr);
      // A partition mount whose claim will fail never reaches ->open (bd_prepare_to_claim fails first).
      const callsOpen = s.lo_open && (!part || (opensWhole(m, d, i) && claimRefusal(m, d, i, part) === null));
      return callsOpen ? m.call(d, t, fr, s.lo_open!, claim, d[fr + DEV], 0, 0) : m.go(d, fr, claim);
    },
  });
  mount.step('claim', {
    outcome: (m, s, t, fr) => (s[fr + REG] !== 0 ? '-ENXIO' : claimRefusal(m, s, x(s, fr), m.item(s, t).part) !== null ? '-EBUSY' : null),
    text: (m, s, t, fr) => {
      if (s[fr + REG] !== 0) return '->open failed: -ENXIO';
      const i = x(s, fr);
      const refused = claimRefusal(m, s, i, m.item(s, t).part);
      if (refused !== null) return refused;
      return `claim for the mount; ${countText(m, s, i, m.item(s, t).part)}`;
    },
    run: (m, d, t, fr) => {
      const i = x(d, fr);
      const h = holder(m, d, t, i);
      if (d[fr + REG] !== 0 || claimRefusal(m, d, i, m.item(d, t).part) !== null) return m.go(d, fr, relErr);
      d[h] = MNT_OPENING;
      countOpen(m, d, i, m.item(d, t).part);
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
    outcome: (m, s, t, fr) => {
      const r = superblockRead(m, s, x(s, fr), m.item(s, t).part, false);
      return r === RD_DATA ? null : r === RD_EIO_TOP || r === RD_EIO_LOWER ? '-EIO' : '-EINVAL';
    },
    text: (m, s, t, fr) => {
      const r = superblockRead(m, s, x(s, fr), m.item(s, t).part, false);
      return `read superblock via ${bdevName(m, s, t, fr)}: ${readText(r)}${r === RD_DATA ? ': mounted' : ': mount fails, blkdev_put'}`;
    },
    run: (m, d, t, fr) => {
      const i = x(d, fr);
      const r = superblockRead(m, d, i, m.item(d, t).part, true);
      const h = holder(m, d, t, i);
      if (r === RD_DATA) {
        d[h] = MNT_MOUNTED;
        return m.ret(d, t, fr);
      }
      noteRead(m, d, r, false);
      d[h] = MNT_CLOSING;
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
    outcome: (m, s, t, fr) => (s[holder(m, s, t, x(s, fr))] === MNT_MOUNTED ? null : '-EINVAL'),
    text: (m, s, t, fr) =>
      s[holder(m, s, t, x(s, fr))] === MNT_MOUNTED
        ? `umount ${bdevName(m, s, t, fr)}: detach, blkdev_put`
        : `umount ${bdevName(m, s, t, fr)}: -EINVAL`,
    run: (m, d, t, fr) => {
      const h = holder(m, d, t, x(d, fr));
      if (d[h] !== MNT_MOUNTED) return m.ret(d, t, fr);
      d[h] = MNT_CLOSING;
      return m.tail(d, fr, blkdevPut, d[fr + DEV], 0, 0);
    },
  });

  const mountRead = p.fn('mount_read');
  mountRead.step('read', {
    action: 'io',
    outcome: (m, s, t, fr) =>
      s[holder(m, s, t, x(s, fr))] === MNT_MOUNTED ? readOutcome(mountedRead(m, s, x(s, fr), false)) : '-ENOENT',
    text: (m, s, t, fr) =>
      s[holder(m, s, t, x(s, fr))] === MNT_MOUNTED
        ? `read via mount of ${bdevName(m, s, t, fr)}: ${readText(mountedRead(m, s, x(s, fr), false))}`
        : `read via mount of ${bdevName(m, s, t, fr)}: not mounted`,
    run: (m, d, t, fr) => {
      const i = x(d, fr);
      if (d[holder(m, d, t, i)] === MNT_MOUNTED) noteRead(m, d, mountedRead(m, d, i, true), true);
      return m.ret(d, t, fr);
    },
  });
  return { read, mount, umount, mountRead };
}

/** The outcome of a read step, as conform observes it (for StepSpec.outcome). */
export function readStepOutcome(m: Machine, s: Uint8Array, t: number): string {
  const code = m.fdRead(s, t, m.item(s, t).fd);
  if (code === FILE_NONE) return '-EBADF';
  const i = fileSlot(code);
  return readOutcome(fileRead(m, s, s[m.fdev[i]] - 1, s[m.fpart[i]], false));
}

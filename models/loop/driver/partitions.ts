// bdev_disk_changed: the partition rescan that loop_configure (after its
// unlock, when LO_FLAGS_PARTSCAN is set) and __loop_clr_fd (PARTSCAN) run,
// and that an open of the whole disk runs inside its open_mutex section when
// GD_NEED_PART_SCAN is pending (set by disk_force_media_change at bind, at
// LOOP_CHANGE_FD and at teardown; up to 6.10 between ->open and
// bd_openers++, from 6.11 after it — one step in the model either way).
// It takes the disk's open_mutex unless the calling thread already holds it
// (the release path), and gives up with -EBUSY while a partition is open
// (open_partitions > 0), leaving the partition table as it is — after a
// teardown that is a stale partition. Otherwise it drops the whole disk's
// page cache (invalidate_bdev) and the partitions (with their caches) and,
// when partition scanning is enabled (PARTSCAN; otherwise
// GD_SUPPRESS_PART_SCAN) and the disk has a capacity, reads the partition
// table (read_part_sector: sector 0 through the whole disk's page cache, so
// the read goes through loop_queue_rq and a page it returns stays cached),
// adds p1 again if that read returned the data and the data carries a
// table, and clears GD_NEED_PART_SCAN. A device that is not Lo_bound (e.g.
// rescanned after LOOP_CLR_FD switched it to Lo_rundown) fails the read and
// gets no partition. The model's image has one partition; a device's data
// has a table when it is backed by that image or by the whole disk of a
// device whose data has one (a partition's data has none). Frame: dev =
// disk, r = 1 if it took open_mutex itself.

import { FILE_NONE, FILE_REGULAR, PART_NONE, PART_PRESENT, PC_DATA, PC_NONE, PC_ZEROS, RD_DATA, RD_ZEROS, fileSlot, isFileSlot } from '../encoding.js';
import { DEV, REG, type Machine } from '../machine.js';
import type { Fn, Program } from '../program.js';
import { queueRead } from './read-path.js';

const x = (d: Uint8Array, fr: number): number => d[fr + DEV] - 1;

/** Whether device i's data holds the image's partition table: bound to the image, or to the whole disk of a device whose data holds it. */
function hasTable(m: Machine, d: Uint8Array, i: number, hops = 0): boolean {
  const b = d[m.bf[i]];
  if (b === FILE_REGULAR) return true;
  if (!isFileSlot(b) || hops > m.D) return false;
  const f = fileSlot(b);
  return d[m.fpart[f]] === 0 && hasTable(m, d, d[m.fdev[f]] - 1, hops + 1);
}

/**
 * The partition-table read of a rescan of device i whose page cache was just
 * dropped: null when none is made (no PARTSCAN, or capacity 0), else what
 * loop_queue_rq and the devices below return (fill: cache what they return).
 */
function tableRead(m: Machine, d: Uint8Array, i: number, fill: boolean): number | null {
  if (!d[m.ps[i]] || d[m.bf[i]] === FILE_NONE) return null;
  return queueRead(m, d, i, fill);
}

/** The effect of bdev_disk_changed on device i (open_mutex held): false if it gave up with -EBUSY. */
export function rescan(m: Machine, d: Uint8Array, i: number): boolean {
  if (d[m.pop[i]] > 0) return false;
  d[m.pc[i]] = PC_NONE;
  d[m.ppc[i]] = PC_NONE;
  const r = tableRead(m, d, i, true);
  if (r === RD_DATA) d[m.pc[i]] = PC_DATA;
  if (r === RD_ZEROS) d[m.pc[i]] = PC_ZEROS;
  d[m.part[i]] = r === RD_DATA && hasTable(m, d, i) ? PART_PRESENT : PART_NONE;
  d[m.ns[i]] = 0;
  return true;
}

function tableText(m: Machine, s: Uint8Array, i: number): string {
  const r = tableRead(m, s, i, false);
  if (r === null) return 'no partition added';
  if (r === RD_DATA) return hasTable(m, s, i) ? `read the partition table (page cached): add ${m.dn(i + 1)}p1` : 'read sector 0 (page cached): no partition table';
  if (r === RD_ZEROS) return 'read sector 0: zeros (page cached), no partition table';
  return 'read sector 0: -EIO, no partition added';
}

export function rescanText(m: Machine, s: Uint8Array, i: number): string {
  const d = m.dn(i + 1);
  if (s[m.pop[i]] > 0) return `open_partitions(${d}) > 0: -EBUSY, partitions left as they are`;
  return `invalidate_bdev(${d}); drop ${d}'s partitions; ${tableText(m, s, i)}`;
}

export function defineRescan(p: Program): Fn {
  const f = p.fn('bdev_disk_changed');
  f.step('acq_om', {
    text: (m, s, t, fr) =>
      s[m.om[x(s, fr)]] === t + 1 ? `open_mutex(${m.dn(s[fr + DEV])}) already held (release path)` : `ACQ open_mutex(${m.dn(s[fr + DEV])})`,
    run: (m, d, t, fr) => {
      const om = m.om[x(d, fr)];
      if (d[om] === t + 1) {
        d[fr + REG] = 0;
        return m.next(d, fr);
      }
      if (!m.acquire(d, om, t)) return false;
      d[fr + REG] = 1;
      return m.next(d, fr);
    },
  });
  f.step('scan', {
    text: (m, s, _t, fr) => rescanText(m, s, x(s, fr)),
    run: (m, d, t, fr) => {
      rescan(m, d, x(d, fr));
      return d[fr + REG] ? m.next(d, fr) : m.ret(d, t, fr);
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

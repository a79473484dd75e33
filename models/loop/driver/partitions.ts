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
// GD_SUPPRESS_PART_SCAN), the disk has a capacity and its data carries a
// partition table, adds p1 again, and clears GD_NEED_PART_SCAN. The model's image has one partition; a device's data has a table
// when it is backed by that image or by the whole disk of a device backed by
// it (a partition's data has none). Frame: dev = disk, r = 1 if it took
// open_mutex itself.

import { FILE_NONE, PART_NONE, PART_PRESENT, PC_NONE, fileSlot, isFileSlot } from '../encoding.js';
import { DEV, REG, type Machine } from '../machine.js';
import type { Fn, Program } from '../program.js';

const x = (d: Uint8Array, fr: number): number => d[fr + DEV] - 1;

/** Whether device i's data (as the rescan would read it) holds the image's partition table. */
function hasTable(m: Machine, d: Uint8Array, i: number): boolean {
  const b = d[m.bf[i]];
  if (b === FILE_NONE) return false;
  return !isFileSlot(b) || d[m.fpart[fileSlot(b)]] === 0;
}

/** The effect of bdev_disk_changed on device i (open_mutex held): false if it gave up with -EBUSY. */
export function rescan(m: Machine, d: Uint8Array, i: number): boolean {
  if (d[m.pop[i]] > 0) return false;
  d[m.pc[i]] = PC_NONE;
  d[m.ppc[i]] = PC_NONE;
  d[m.part[i]] = d[m.ps[i]] && hasTable(m, d, i) ? PART_PRESENT : PART_NONE;
  d[m.ns[i]] = 0;
  return true;
}

export function rescanText(m: Machine, s: Uint8Array, i: number): string {
  const d = m.dn(i + 1);
  if (s[m.pop[i]] > 0) return `open_partitions(${d}) > 0: -EBUSY, partitions left as they are`;
  const add = s[m.ps[i]] && hasTable(m, s, i) ? `add ${d}p1` : 'no partition added';
  return `invalidate_bdev(${d}); drop ${d}'s partitions; ${add}`;
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

// LOOP_CTL_REMOVE (loop_control_remove, then loop_remove's del_gendisk), for
// strategies to compose: the function is the same in every code state but
// for two things the strategy hands in (loop-driver.md §3.1): its "no
// openers" test — lo_refcnt == 0 in (a) v5.17, disk_openers == 0 read
// without open_mutex in (b)–(d) (removeCheckByOpeners below) — and when the
// loop device's memory is freed (DeviceLifetime below).
//
// Abstractions (README, "The model's abstraction, honestly"):
// * loop_ctl_mutex is not a lock field. It guards only loop_index_idr here:
//   the hide (idr_find + idr_visible := false), the show on -EBUSY and
//   loop_remove's idr_remove are each a short section with no other lock
//   taken inside and nothing else in the model taking it, so each is one
//   atomic step on the device's `removal` field; it adds no lock-order edge
//   and no interleaving the field does not already give.
// * del_gendisk is its open_mutex section (remove_inode_hash: from then on
//   the block layer's disk_live check refuses every open, blk_drop_partitions)
//   and the rest merged into the REL step (GD_DEAD, capacity 0, device_del,
//   idr_remove, put_disk, and in v5.17 the kfree): nothing after the section
//   is observable through the model's fields (an unbound device already
//   reads 0 bytes).
// * The freed device stays in the state as a tombstone (removal `freed`):
//   an opener that got in keeps its struct file and its close runs the
//   ordinary release path on it, which in v5.17 is a use-after-free; the
//   no-free-with-opener invariant says whether one can exist.

import { Lo_deleting, Lo_unbound, LO_STATE_NAMES, PART_NONE, RM_DELETED, RM_FREED, RM_HIDDEN, RM_VISIBLE } from '../encoding.js';
import type { Machine } from '../machine.js';
import type { Fn, Program, Ref, StepSpec } from '../program.js';
import { acquire, frameDevName as dn, frameDev as x, release, statement } from '../steps.js';

/**
 * An open or mount of a device LOOP_CTL_REMOVE deleted: the block layer's
 * disk_live check under open_mutex fails (an open(2) issued after the node is
 * gone fails earlier, -ENOENT; the model does not tell the two apart, and
 * neither touches the device).
 */
export const DELETED_TEXT = 'disk not live (del_gendisk unhashed it): -ENXIO';

/**
 * When the loop device's memory is freed (loop-driver.md §3.1, "The device
 * object is freed later by ->free_disk (5.19+) or by the remove path (5.17)"):
 * * `loop_remove`: v5.17's loop_remove kfree()s it right after del_gendisk,
 *   whoever still holds it open;
 * * `free_disk`: from v5.19 (d2c7f56f8b52) lo_free_disk frees it when the
 *   disk's last reference goes: at loop_remove's put_disk if nothing holds
 *   the device open, else at the last close (freeAtLastReference below).
 */
export type DeviceLifetime = 'loop_remove' | 'free_disk';

/**
 * Whether the close path's end (blkdev_put_no_open dropping the disk
 * reference the open took) frees device i: LOOP_CTL_REMOVE deleted it, it is
 * not freed yet (only a `free_disk` lifetime leaves it so) and nothing holds
 * it open any more, so this was the last reference and ->free_disk runs.
 */
export function lastReferenceFrees(m: Machine, s: Uint8Array, i: number): boolean {
  return m.rm.length > 0 && s[m.rm[i]] === RM_DELETED && !m.hasOpener(s, i);
}

/** The label of that free, for device name `d`. */
export const freeDiskText = (d: string): string => `; last reference of deleted ${d}: ->free_disk frees loop${d}`;

/** The strategy's "can this device be removed?" step under lo_mutex: to `busy` (-EBUSY) if not, else the next step. */
export type RemoveCheck = (busy: Ref) => StepSpec;

/**
 * The test of (b)–(d): st == Lo_unbound and disk_openers == 0, the count read
 * without open_mutex (it can be stale by the next step). The Lo_deleting store
 * follows with nothing that can sleep in between: a stall window.
 */
export const removeCheckByOpeners: RemoveCheck = (busy) =>
  statement({
    backToBack: (m, s, _t, fr) => s[m.st[x(s, fr)]] === Lo_unbound && s[m.op[x(s, fr)]] === 0,
    outcome: (m, s, _t, fr) => (s[m.st[x(s, fr)]] !== Lo_unbound || s[m.op[x(s, fr)]] > 0 ? '-EBUSY' : null),
    text: (m, s, _t, fr) => {
      const i = x(s, fr);
      const st = s[m.st[i]];
      const d = dn(m, s, fr);
      if (st !== Lo_unbound) return `st(${d}) == ${LO_STATE_NAMES[st]}: -EBUSY`;
      const n = s[m.op[i]];
      return `st(${d}) == Lo_unbound; read disk_openers(${d}) == ${n}${n > 0 ? ': -EBUSY' : ''}`;
    },
    run: (m, d, _t, fr) => {
      const i = x(d, fr);
      if (d[m.st[i]] !== Lo_unbound || d[m.op[i]] > 0) return busy;
    },
  });

/** loop_control_remove(dev) and loop_remove's del_gendisk. Frame: dev = the device. */
export function defineControlRemove(p: Program, check: RemoveCheck, lifetime: DeviceLifetime): Fn {
  const f = p.fn('loop_control_remove');
  const busy = f.at('busy');
  f.step('hide', statement({
    outcome: (m, s, _t, fr) => (s[m.rm[x(s, fr)]] !== RM_VISIBLE ? '-ENODEV' : null),
    text: (m, s, _t, fr) => {
      const r = s[m.rm[x(s, fr)]];
      const what = r === RM_VISIBLE ? 'visible: idr_visible := false' : r === RM_HIDDEN ? 'hidden by another remove: -ENODEV' : 'not in the idr: -ENODEV';
      return `ACQ loop_ctl_mutex; idr_find(loop${dn(m, s, fr)}) ${what}; REL loop_ctl_mutex`;
    },
    run: (m, d, _t, fr) => {
      const i = x(d, fr);
      if (d[m.rm[i]] !== RM_VISIBLE) return 'ret';
      d[m.rm[i]] = RM_HIDDEN;
    },
  }));
  f.step('acq_lm', acquire('lo_mutex'));
  f.step('check', check(busy));
  f.step('deleting', statement({
    text: (m, s, _t, fr) => `st(${dn(m, s, fr)}) := Lo_deleting`,
    run: (m, d, _t, fr) => {
      d[m.st[x(d, fr)]] = Lo_deleting;
    },
  }));
  f.step('rel_lm', release('lo_mutex', { note: '; loop_remove' }));
  // del_gendisk: its open_mutex section, then the rest with the release.
  f.step('acq_om', acquire('open_mutex', { action: 'del_gendisk' }));
  f.step('unhash', statement({
    action: 'del_gendisk',
    text: (m, s, _t, fr) => {
      const n = s[m.op[x(s, fr)]];
      return `remove_inode_hash: no new open finds loop${dn(m, s, fr)}; blk_drop_partitions; bd_openers(${dn(m, s, fr)}) == ${n}${n > 0 ? ': deleted under an opener' : ''}`;
    },
    run: (m, d, _t, fr) => {
      const i = x(d, fr);
      d[m.rm[i]] = RM_DELETED;
      d[m.part[i]] = PART_NONE;
    },
  }));
  // The rest of loop_remove: put_disk, and the free the strategy's lifetime says.
  const relOm = release('open_mutex', {
    action: 'del_gendisk',
    note: (m, s, _t, fr) => {
      const d = dn(m, s, fr);
      const open = m.hasOpener(s, x(s, fr));
      const tail = '; GD_DEAD, capacity 0, device_del; idr_remove; put_disk';
      if (lifetime === 'loop_remove') return `${tail}; kfree(loop${d})${open ? ' while it is open: use-after-free' : ''}`;
      return open ? `${tail}: loop${d} still open, ->free_disk waits for its last close` : `${tail}: last reference, ->free_disk frees loop${d}`;
    },
    then: 'ret',
  });
  f.step('rel_om', {
    ...relOm,
    run: (m, d, t, fr) => {
      const i = x(d, fr);
      if (lifetime === 'loop_remove' || !m.hasOpener(d, i)) d[m.rm[i]] = RM_FREED;
      return relOm.run(m, d, t, fr);
    },
  });
  // -EBUSY: unlock, make the device visible again.
  f.step('busy', release('lo_mutex', { error: '-EBUSY' }));
  f.step('show', statement({
    text: (m, s, _t, fr) => `ACQ loop_ctl_mutex; idr_visible(loop${dn(m, s, fr)}) := true; REL loop_ctl_mutex`,
    then: 'ret',
    run: (m, d, _t, fr) => {
      d[m.rm[x(d, fr)]] = RM_VISIBLE;
    },
  }));
  return f;
}

// What the contention scenarios (models/loop/scenarios/contention.ts) rely
// on, checked over every transition of their state graphs: bd_may_claim's
// rule that a disk and its partition cannot both be claimed, a partition
// rescan that reads its table through loop_queue_rq (no partition for a
// device that is not Lo_bound, a cached page for one that is), and the
// fdget reference of an ioctl on a shared fd table outliving a close.

import { describe, expect, it } from 'vitest';
import { Lo_bound, Lo_rundown, MNT_MOUNTED, PART_NONE, PC_DATA } from '../../models/loop/encoding.js';
import { exploreTraced } from '../../src/engine/bfs.js';
import type { Model } from '../../src/engine/model.js';
import { STRATEGY_NAMES, build } from './helpers.js';

interface Seen {
  readonly label: string;
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
}

/** Every transition of the full search of (strategy, scenario) whose label matches `re`. */
function transitions(model: Model, re: RegExp): Seen[] {
  const out: Seen[] = [];
  const { result } = exploreTraced(model, { invariants: [], checkDeadlock: false }, (_id, a, src, dst) => {
    const l = model.label(a, src);
    const label = `${l.thread} ${l.action}: ${l.step ?? ''}`;
    if (re.test(label)) out.push({ label, src: src.slice(), dst: dst.slice() });
  });
  expect(result.complete).toBe(true);
  return out;
}

const field = (model: Model, name: string) => model.layout.index(name);

describe('mount-disk-and-partition: the whole disk is never claimed while its partition is', () => {
  for (const strategy of STRATEGY_NAMES) {
    it(`${strategy}: the whole-disk mount fails in every interleaving, with -EBUSY while p1 is held`, () => {
      const model = build(strategy, 'mount-disk-and-partition');
      const mntA = field(model, 'A.mount');
      const mntP1 = field(model, 'Ap1.mount');
      const claims = transitions(model, /^T2 mount: /);
      const refused = claims.filter((c) => c.label.endsWith('loopAp1 is claimed, loopA is held for it (bd_may_claim): -EBUSY'));
      expect(refused.length).toBeGreaterThan(0);
      for (const c of refused) expect(c.src[mntP1]).not.toBe(0);
      // No transition anywhere leaves the whole disk mounted.
      expect(claims.every((c) => c.dst[mntA] !== MNT_MOUNTED)).toBe(true);
      expect(transitions(model, /^T2 mount: read superblock via loopA: the backing file's data: mounted$/)).toEqual([]);
    });
  }

  it('v6.11: once LOOP_CLR_FD switched A to Lo_rundown, ->open refuses the whole-disk mount (-ENXIO)', () => {
    const model = build('v6.11', 'mount-disk-and-partition');
    const st = field(model, 'A.lo_state');
    const refused = transitions(model, /^T2 lo_open: st\(A\) == Lo_rundown: -ENXIO$/);
    expect(refused.length).toBeGreaterThan(0);
    for (const c of refused) expect(c.src[st]).toBe(Lo_rundown);
  });
});

describe('configure-shared-fd: the PARTSCAN rescan of LOOP_CONFIGURE reads the table through the queue', () => {
  for (const strategy of STRATEGY_NAMES) {
    it(`${strategy}: p1 is added only to a Lo_bound A (page 0 then cached); on a device LOOP_CLR_FD switched, the read fails`, () => {
      const model = build(strategy, 'configure-shared-fd');
      const st = field(model, 'A.lo_state');
      const pc = field(model, 'A.page_cache');
      const part = field(model, 'Ap1.present');
      const added = transitions(model, /^T2 bdev_disk_changed: .*read the partition table \(page cached\): add Ap1$/);
      expect(added.length).toBeGreaterThan(0);
      for (const c of added) {
        expect(c.src[st]).toBe(Lo_bound);
        expect(c.dst[pc]).toBe(PC_DATA);
      }
      const failed = transitions(model, /^T2 bdev_disk_changed: .*read sector 0: -EIO, no partition added$/);
      expect(failed.length).toBeGreaterThan(0);
      for (const c of failed) {
        expect(c.src[st]).toBe(Lo_rundown);
        expect(c.dst[part]).toBe(PART_NONE);
      }
    });
  }

  it("the fdget reference of T2's LOOP_CONFIGURE makes its fdput A's last close once T1 has closed fd0; only v6.11 tears A down there", () => {
    for (const strategy of STRATEGY_NAMES) {
      const model = build(strategy, 'configure-shared-fd');
      const lastPut = transitions(model, /^T2 ioctl: fdput: fput\(f0\) f_count 1 → 0: last reference/);
      expect(lastPut.length, strategy).toBeGreaterThan(0);
      const t2Teardown = transitions(model, /^T2 __loop_clr_fd: /);
      // v6.11's LOOP_CLR_FD sets AUTOCLEAR and defers the teardown to the last close;
      // the others tear down in the ioctl, so the release T2's fdput runs finds nothing to clear.
      if (strategy === 'v6.11') expect(t2Teardown.length).toBeGreaterThan(0);
      else if (['pre-patch', 'post-patch', 'v5.17'].includes(strategy)) expect(t2Teardown, strategy).toEqual([]);
    }
  });
});

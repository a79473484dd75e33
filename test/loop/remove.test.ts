// LOOP_CTL_REMOVE against an open (scenario remove-vs-open), per code state
// (loop-driver.md §3.1 and §4, "open in D", "D → (freed)"): an open that
// arrives while the device is Lo_deleting is refused by lo_open with -ENXIO
// in v5.17 and v6.11 and succeeds in pre-patch and post-patch (no ->open);
// once del_gendisk has run, every strategy's open fails at the block layer;
// v5.17 frees the device in loop_remove, the others at the last close
// (->free_disk). no-free-with-opener holds in all four and fails in a
// v5.17 given a0e286b6a5b6's disk_openers test (test/fixtures); a disk
// deleted under an opener — behaviour, not a violation — is reachable where
// the README says.

import { describe, expect, it } from 'vitest';
import { RM_DELETED, RM_FREED } from '../../models/loop/encoding.js';
import { loopInternals, type LoopInternals } from '../../models/loop/model.js';
import { explore } from '../../src/engine/bfs.js';
import type { Invariant, Model } from '../../src/engine/model.js';
import type { Trace } from '../../src/engine/result.js';
import { StateView } from '../../src/engine/state-view.js';
import { buildV5_17DiskOpeners } from '../fixtures/v5-17-disk-openers.js';
import { grammarOf, parses } from './grammar.js';
import { build, run } from './helpers.js';

const T1 = 0;
const T2 = 1;

interface Walk {
  state: Uint8Array;
  readonly lines: string[];
  /** What the last call a thread finished returned (the last step that decided). */
  readonly outcome: Map<number, string>;
}

/** Thread t's steps, one at a time, while `more(next step's name)` holds. */
function steps(model: Model, li: LoopInternals, w: Walk, t: number, more: (name: string) => boolean): void {
  const a = li.actionOf(t);
  for (let n = 0; n < 100; n++) {
    const name = li.stepName(a, w.state);
    if (name === null || !more(name)) return;
    const decided = li.outcomeOf(a, w.state);
    const label = model.label(a, w.state);
    const dst = w.state.slice();
    expect(model.step(a, w.state, dst), `${label.thread} ${name} blocked`).toBe(true);
    if (decided !== null) w.outcome.set(t, decided);
    w.lines.push(`${label.thread} ${label.action}: ${label.step}`);
    w.state = dst;
  }
  throw new Error('no end');
}

/** Thread t's next call, whole. */
function call(model: Model, li: LoopInternals, w: Walk, t: number): string {
  w.outcome.set(t, 'ok');
  const m = li.machine;
  const done = w.state[m.done[t]];
  steps(model, li, w, t, () => w.state[m.done[t]] === done);
  return w.outcome.get(t)!;
}

function start(strategy: string): { model: Model; li: LoopInternals; w: Walk } {
  const model = build(strategy, 'remove-vs-open');
  const li = loopInternals(model)!;
  return { model, li, w: { state: model.initialStates()[0], lines: [], outcome: new Map() } };
}

const noFreeWithOpener = (model: Model, s: Uint8Array): boolean =>
  model.invariants.find((i) => i.name === 'no-free-with-opener')!.holds(new StateView(model.layout, s));

/** Device A's removal field (visible, hidden, deleted, freed) in state s. */
const removalOfA = (li: LoopInternals, s: Uint8Array): number => s[li.machine.rm[0]];

const lineOf = (x: Trace['steps'][number]): string => `${x.label!.thread} ${x.label!.action}: ${x.label!.step}`;

describe('an open while LOOP_CTL_REMOVE has the device in Lo_deleting', () => {
  for (const strategy of ['v5.17', 'v6.11']) {
    it(`${strategy}: lo_open refuses it with -ENXIO, and the device is removed with no opener`, () => {
      const { model, li, w } = start(strategy);
      // T1 up to loop_remove: Lo_deleting set, lo_mutex dropped, del_gendisk not yet begun.
      steps(model, li, w, T1, (n) => n !== 'loop_control_remove:acq_om');
      expect(w.lines.at(-2)).toBe('T1 loop_control_remove: st(A) := Lo_deleting');
      const mark = w.lines.length;
      expect(call(model, li, w, T2)).toBe('-ENXIO');
      expect(w.lines.slice(mark)).toEqual([
        'T2 blkdev_open: ACQ open_mutex(A)',
        'T2 lo_open: ACQ lo_mutex(A)',
        'T2 lo_open: st(A) == Lo_deleting: -ENXIO',
        'T2 lo_open: REL lo_mutex(A): -ENXIO',
        'T2 blkdev_open: ->open failed: -ENXIO',
        'T2 blkdev_open: REL open_mutex(A): open fails',
      ]);
      expect(call(model, li, w, T1)).toBe('ok');
      expect(w.lines.at(-2)).toBe('T1 del_gendisk: remove_inode_hash: no new open finds loopA; blk_drop_partitions; bd_openers(A) == 0');
      // v5.17 frees in loop_remove, v6.11 by ->free_disk at put_disk's last reference: freed at once either way.
      const tail = 'T1 del_gendisk: REL open_mutex(A); GD_DEAD, capacity 0, device_del; idr_remove; put_disk';
      expect(w.lines.at(-1)).toBe(strategy === 'v5.17' ? `${tail}; kfree(loopA)` : `${tail}: last reference, ->free_disk frees loopA`);
      expect(removalOfA(li, w.state)).toBe(RM_FREED);
      expect(noFreeWithOpener(model, w.state)).toBe(true);
      // The failed open installed no fd: the close fails.
      expect(call(model, li, w, T2)).toBe('-EBADF');
    });
  }

  for (const strategy of ['pre-patch', 'post-patch']) {
    it(`${strategy}: no ->open, so it succeeds; del_gendisk deletes the disk under that opener and ->free_disk frees the device at its close`, () => {
      const { model, li, w } = start(strategy);
      steps(model, li, w, T1, (n) => n !== 'loop_control_remove:acq_om');
      expect(w.lines.at(-2)).toBe('T1 loop_control_remove: st(A) := Lo_deleting');
      const mark = w.lines.length;
      expect(call(model, li, w, T2)).toBe('ok');
      expect(w.lines.slice(mark)).toEqual([
        'T2 blkdev_open: ACQ open_mutex(A)',
        'T2 blkdev_open: bd_openers(A)++ (0 → 1); new struct file f0',
        'T2 blkdev_open: REL open_mutex(A); fd_install(fd0 = f0)',
      ]);
      expect(call(model, li, w, T1)).toBe('ok');
      expect(w.lines.slice(-2)).toEqual([
        'T1 del_gendisk: remove_inode_hash: no new open finds loopA; blk_drop_partitions; bd_openers(A) == 1: deleted under an opener',
        'T1 del_gendisk: REL open_mutex(A); GD_DEAD, capacity 0, device_del; idr_remove; put_disk: loopA still open, ->free_disk waits for its last close',
      ]);
      expect(removalOfA(li, w.state)).toBe(RM_DELETED);
      expect(noFreeWithOpener(model, w.state)).toBe(true);
      // The opener's close runs the ordinary release path of a device that is no longer bound, then frees it.
      expect(call(model, li, w, T2)).toBe('ok');
      expect(w.lines).toContain('T2 lo_release: read disk_openers(A) == 0: last close');
      expect(w.lines).toContain('T2 lo_release: st(A) == Lo_deleting, AUTOCLEAR == 0: nothing to clear');
      expect(w.lines.at(-1)).toBe('T2 blkdev_release: REL open_mutex(A); last reference of deleted A: ->free_disk frees loopA');
      expect(removalOfA(li, w.state)).toBe(RM_FREED);
      expect(noFreeWithOpener(model, w.state)).toBe(true);
    });
  }
});

describe('LOOP_CTL_REMOVE and an open, each whole', () => {
  for (const strategy of ['pre-patch', 'post-patch', 'v5.17', 'v6.11']) {
    it(`${strategy}: an open after the remove fails at the block layer; a remove after the open is -EBUSY and leaves the device`, () => {
      const after = start(strategy);
      expect(call(after.model, after.li, after.w, T1)).toBe('ok');
      expect(call(after.model, after.li, after.w, T2)).toBe('-ENXIO');
      expect(after.w.lines.slice(-2)).toEqual([
        'T2 blkdev_open: ACQ open_mutex(A): disk not live (del_gendisk unhashed it): -ENXIO',
        'T2 blkdev_open: REL open_mutex(A): open fails',
      ]);

      const before = start(strategy);
      expect(call(before.model, before.li, before.w, T2)).toBe('ok');
      expect(call(before.model, before.li, before.w, T1)).toBe('-EBUSY');
      const counted = strategy === 'v5.17' ? 'lo_refcnt(A) == 1' : 'read disk_openers(A) == 1';
      expect(before.w.lines.slice(-3)).toEqual([
        `T1 loop_control_remove: st(A) == Lo_unbound; ${counted}: -EBUSY`,
        'T1 loop_control_remove: REL lo_mutex(A): -EBUSY',
        'T1 loop_control_remove: ACQ loop_ctl_mutex; idr_visible(loopA) := true; REL loop_ctl_mutex',
      ]);
      const m = before.li.machine;
      expect(before.w.state[m.st[0]]).toBe(0); // still Lo_unbound
      expect(before.w.state[m.rm[0]]).toBe(0); // visible again
    });
  }
});

describe('no-free-with-opener', () => {
  const verdictOf = (model: Model) => explore(model, { invariants: ['no-free-with-opener'] }).outcomes.find((o) => o.invariant === 'no-free-with-opener')!;

  for (const strategy of ['pre-patch', 'post-patch', 'v5.17', 'v6.11']) {
    it(`${strategy}: holds, every interleaving and stall (v5.17: lo_refcnt and lo_open under lo_mutex; the others free at the last close)`, () => {
      expect(run(strategy, 'remove-vs-open').result.outcomes.find((o) => o.invariant === 'no-free-with-opener')!.verdict).toBe('holds');
    });
  }

  it("fails in v5.17 given a0e286b6a5b6's disk_openers test without its ->free_disk: loop_remove frees an open device", () => {
    const model = buildV5_17DiskOpeners('remove-vs-open');
    const o = verdictOf(model);
    expect(o.verdict).toBe('violated');
    const lines = o.trace!.steps.slice(1).map(lineOf);
    expect(lines.length).toBe(14);
    // lo_open counted lo_refcnt and let go of lo_mutex; the remover reads disk_openers, which the open has not yet raised.
    const admitted = lines.indexOf('T2 lo_open: REL lo_mutex(A)');
    expect(lines[admitted - 1]).toBe('T2 lo_open: st(A) == Lo_unbound: lo_refcnt(A)++ (0 → 1)');
    expect(lines.slice(admitted + 1, admitted + 6)).toEqual([
      'T1 loop_control_remove: ACQ lo_mutex(A)',
      'T1 loop_control_remove: st(A) == Lo_unbound; read disk_openers(A) == 0',
      'T1 loop_control_remove: st(A) := Lo_deleting',
      'T1 loop_control_remove: REL lo_mutex(A); loop_remove',
      'T2 blkdev_open: bd_openers(A)++ (0 → 1); new struct file f0',
    ]);
    expect(lines.slice(-3)).toEqual([
      'T1 del_gendisk: ACQ open_mutex(A)',
      'T1 del_gendisk: remove_inode_hash: no new open finds loopA; blk_drop_partitions; bd_openers(A) == 1: deleted under an opener',
      'T1 del_gendisk: REL open_mutex(A); GD_DEAD, capacity 0, device_del; idr_remove; put_disk; kfree(loopA) while it is open: use-after-free',
    ]);
    const last = o.trace!.steps.at(-1)!.state;
    expect(removalOfA(loopInternals(model)!, last)).toBe(RM_FREED);
    // It needs the opener to stall between lo_open and bd_openers++ (at most 2 steps in a window: the remover stalls too).
    expect(verdictOf(buildV5_17DiskOpeners('remove-vs-open', { windowSteps: 1 })).verdict).toBe('holds');
    expect(verdictOf(buildV5_17DiskOpeners('remove-vs-open', { windowSteps: 2 })).verdict).toBe('violated');
  });
});

describe('a disk deleted while an opener holds it: behaviour of (b)–(d), not a violation', () => {
  /** The shortest trace to a state where A's disk is deleted while something holds A open (null: unreachable). */
  const deletedUnderOpener = (strategy: string, windowSteps: number): Trace | null => {
    const model = build(strategy, 'remove-vs-open', { windowSteps });
    const m = loopInternals(model)!.machine;
    const probe: Invariant = {
      name: 'never-deleted-under-opener',
      description: "A's disk is never deleted while something holds A open",
      holds: (s) => {
        const v = s.copy();
        return !(m.diskDeleted(v, 0) && m.hasOpener(v, 0));
      },
    };
    const r = explore({ ...model, invariants: [probe], partialOrder: undefined }, { invariants: [probe.name], checkDeadlock: false });
    expect(r.complete).toBe(true);
    const o = r.outcomes.find((x) => x.invariant === probe.name)!;
    return o.verdict === 'violated' ? o.trace! : null;
  };

  it('pre-patch and post-patch reach it with every statement atomic (an open between the Lo_deleting store and del_gendisk); the device stays allocated', () => {
    for (const strategy of ['pre-patch', 'post-patch']) {
      const t = deletedUnderOpener(strategy, 0)!;
      const lines = t.steps.slice(1).map(lineOf);
      expect(lines.indexOf('T2 blkdev_open: bd_openers(A)++ (0 → 1); new struct file f0')).toBeGreaterThan(lines.indexOf('T1 loop_control_remove: st(A) := Lo_deleting'));
      expect(removalOfA(loopInternals(build(strategy, 'remove-vs-open'))!, t.steps.at(-1)!.state)).toBe(RM_DELETED);
    }
  });

  it('v6.11 reaches it only through a stall: the opener between lo_open and bd_openers++ over the remover\'s lo_mutex, read and Lo_deleting store', () => {
    const t = deletedUnderOpener('v6.11', -1)!;
    const lines = t.steps.slice(1).map(lineOf);
    const admitted = lines.indexOf('T2 lo_open: REL lo_mutex(A)');
    expect(lines.slice(admitted + 1, admitted + 6)).toEqual([
      'T1 loop_control_remove: ACQ lo_mutex(A)',
      'T1 loop_control_remove: st(A) == Lo_unbound; read disk_openers(A) == 0',
      'T1 loop_control_remove: st(A) := Lo_deleting',
      'T1 loop_control_remove: REL lo_mutex(A); loop_remove',
      'T2 blkdev_open: bd_openers(A)++ (0 → 1); new struct file f0',
    ]);
    expect(removalOfA(loopInternals(build('v6.11', 'remove-vs-open'))!, t.steps.at(-1)!.state)).toBe(RM_DELETED);
    expect(deletedUnderOpener('v6.11', 0)).toBeNull();
    // The remover's lo_mutex and its read of disk_openers == 0 fit in the opener's window, the count in the remover's.
    expect(deletedUnderOpener('v6.11', 1)).toBeNull();
    const k2 = deletedUnderOpener('v6.11', 2)!.steps.slice(1).map(lineOf);
    const read = k2.indexOf('T1 loop_control_remove: st(A) == Lo_unbound; read disk_openers(A) == 0');
    expect(k2[read - 2]).toBe('T2 lo_open: REL lo_mutex(A)');
    expect(k2[read + 1]).toBe('T2 blkdev_open: bd_openers(A)++ (0 → 1); new struct file f0');
    expect(k2[read + 2]).toBe('T1 loop_control_remove: st(A) := Lo_deleting');
  });

  it('v5.17 never reaches it: lo_refcnt is counted and read under lo_mutex, and lo_open refuses Lo_deleting', () => {
    expect(deletedUnderOpener('v5.17', -1)).toBeNull();
  });
});

describe('the step grammar of LOOP_CTL_REMOVE rejects illegal orders', () => {
  const hide = 'ACQ loop_ctl_mutex; idr_find(loopA) visible: idr_visible := false; REL loop_ctl_mutex';
  it('Lo_deleting is stored only after the no-openers test, under lo_mutex', () => {
    const g = grammarOf('post-patch', 1).loop_control_remove;
    expect(parses([hide, 'ACQ lo_mutex(A)', 'st(A) == Lo_unbound; read disk_openers(A) == 0', 'st(A) := Lo_deleting', 'REL lo_mutex(A); loop_remove'], g)).toBe(true);
    expect(parses([hide, 'ACQ lo_mutex(A)', 'st(A) := Lo_deleting'], g)).toBe(false);
    expect(parses([hide, 'st(A) == Lo_unbound; read disk_openers(A) == 0'], g)).toBe(false);
    expect(parses([hide, 'ACQ lo_mutex(A)', 'st(A) == Lo_unbound; read disk_openers(A) == 1', 'st(A) := Lo_deleting'], g)).toBe(false);
  });
  it('v5.17 tests lo_refcnt, the others disk_openers; lo_open refuses Lo_deleting in v5.17 and v6.11', () => {
    expect(parses([hide, 'ACQ lo_mutex(A)', 'st(A) == Lo_unbound; read disk_openers(A) == 0'], grammarOf('v5.17', 1).loop_control_remove)).toBe(false);
    expect(parses([hide, 'ACQ lo_mutex(A)', 'st(A) == Lo_unbound; lo_refcnt(A) == 0'], grammarOf('v5.17', 1).loop_control_remove)).toBe(true);
    expect(parses([hide, 'ACQ lo_mutex(A)', 'st(A) == Lo_unbound; lo_refcnt(A) == 0'], grammarOf('v6.11', 1).loop_control_remove)).toBe(false);
    for (const st of ['v5.17', 'v6.11']) {
      expect(parses(['ACQ lo_mutex(A)', 'st(A) == Lo_deleting: -ENXIO', 'REL lo_mutex(A): -ENXIO'], grammarOf(st, 1).lo_open)).toBe(true);
    }
    expect(parses(['ACQ lo_mutex(A)', 'st(A) == Lo_deleting: lo_refcnt(A)++ (0 → 1)'], grammarOf('v5.17', 1).lo_open)).toBe(false);
    expect(parses(['ACQ lo_mutex(A)', 'st(A) == Lo_deleting: ok'], grammarOf('v6.11', 1).lo_open)).toBe(false);
  });
  it('del_gendisk unhashes the disk inside its open_mutex section', () => {
    const g = grammarOf('pre-patch', 1).del_gendisk;
    expect(parses(['remove_inode_hash: no new open finds loopA; blk_drop_partitions; bd_openers(A) == 0'], g)).toBe(false);
    const unhash = ['ACQ open_mutex(A)', 'remove_inode_hash: no new open finds loopA; blk_drop_partitions; bd_openers(A) == 0'];
    const put = 'REL open_mutex(A); GD_DEAD, capacity 0, device_del; idr_remove; put_disk';
    expect(parses([...unhash, `${put}: last reference, ->free_disk frees loopA`], g)).toBe(true);
    // Every remove says when the device is freed: at once in v5.17, by ->free_disk in the others.
    expect(parses([...unhash, put], g)).toBe(false);
    expect(parses([...unhash, `${put}; kfree(loopA)`], g)).toBe(false);
    expect(parses([...unhash, `${put}; kfree(loopA)`], grammarOf('v5.17', 1).del_gendisk)).toBe(true);
    expect(parses([...unhash, `${put}: last reference, ->free_disk frees loopA`], grammarOf('v5.17', 1).del_gendisk)).toBe(false);
  });
  it('only a tree with ->free_disk frees a removed device at a close', () => {
    const close = ['ACQ open_mutex(A)', 'bd_openers(A)-- (1 → 0), kill_bdev; free f0; call ->release'];
    const freed = 'REL open_mutex(A); last reference of deleted A: ->free_disk frees loopA';
    expect(parses([...close, freed], grammarOf('post-patch', 1).blkdev_release)).toBe(true);
    expect(parses([...close, freed], grammarOf('v5.17', 1).blkdev_release)).toBe(false);
    expect(parses([...close, 'REL open_mutex(A)'], grammarOf('v5.17', 1).blkdev_release)).toBe(true);
  });
});

// Partitions and what reads return (issue 13): exact shortest
// counterexamples of the three new invariants, how each version counts
// partition opens, stacking on a partition without loop_validate_mutex,
// LOOP_CONFIGURE's flags, and reads served by the page cache. Counts and
// lengths were measured, not chosen; a change is a change of the model's
// semantics and must be explained.

import { describe, expect, it } from 'vitest';
import type { Call } from '../../models/loop/calls.js';
import { buildLoopModel } from '../../models/loop/model.js';
import type { InitDesc, Scenario } from '../../models/loop/scenarios/types.js';
import { STRATEGIES } from '../../models/loop/strategies/index.js';
import { StateView } from '../../src/engine/state-view.js';
import { run } from './helpers.js';

const trace = (strategy: string, scenario: string, inv: string): string[] => {
  const o = run(strategy, scenario).result.outcomes.find((x) => x.invariant === inv)!;
  expect(o.verdict, `${strategy} ${scenario} ${inv}`).toBe('violated');
  return o.trace!.steps.slice(1).map((s) => `${s.label!.thread} ${s.label!.action}: ${s.label!.step}`);
};

/** One thread running `script` on device A bound to the image (PARTSCAN: p1 present) with no fd open. */
function solo(script: readonly Call[], init?: InitDesc): Scenario {
  return {
    name: 'solo',
    description: 'one thread on bound A',
    scripted: true,
    setup: () => ({
      devices: 2,
      tableOf: [0],
      slots: 3,
      init: init ?? { bound: [{ dev: 0, backing: 'regular', partscan: true }], files: [], fds: [] },
      scripts: [script],
    }),
  };
}

/** Run a one-thread model to its end: its labels and its final state's fields by name. */
function runSolo(strategy: string, script: readonly Call[], init?: InitDesc): { labels: string[]; at: (f: string) => string } {
  const model = buildLoopModel(STRATEGIES.find((s) => s.name === strategy)!, solo(script, init), {});
  let s = model.initialStates()[0];
  const labels: string[] = [];
  for (let n = 0; n < 500; n++) {
    const d = s.slice();
    if (!model.step(0, s, d)) break;
    const l = model.label(0, s);
    labels.push(`${l.action}: ${l.step}`);
    s = d;
  }
  expect(model.isTerminal!(new StateView(model.layout, s))).toBe(true);
  const L = model.layout;
  return { labels, at: (f) => L.format(L.index(f), s[L.index(f)]) };
}

describe('shortest counterexamples of the new invariants', () => {
  it('read-data, post-patch × stack-shared-fd (25 steps): B reads zeros once A is torn down under it', () => {
    const ls = trace('post-patch', 'stack-shared-fd', 'read-data');
    expect(ls).toHaveLength(25);
    const detach = ls.findIndex((l) => l.startsWith('T1 __loop_clr_fd: filp := lo_backing_file(A) = regular file; lo_backing_file(A) := NULL'));
    expect(detach).toBeGreaterThanOrEqual(0);
    expect(ls[24]).toBe('T2 io: read(fd1) via loopB: zeros (a short read below was zero-filled)');
  });

  it('no-stale-partitions, post-patch × stale-partitions (16 steps): p1 opened in the rundown makes the teardown rescan fail', () => {
    const ls = trace('post-patch', 'stale-partitions', 'no-stale-partitions');
    expect(ls).toHaveLength(16);
    const at = (s: string) => ls.indexOf(s);
    const rundown = at('T1 loop_clr_fd: openers == 1: st(A) := Lo_rundown');
    const open = at('T2 blkdev_open: bd_openers(A)++ (1 → 2); bd_openers(Ap1)++ (0 → 1), open_partitions++; new struct file f1');
    const busy = at('T1 bdev_disk_changed: open_partitions(A) > 0: -EBUSY, partitions left as they are');
    expect([rundown, open, busy].every((i) => i >= 0)).toBe(true);
    expect(rundown).toBeLessThan(open);
    expect(open).toBeLessThan(busy);
    expect(ls[15]).toBe('T1 __loop_clr_fd: st(A) := Lo_unbound');
  });

  it('admitted-open-rundown, v6.11 × stack-independent (10 steps): lo_open admits, loop_clr_fd switches, then the open is counted', () => {
    const ls = trace('v6.11', 'stack-independent', 'admitted-open-rundown');
    expect(ls).toHaveLength(10);
    const admit = ls.indexOf('T2 lo_open: st(A) == Lo_bound: ok');
    const read = ls.indexOf('T1 loop_clr_fd: st(A) == Lo_bound: AUTOCLEAR(A) := 1; read disk_openers(A) == 1');
    const rundown = ls.indexOf('T1 loop_clr_fd: openers == 1: st(A) := Lo_rundown (teardown deferred to the last close)');
    expect(admit).toBeGreaterThanOrEqual(0);
    expect(admit).toBeLessThan(read);
    expect(read).toBeLessThan(rundown);
    expect(ls[9]).toBe('T2 blkdev_open: bd_openers(A)++ (1 → 2); new struct file f1');
  });

  it('v6.11 keeps every partition across a teardown; the other three leave stale ones', () => {
    for (const sc of ['stack-on-partition', 'mount-partition', 'stale-partitions', 'clr-via-partition', 'mount-disk-and-partition']) {
      const verdict = (s: string) => run(s, sc).result.outcomes.find((o) => o.invariant === 'no-stale-partitions')!.verdict;
      const builtIn = STRATEGIES.map((s) => s.name);
      expect(builtIn, sc).toContain('v6.11');
      expect(builtIn.map(verdict), sc).toEqual(builtIn.map((s) => (s === 'v6.11' ? 'holds' : 'violated')));
    }
  });
});

describe('partition opens count toward disk_openers once (up to 6.10) or each time (6.11+)', () => {
  const script: Call[] = [
    { op: 'open_part', dev: 0, part: 1, fd: 0 },
    { op: 'open_part', dev: 0, part: 1, fd: 1 },
    { op: 'clr', fd: 0 },
  ];

  it('post-patch: two opens of p1 are one opener, so LOOP_CLR_FD through one of them tears A down and the rescan fails', () => {
    const { labels, at } = runSolo('post-patch', script);
    expect(labels).toContain('blkdev_open: bd_openers(A)++ (0 → 1); bd_openers(Ap1)++ (0 → 1), open_partitions++; new struct file f0');
    expect(labels).toContain('blkdev_open: bd_openers(Ap1)++ (1 → 2) (the whole disk is already open for p1); new struct file f1');
    expect(labels).toContain('loop_clr_fd: st(A) == Lo_bound; read disk_openers(A) == 1');
    expect(labels).toContain('bdev_disk_changed: open_partitions(A) > 0: -EBUSY, partitions left as they are');
    expect([at('A.lo_state'), at('Ap1.present'), at('A.bd_openers'), at('Ap1.bd_openers')]).toEqual(['Lo_unbound', '1', '1', '2']);
  });

  it('v6.11: each open of p1 runs lo_open and counts, so LOOP_CLR_FD only sets AUTOCLEAR', () => {
    const { labels, at } = runSolo('v6.11', script);
    expect(labels.filter((l) => l === 'lo_open: st(A) == Lo_bound: ok')).toHaveLength(2);
    expect(labels).toContain('blkdev_open: bd_openers(A)++ (1 → 2); bd_openers(Ap1)++ (1 → 2); new struct file f1');
    expect(labels).toContain('loop_clr_fd: st(A) == Lo_bound: AUTOCLEAR(A) := 1; read disk_openers(A) == 2: not the sole opener');
    expect([at('A.lo_state'), at('A.AUTOCLEAR'), at('A.bd_openers')]).toEqual(['Lo_bound', '1', '2']);
  });

  it('v6.11: the close of the last partition opener runs the deferred teardown, and its rescan drops p1', () => {
    const { labels, at } = runSolo('v6.11', [
      { op: 'open_part', dev: 0, part: 1, fd: 0 },
      { op: 'clr', fd: 0 },
      { op: 'close', fd: 0 },
    ]);
    expect(labels).toContain('blkdev_release: bd_openers(Ap1)-- (1 → 0), kill_bdev, open_partitions--; free f0; bd_openers(A)-- (1 → 0), kill_bdev; call ->release');
    expect(labels).toContain("bdev_disk_changed: invalidate_bdev(A); drop A's partitions; no partition added");
    expect([at('A.lo_state'), at('Ap1.present')]).toEqual(['Lo_unbound', '0']);
  });
});

describe('stacking on a partition, LOOP_CONFIGURE', () => {
  it('LOOP_CONFIGURE(B, fd of Ap1) takes no loop_validate_mutex and does not walk to A (post-patch, 20-step teardown under B)', () => {
    const ls = trace('post-patch', 'stack-on-partition', 'stacked-no-teardown');
    expect(ls).toHaveLength(20);
    expect(ls).toContain('T2 loop_configure: fget(fd0) = f1 (loopAp1, f_count 1 → 2): is_loop = false');
    expect(ls).toContain('T2 loop_validate_file: is_loop_device(f1) == false: loopAp1 has the extended major; S_ISBLK, valid');
    expect(ls.some((l) => l.startsWith('T2') && l.includes('loop_validate_mutex'))).toBe(false);
    expect(ls[19]).toBe('T2 loop_configure: lo_backing_file(B) := f1; st(B) := Lo_bound; AUTOCLEAR := 1');
  });

  it('LOOP_CONFIGURE with PARTSCAN rescans after the unlock and finds the image partition; autoclear tears B down at its last close', () => {
    const { labels, at } = runSolo(
      'post-patch',
      [
        { op: 'open', dev: 1, fd: 0 },
        { op: 'configure', fd: 0, backing: 'regular', flags: ['autoclear', 'partscan'] },
        { op: 'open_part', dev: 1, part: 1, fd: 1 },
        { op: 'close', fd: 1 },
        { op: 'close', fd: 0 },
      ],
      { bound: [], files: [], fds: [] },
    );
    const bind = labels.indexOf('loop_configure: lo_backing_file(B) := regular file; st(B) := Lo_bound; AUTOCLEAR, PARTSCAN := 1');
    const unlock = labels.indexOf('loop_configure: REL lo_mutex(B)');
    const scan = labels.indexOf("bdev_disk_changed: invalidate_bdev(B); drop B's partitions; read the partition table (page cached): add Bp1");
    expect([bind, unlock, scan].every((i) => i >= 0)).toBe(true);
    expect(bind).toBeLessThan(unlock);
    expect(unlock).toBeLessThan(scan);
    expect(labels).toContain('lo_release: st(B) == Lo_bound && AUTOCLEAR: st(B) := Lo_rundown');
    expect([at('B.lo_state'), at('Bp1.present'), at('B.PARTSCAN')]).toEqual(['Lo_unbound', '0', '0']);
  });
});

describe('reads go through the page cache', () => {
  const script: Call[] = [
    { op: 'open', dev: 0, fd: 0 },
    { op: 'read', fd: 0 },
    { op: 'clr', fd: 0 },
    { op: 'read', fd: 0 },
  ];

  it('v6.11: after LOOP_CLR_FD the device is Lo_rundown, yet a read of a cached block returns the data', () => {
    const { labels } = runSolo('v6.11', script);
    expect(labels).toContain("io: read(fd0) via loopA: the backing file's data");
    expect(labels).toContain("io: read(fd0) via loopA (page cache): the backing file's data");
  });

  it('post-patch: the same LOOP_CLR_FD tears A down (capacity 0): the read returns 0 bytes', () => {
    const { labels, at } = runSolo('post-patch', script);
    expect(labels[labels.length - 1]).toBe('io: read(fd0) via loopA: 0 bytes (capacity 0)');
    expect(at('A.page_cache')).toBe('none');
  });
});

// The step grammar of the loop driver's kernel functions, written from the
// specification (shared/loop-driver.md) independently of the model's
// program table: for each function, the list of possible paths through it,
// each path a list of step patterns; and the check that a run's labels parse
// and its lock changes replay (used by legal-steps.test.ts).
//
// A thread's labels are split per function (and per device where the
// function can nest across devices in a release cascade); each such
// sequence must be a concatenation of complete paths, possibly ending in a
// path's prefix (a counterexample stops mid-call). The lock replay: a step
// labelled ACQ/REL X (or a queue freeze/unfreeze) changes exactly that lock,
// and an ACQ only takes a free lock.

import { expect } from 'vitest';
import type { Model } from '../../src/engine/model.js';
import { held, type Step } from './helpers.js';

/** A step pattern: a RegExp, or a predicate (e.g. a counter that must move by exactly one). */
type Pat = { test(step: string): boolean };
export type Path = readonly Pat[];
const X = '[A-D]';
const N = '\\d+';
const FL = 'f\\d+';
const re = (s: string) => new RegExp(`^${s}$`);
const ACQ = (lock: string) => re(`ACQ ${lock}`);

const LM = `lo_mutex\\(${X}\\)`;
const OM = `open_mutex\\(${X}\\)`;
const VM = 'loop_validate_mutex';
const fput = `fput\\(${FL}\\) f_count ${N} → ${N}(: last reference, release deferred to the return to user space)?`;
const P1 = '(p1)?';
/** What a rescan's partition-table read finds (driver/partitions.ts). */
const TABLE =
  `(read the partition table \\(page cached\\): add ${X}p1|read sector 0 \\(page cached\\): no partition table` +
  `|read sector 0: zeros \\(page cached\\), no partition table|read sector 0: -EIO, no partition added|no partition added)`;
/** A partition rescan's effect (bdev_disk_changed). */
const SCAN = `(open_partitions\\(${X}\\) > 0: -EBUSY, partitions left as they are|invalidate_bdev\\(${X}\\); drop ${X}'s partitions; ${TABLE})`;
/** The opener counts of an open of the whole disk or of p1 (with a pending GD_NEED_PART_SCAN rescan of the whole-disk open). */
const COUNT =
  `((GD_NEED_PART_SCAN: ${SCAN}; )?bd_openers\\(${X}\\)\\+\\+ \\(${N} → ${N}\\)(; bd_openers\\(${X}p1\\)\\+\\+ \\(${N} → ${N}\\)(, open_partitions\\+\\+)?)?` +
  `|bd_openers\\(${X}p1\\)\\+\\+ \\(${N} → ${N}\\)(, open_partitions\\+\\+)? \\(the whole disk is already open for p1\\))`;
/** What a read returns (read-path.ts). */
const READ = "(the backing file's data|zeros \\(a short read below was zero-filled\\)|0 bytes \\(capacity 0\\)|-EIO \\(loop_queue_rq: not Lo_bound\\)|-EIO from a lower device)";
const MOUNT_OPEN = `(blkdev_get_by_dev \\(exclusive\\)|blkdev_get_by_dev\\(loop${X}p1, exclusive\\)): ACQ ${OM}`;
const NO_PART = (what: string) => re(`${what}\\(/dev/loop${X}p1\\): no such partition: -ENOENT`);

/** lo_release of (b) and (c): §3.3. */
const loRelease: Path[] = [
  [re(`read disk_openers\\(${X}\\) == [1-9]\\d*: not the last close, return`)],
  [
    re(`read disk_openers\\(${X}\\) == 0: last close`),
    ACQ(LM),
    re(`st\\(${X}\\) == Lo_bound && AUTOCLEAR: st\\(${X}\\) := Lo_rundown`),
    re(`REL ${LM}; call __loop_clr_fd\\(release=true\\)`),
  ],
  [
    re(`read disk_openers\\(${X}\\) == 0: last close`),
    ACQ(LM),
    re(`st\\(${X}\\) == Lo_\\w+, AUTOCLEAR == [01]: nothing to clear`),
    re(`REL ${LM}`),
  ],
];

const tail: Path = [
  re(`filp := lo_backing_file\\(${X}\\) = (${FL}|regular file); lo_backing_file\\(${X}\\) := NULL; invalidate_disk; lo_flags := 0( after the PARTSCAN rescan)?`),
  ACQ(LM),
  re(`st\\(${X}\\) := Lo_unbound`),
  re(`REL ${LM}`),
];
const withFput = (p: Path): Path => [...p, re(fput)];

const readOpeners = re(`st\\(${X}\\) == Lo_bound; read disk_openers\\(${X}\\) == ${N}`);
const notBound = re(`st\\(${X}\\) == Lo_(unbound|rundown|deleting): -ENXIO`);
const setAc = re(`openers ${N} > 1: AUTOCLEAR\\(${X}\\) := 1`);
const setRundown = re(`openers == 1: st\\(${X}\\) := Lo_rundown`);

/** `<what> (n → m)` where m = n + delta, for counters such as lo_refcnt. */
function counted(prefix: string, delta: number, suffix: string): Pat {
  const r = re(`${prefix} \\((?<from>${N}) → (?<to>${N})\\)${suffix}`);
  return {
    test: (s) => {
      const g = r.exec(s)?.groups;
      return !!g && +g.to === +g.from + delta;
    },
  };
}

// ->open exists in (a) and (d): blkdev_open and mount may see it fail (-ENXIO),
// and (approximation, see v5-17.ts) a mount whose exclusive claim fails does
// not call it.
/** The block layer refuses an open of a disk LOOP_CTL_REMOVE deleted (disk_live, under open_mutex). */
const DELETED = ': disk not live \\(del_gendisk unhashed it\\): -ENXIO';
const blkdevOpen: Path[] = [
  [ACQ(OM), re(`${COUNT}; new struct file ${FL}`), re(`REL ${OM}; fd_install\\(fd${N} = ${FL}\\)`)],
  [NO_PART('open')],
  [re(`ACQ ${OM}${DELETED}`), re(`REL ${OM}: open fails`)],
];
const mountPaths: Path[] = [
  [
    re(MOUNT_OPEN),
    re(`claim for the mount; ${COUNT}`),
    re(`REL ${OM}`),
    re(`read superblock via loop${X}${P1}: (the backing file's data: mounted|${READ}: mount fails, blkdev_put)`),
  ],
  [re(MOUNT_OPEN), re(`(exclusive holder exists|loop${X} is claimed by another holder \\(bd_may_claim\\)|loop${X}p1 is claimed, loop${X} is held for it \\(bd_may_claim\\)): -EBUSY`), re(`REL ${OM}: mount fails`)],
  [NO_PART('mount')],
  [re(`${MOUNT_OPEN}${DELETED}`), re(`REL ${OM}: mount fails`)],
];
const withOpen = {
  blkdev_open: [...blkdevOpen, [ACQ(OM), re('->open failed: -ENXIO'), re(`REL ${OM}: open fails`)]],
  mount: [...mountPaths, [re(MOUNT_OPEN), re('->open failed: -ENXIO'), re(`REL ${OM}: mount fails`)]],
};
const noOpen: Path = [re('mount: exclusive holder exists, bd_prepare_to_claim fails before ->open: not called')];
const NOT_BOUND = 'Lo_(unbound|rundown|deleting)';

/**
 * loop_control_remove (§3.1): hide in the idr under loop_ctl_mutex; lo_mutex;
 * the tree's "no openers" test (`ok` / `busy` patterns); Lo_deleting and
 * loop_remove, or -EBUSY and visible again.
 */
function controlRemove(ok: Pat, busy: Pat): Path[] {
  const hide = re(`ACQ loop_ctl_mutex; idr_find\\(loop${X}\\) visible: idr_visible := false; REL loop_ctl_mutex`);
  return [
    [hide, ACQ(LM), ok, re(`st\\(${X}\\) := Lo_deleting`), re(`REL ${LM}; loop_remove`)],
    [hide, ACQ(LM), busy, re(`REL ${LM}: -EBUSY`), re(`ACQ loop_ctl_mutex; idr_visible\\(loop${X}\\) := true; REL loop_ctl_mutex`)],
    [re(`ACQ loop_ctl_mutex; idr_find\\(loop${X}\\) (hidden by another remove|not in the idr): -ENODEV; REL loop_ctl_mutex`)],
  ];
}
/** (b)–(d): st == Lo_unbound and disk_openers == 0, the count read without open_mutex. */
const removeByOpeners = controlRemove(
  re(`st\\(${X}\\) == Lo_unbound; read disk_openers\\(${X}\\) == 0`),
  re(`st\\(${X}\\) == (Lo_(bound|rundown|deleting)|Lo_unbound; read disk_openers\\(${X}\\) == [1-9]\\d*): -EBUSY`),
);

/**
 * The functions each strategy defines, keyed by strategy name. A registered
 * strategy without an entry here has no grammar: grammar() says so, and the
 * legal-steps tests fail naming it.
 */
export const STRATEGY_FNS: Readonly<Record<string, Readonly<Record<string, Path[]>>>> = {
  // (b) §3.3: LM only; __loop_clr_fd with flush and BUG_ON.
  'pre-patch': {
    loop_clr_fd: [
      [ACQ(LM), readOpeners, setAc, re(`REL ${LM}`)],
      [ACQ(LM), readOpeners, setRundown, re(`REL ${LM}; call __loop_clr_fd\\(release=false\\)`)],
      [ACQ(LM), notBound, re(`REL ${LM}: -ENXIO`)],
    ],
    __loop_clr_fd: ((pre: Path) => [[...pre, ...tail], withFput([...pre, ...tail])])([
      re(`ACQ ${VM} \\(flush\\)`),
      re(`REL ${VM} \\(flush\\)`),
      ACQ(LM),
      re(`BUG_ON\\(st\\(${X}\\) != Lo_rundown\\) passes`),
      re(`REL ${LM}`),
    ]),
    lo_release: loRelease,
    loop_control_remove: removeByOpeners,
  },
  // (c) §3.4: VM then LM around check and switch; no flush, no BUG_ON.
  'post-patch': {
    loop_clr_fd: [
      [ACQ(VM), ACQ(LM), readOpeners, setAc, re(`REL ${LM}`), re(`REL ${VM}`)],
      [ACQ(VM), ACQ(LM), readOpeners, setRundown, re(`REL ${LM}`), re(`REL ${VM}; call __loop_clr_fd\\(release=false\\)`)],
      [ACQ(VM), ACQ(LM), notBound, re(`REL ${LM}: -ENXIO`), re(`REL ${VM}`)],
    ],
    __loop_clr_fd: [tail, withFput(tail)],
    lo_release: loRelease,
    loop_control_remove: removeByOpeners,
  },
  // (a) §3.2: lo_open/lo_release count lo_refcnt under lo_mutex; loop_clr_fd
  // under lo_mutex only (the caller is an opener: lo_refcnt >= 1);
  // __loop_clr_fd: flush, BUG_ON, freeze (always) + destroy_workqueue,
  // detach, unfreeze, lo_flags := 0, Unbound under lo_mutex, fput.
  'v5.17': {
    ...withOpen,
    // (a): no ->free_disk: loop_remove frees the device, the closes never do.
    del_gendisk: delGendisk('loop_remove'),
    blkdev_release: release('free f\\d+', false),
    blkdev_put: release('drop the mount holder', false),
    // (a): no openers = lo_refcnt == 0, under lo_mutex.
    loop_control_remove: controlRemove(
      re(`st\\(${X}\\) == Lo_unbound; lo_refcnt\\(${X}\\) == 0`),
      re(`st\\(${X}\\) == (Lo_(bound|rundown|deleting)|Lo_unbound; lo_refcnt\\(${X}\\) == [1-9]\\d*): -EBUSY`),
    ),
    lo_open: [
      noOpen,
      [ACQ(LM), counted(`st\\(${X}\\) == Lo_(unbound|bound|rundown): lo_refcnt\\(${X}\\)\\+\\+`, 1, ''), re(`REL ${LM}`)],
      [ACQ(LM), re(`st\\(${X}\\) == Lo_deleting: -ENXIO`), re(`REL ${LM}: -ENXIO`)],
    ],
    lo_release: ((
      dec = (rest: string) => counted(`lo_refcnt\\(${X}\\)--`, -1, rest),
      // the teardown / drain decisions are taken only when the count reaches 0
      last = (rest: string): Pat => ({ test: (s) => dec(rest).test(s) && s.includes(' → 0)') }),
    ) => [
      [ACQ(LM), { test: (s: string) => dec(': not the last close').test(s) && !s.includes(' → 0)') }, re(`REL ${LM}`)],
      [ACQ(LM), last(`; AUTOCLEAR && st\\(${X}\\) == Lo_bound: st\\(${X}\\) := Lo_rundown`), re(`REL ${LM}; call __loop_clr_fd\\(release=true\\)`)],
      [ACQ(LM), last(`; AUTOCLEAR, st\\(${X}\\) == ${NOT_BOUND}: nothing to clear`), re(`REL ${LM}`)],
      [
        ACQ(LM),
        last(`; no AUTOCLEAR, st\\(${X}\\) == Lo_bound: drain the queue`),
        re(`blk_mq_freeze_queue\\(${X}\\) under lo_mutex .*`),
        re(`blk_mq_unfreeze_queue\\(${X}\\)`),
        re(`REL ${LM}`),
      ],
      [ACQ(LM), last(`; no AUTOCLEAR, st\\(${X}\\) == ${NOT_BOUND}: nothing to do`), re(`REL ${LM}`)],
    ])(),
    loop_clr_fd: [
      [ACQ(LM), re(`st\\(${X}\\) == Lo_bound; lo_refcnt\\(${X}\\) == ([2-9]|\\d\\d+) > 1: AUTOCLEAR\\(${X}\\) := 1`), re(`REL ${LM}`)],
      [ACQ(LM), re(`st\\(${X}\\) == Lo_bound; lo_refcnt\\(${X}\\) == 1: st\\(${X}\\) := Lo_rundown`), re(`REL ${LM}; call __loop_clr_fd\\(release=false\\)`)],
      [ACQ(LM), notBound, re(`REL ${LM}: -ENXIO`)],
    ],
    __loop_clr_fd: ((p: Path) => [p, withFput(p)])([
      re(`ACQ ${VM} \\(flush\\)`),
      re(`REL ${VM} \\(flush\\)`),
      ACQ(LM),
      re(`BUG_ON\\(st\\(${X}\\) != Lo_rundown\\) passes`),
      re(`REL ${LM}`),
      re(`blk_mq_freeze_queue\\(${X}\\) \\(always.*\\); destroy_workqueue( \\(under open_mutex\\))?`),
      re(`filp := lo_backing_file\\(${X}\\) = (${FL}|regular file); lo_backing_file\\(${X}\\) := NULL`),
      re(`blk_mq_unfreeze_queue\\(${X}\\); lo_flags := 0( after the PARTSCAN rescan)?`),
      ACQ(LM),
      re(`st\\(${X}\\) := Lo_unbound`),
      re(`REL ${LM}`),
    ]),
  },
  // (d) §3.5: lo_open refuses Rundown and Deleting; loop_clr_fd under VM + LM
  // sets AUTOCLEAR always and Rundown only for a sole opener, never tears
  // down; lo_release's need_clear teardown is the only __loop_clr_fd, with
  // no flush, BUG_ON or freeze.
  'v6.11': {
    ...withOpen,
    loop_control_remove: removeByOpeners,
    lo_open: [
      noOpen,
      [ACQ(LM), re(`st\\(${X}\\) == Lo_(unbound|bound): ok`), re(`REL ${LM}`)],
      [ACQ(LM), re(`st\\(${X}\\) == Lo_(rundown|deleting): -ENXIO`), re(`REL ${LM}: -ENXIO`)],
    ],
    loop_clr_fd: ((setAc = (n: string) => re(`st\\(${X}\\) == Lo_bound: AUTOCLEAR\\(${X}\\) := 1; read disk_openers\\(${X}\\) == ${n}`)) => [
      [ACQ(VM), ACQ(LM), setAc('([2-9]|\\d\\d+): not the sole opener'), re(`REL ${LM}`), re(`REL ${VM}`)],
      [ACQ(VM), ACQ(LM), setAc('1'), re(`openers == 1: st\\(${X}\\) := Lo_rundown .*`), re(`REL ${LM}`), re(`REL ${VM}`)],
      [ACQ(VM), ACQ(LM), notBound, re(`REL ${LM}: -ENXIO`), re(`REL ${VM}`)],
    ])(),
    lo_release: [
      [re(`read disk_openers\\(${X}\\) == [1-9]\\d*: not the last close, return`)],
      ...[
        re(`st\\(${X}\\) == Lo_bound && AUTOCLEAR: st\\(${X}\\) := Lo_rundown; need_clear`),
        re(`st\\(${X}\\) == Lo_rundown: need_clear`),
      ].map((c): Path => [re(`read disk_openers\\(${X}\\) == 0: last close`), ACQ(LM), c, re(`REL ${LM}; call __loop_clr_fd`)]),
      [
        re(`read disk_openers\\(${X}\\) == 0: last close`),
        ACQ(LM),
        re(`st\\(${X}\\) == (Lo_bound, AUTOCLEAR == 0|Lo_(unbound|deleting), AUTOCLEAR == [01]): nothing to clear`),
        re(`REL ${LM}`),
      ],
    ],
    __loop_clr_fd: [tail, withFput(tail)],
  },
};

/** loop_validate_file (§3.1): up to `depth` hops, each is_loop_device / read lo_state / read lo_backing_file. */
function walks(depth: number): Path[] {
  const hop: Path = [
    re(`is_loop_device\\(${FL}\\) → loop${X}`),
    re(`read lo_state\\(${X}\\) == Lo_bound`),
    re(`read lo_backing_file\\(${X}\\) → (${FL}|regular file|NULL)`),
  ];
  const ends: Path[] = [
    [re('is_loop_device\\(regular file\\) == false: S_ISREG, valid')],
    [re(`is_loop_device\\(${FL}\\) → ${X} == target: -EBADF`)],
    [re(`is_loop_device\\(${FL}\\) → loop${X}`), re(`read lo_state\\(${X}\\) == Lo_(unbound|rundown|deleting): -EINVAL`)],
    [re('is_loop_device\\(NULL\\): NULL dereference')],
    [re(`is_loop_device\\(${FL}\\): use after free`)],
    [re(`is_loop_device\\(${FL}\\) == false: loop${X}p1 has the extended major; S_ISBLK, valid`)],
  ];
  const out: Path[] = [];
  for (let k = 0; k <= depth; k++) for (const e of ends) out.push([...Array.from({ length: k }, () => hop).flat(), ...e]);
  return out;
}

const fgetLoop = re(`fget\\(fd${N}\\) = ${FL} \\(loop${X}, f_count ${N} → ${N}\\): is_loop = true`);
const fgetRegOnly = re('backing file = regular file: is_loop = false');
const fgetPart = re(`fget\\(fd${N}\\) = ${FL} \\(loop${X}p1, f_count ${N} → ${N}\\): is_loop = false`);
/** Not a loop device: a regular file or a partition's struct file (no loop_validate_mutex). */
const fgetReg = { test: (st: string) => fgetRegOnly.test(st) || fgetPart.test(st) };
/** A path without and with a final fput (a partition's struct file is put on the error path; a regular file is not counted). */
const maybePut = (p: Path): Path[] => [p, [...p, re(fput)]];
const fgetBad = re(`fget\\(fd${N}\\): -EBADF`);
const errLoop: Path = [re(`REL ${LM}: error`), re(`REL ${VM}`), re(fput)];
const walkFailLoop: Path = [re(`loop_validate_file failed: REL ${LM}`), re(`REL ${VM}`), re(fput)];

/** `freeDisk`: the tree has ->free_disk, so the put after REL open_mutex may free a device LOOP_CTL_REMOVE deleted (5.19+). */
function release(what: string, freeDisk = true): Path[] {
  const whole = `bd_openers\\(${X}\\)-- \\(${N} → ${N}\\)(, kill_bdev)?`;
  const part = `bd_openers\\(${X}p1\\)-- \\(${N} → ${N}\\)(, kill_bdev, open_partitions--)?; ${what}`;
  const rel = re(`REL ${OM}${freeDisk ? `(; last reference of deleted ${X}: ->free_disk frees loop${X})?` : ''}`);
  return [
    [ACQ(OM), re(`${whole}; ${what}; call ->release`), rel],
    [ACQ(OM), re(`${part}; ${whole}; call ->release`), rel],
    [ACQ(OM), re(`${part}; the whole disk stays open`), rel],
  ];
}

/**
 * loop_remove's del_gendisk: its open_mutex section unhashes the disk (no new
 * open) and drops the partitions; then put_disk and the free (§3.1): v5.17's
 * loop_remove kfree()s the device at once, ->free_disk (5.19+) at the disk's
 * last reference.
 */
function delGendisk(lifetime: 'loop_remove' | 'free_disk'): Path[] {
  const freed =
    lifetime === 'loop_remove'
      ? `; kfree\\(loop${X}\\)( while it is open: use-after-free)?`
      : `: (loop${X} still open, ->free_disk waits for its last close|last reference, ->free_disk frees loop${X})`;
  return [
    [
      ACQ(OM),
      re(`remove_inode_hash: no new open finds loop${X}; blk_drop_partitions; bd_openers\\(${X}\\) == ${N}(: deleted under an opener)?`),
      re(`REL ${OM}; GD_DEAD, capacity 0, device_del; idr_remove; put_disk${freed}`),
    ],
  ];
}
const BIND = re(`lo_backing_file\\(${X}\\) := (${FL}|regular file); st\\(${X}\\) := Lo_bound(; (AUTOCLEAR|PARTSCAN|AUTOCLEAR, PARTSCAN) := 1)?`);

export const SHARED_FNS: Readonly<Record<string, Path[]>> = {
  // lo_ioctl entry: fdget; a reference (and the fdput) only for a shared table.
  ioctl: [
    [re(`ioctl\\(fd${N}, LOOP_\\w+(, (fd${N}|regular file)(, flags=[\\w|]+)?)?\\): fdget\\(fd${N}\\) = ${FL} on loop${X}`)],
    [
      re(`ioctl\\(fd${N}, LOOP_\\w+(, (fd${N}|regular file)(, flags=[\\w|]+)?)?\\): fdget\\(fd${N}\\) = ${FL} on loop${X} \\(shared table: f_count ${N} → ${N}\\)`),
      re(`fdput: ${fput}`),
    ],
    [re(`ioctl\\(fd${N}, LOOP_\\w+(, (fd${N}|regular file)(, flags=[\\w|]+)?)?\\): fdget: -EBADF`)],
  ],
  // §2 item 1: open_mutex, (no ->open in b/c), bd_openers++, release.
  blkdev_open: blkdevOpen,
  close: [[re(`close\\(fd${N}\\): ${fput}`)], [re(`close\\(fd${N}\\): -EBADF`)]],
  // §2 item 2: open_mutex, bd_openers-- first, then ->release.
  // Partition p1: its own count first (its last close flushes its cache and drops open_partitions), then the disk's.
  blkdev_release: release('free f\\d+'),
  blkdev_put: release('drop the mount holder'),
  // The rescan (taking open_mutex unless the release path holds it).
  bdev_disk_changed: [
    [ACQ(OM), re(SCAN), re(`REL ${OM}`)],
    [re(`open_mutex\\(${X}\\) already held \\(release path\\)`), re(SCAN)],
  ],
  // §3.1 loop_configure: fget, [VM if is_loop], LM, state check, validate, bind, unlock LM then VM; error: unlock, fput.
  loop_configure: [
    [fgetBad],
    [
      fgetLoop, ACQ(VM), ACQ(LM),
      re(`st\\(${X}\\) == Lo_unbound; call loop_validate_file\\(${FL}\\)`),
      BIND,
      re(`REL ${LM}`), re(`REL ${VM}`),
    ],
    [fgetLoop, ACQ(VM), ACQ(LM), re(`st\\(${X}\\) == Lo_unbound; call loop_validate_file\\(${FL}\\)`), ...walkFailLoop],
    [fgetLoop, ACQ(VM), ACQ(LM), re(`st\\(${X}\\) == Lo_(bound|rundown|deleting): -EBUSY`), ...errLoop],
    [
      fgetReg, ACQ(LM),
      re(`st\\(${X}\\) == Lo_unbound; call loop_validate_file\\((regular file|${FL})\\)`),
      BIND,
      re(`REL ${LM}`),
    ],
    ...maybePut([fgetReg, ACQ(LM), re(`st\\(${X}\\) == Lo_(bound|rundown|deleting): -EBUSY`), re(`REL ${LM}: error`)]),
  ],
  // §3.1 loop_change_fd: ..., freeze, swap, unfreeze (§8: inside the locked section), unlock, flush VM if !is_loop, fput(old).
  loop_change_fd: (() => {
    const ok = re(`st\\(${X}\\) == Lo_bound, READ_ONLY; call loop_validate_file\\((${FL}|regular file)\\)`);
    const swap = re(`old := lo_backing_file\\(${X}\\) = (${FL}|regular file); lo_backing_file\\(${X}\\) := (${FL}|regular file)`);
    const bad = re(`st\\(${X}\\) == Lo_\\w+(, not READ_ONLY: -EINVAL|: -ENXIO)`);
    const putOld = re(`${fput} \\(old backing file\\)`);
    const frozenSwap: Path = [re(`valid; blk_mq_freeze_queue\\(${X}\\)`), swap, re(`blk_mq_unfreeze_queue\\(${X}\\)`)];
    const loopOk: Path = [fgetLoop, ACQ(VM), ACQ(LM), ok, ...frozenSwap, re(`REL ${LM}`), re(`REL ${VM}`)];
    const regOk: Path = [fgetReg, ACQ(LM), ok, ...frozenSwap, re(`REL ${LM}`), re(`ACQ ${VM} \\(flush: !is_loop\\)`), re(`REL ${VM} \\(flush\\)`)];
    return [
      [fgetBad],
      loopOk, [...loopOk, putOld], regOk, [...regOk, putOld],
      [fgetLoop, ACQ(VM), ACQ(LM), ok, ...walkFailLoop],
      [fgetLoop, ACQ(VM), ACQ(LM), bad, ...errLoop],
      ...maybePut([fgetReg, ACQ(LM), bad, re(`REL ${LM}: error`)]),
    ];
  })(),
  io: [
    [re(`read\\(fd${N}\\) via loop${X}${P1}( \\(page cache\\))?: ${READ}`)],
    [re(`read\\(fd${N}\\): -EBADF`)],
    [re(`read via mount of loop${X}${P1}: (${READ}|not mounted)`)],
  ],
  // §2 item 5: exclusive open for the mount's life, then the superblock read.
  mount: mountPaths,
  umount: [[re(`umount loop${X}${P1}: detach, blkdev_put`)], [re(`umount loop${X}${P1}: -EINVAL`)]],
  // (b)–(d): ->free_disk frees a removed device at its disk's last reference.
  del_gendisk: delGendisk('free_disk'),
};

/** The step grammar of every kernel function `strategy` runs, or a message saying it has none. */
export function grammar(strategy: string, devices: number): Record<string, Path[]> | string {
  const own = STRATEGY_FNS[strategy];
  if (!own) return `no step grammar for the registered strategy ${strategy}: add its functions to STRATEGY_FNS in test/loop/grammar.ts`;
  return { ...SHARED_FNS, ...own, loop_validate_file: walks(devices) };
}

/** grammar(), failing the test when the strategy has none. */
export function grammarOf(strategy: string, devices: number): Record<string, Path[]> {
  const g = grammar(strategy, devices);
  if (typeof g === 'string') throw new Error(g);
  return g;
}

/** Functions that can nest across devices within one thread (release cascades): keyed per device. */
const PER_DEVICE = new Set(['blkdev_release', 'blkdev_put', 'lo_release']);

/** Whether seq = complete paths … + a prefix of a path (backtracking). */
export function parses(seq: readonly string[], paths: readonly Path[], from = 0): boolean {
  if (from === seq.length) return true;
  for (const p of paths) {
    let i = 0;
    while (i < p.length && from + i < seq.length && p[i].test(seq[from + i])) i++;
    if (from + i === seq.length && i > 0) return true; // prefix (or exact) to the end
    if (i === p.length && parses(seq, paths, from + i)) return true;
  }
  return false;
}

export function checkLegal(model: Model, strategy: string, devices: number, steps: readonly Step[]): void {
  const g = grammarOf(strategy, devices);
  const groups = new Map<string, string[]>();
  for (const s of steps) {
    const { thread, action, step } = s.label;
    expect(g[action], `unknown kernel function ${action}`).toBeDefined();
    const dev = PER_DEVICE.has(action) ? (/\(([A-D])(p1)?\)/.exec(step ?? '')?.[1] ?? '?') : '';
    const key = `${thread}|${action}|${dev}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(step ?? '');
  }
  for (const [key, seq] of groups) {
    const action = key.split('|')[1];
    expect(parses(seq, g[action]), `${key}: illegal step order\n  ${seq.join('\n  ')}`).toBe(true);
  }
  // Lock replay.
  for (const s of steps) {
    const before = held(model, s.before);
    const after = held(model, s.after);
    // A queue freeze is lock-like (v5.17): freeze takes queue_freeze(X), unfreeze drops it.
    const fz = /\bblk_mq_(un)?freeze_queue\(([A-D])\)/.exec(s.label.step ?? '');
    const m = fz
      ? ['', fz[1] ? 'REL' : 'ACQ', `queue_freeze(${fz[2]})`]
      : /\b(ACQ|REL) (loop_validate_mutex|lo_mutex\([A-D]\)|open_mutex\([A-D]\))/.exec(s.label.step ?? '');
    const expected: Record<string, string[]> = {};
    for (const [t, ls] of Object.entries(before)) expected[t] = [...ls];
    if (m) {
      const [, op, lock] = m;
      const owner = Object.entries(before).find(([, ls]) => ls.includes(lock))?.[0];
      if (op === 'ACQ') {
        expect(owner, `${s.label.thread} ${s.label.step}: lock not free`).toBeUndefined();
        expected[s.label.thread].push(lock);
      } else {
        expect(owner, `${s.label.thread} ${s.label.step}: releasing a lock it does not hold`).toBe(s.label.thread);
        expected[s.label.thread] = expected[s.label.thread].filter((l) => l !== lock);
      }
    }
    const norm = (r: Readonly<Record<string, readonly string[]>>) =>
      Object.fromEntries(Object.entries(r).map(([t, ls]) => [t, [...ls].sort()]));
    expect(norm(after), `${s.label.thread} ${s.label.step}`).toEqual(norm(expected));
  }
}


// Strategy `v5.17`: code state (a) of loop-driver.md (§3.2) — v5.17, the last
// tree with lo_refcnt.
//
// lo_open (under open_mutex, before bd_openers++) takes lo_mutex, refuses
// only Lo_deleting and counts lo_refcnt++; lo_release (every close, under
// open_mutex after bd_openers--) takes lo_mutex, counts lo_refcnt-- and, at 0,
// either runs the autoclear teardown (Bound && AUTOCLEAR) or drains the
// queue with a freeze/unfreeze while still holding lo_mutex (Bound, no
// AUTOCLEAR). loop_clr_fd holds only lo_mutex and tests lo_refcnt > 1.
// __loop_clr_fd: loop_validate_mutex flush, lo_mutex + BUG_ON(st !=
// Lo_rundown), queue freeze (always) and destroy_workqueue, detach,
// unfreeze, lo_flags := 0, then the common Unbound store and fput.
// LOOP_CTL_REMOVE's "no openers" test is lo_refcnt == 0 under lo_mutex, and
// loop_remove kfree()s the device right after del_gendisk (no ->free_disk
// before 5.19); driver/control-remove.ts does the rest.
//
// Approximations (the shared code cannot express these directly):
// * lo_refcnt's initial value. The shared model initialises only its own
//   fields from the scenario; an extra device field starts at 0. So the field
//   stores 0 = "not yet touched since the initial state" and k+1 = a count of
//   k. An untouched count is exactly what the kernel would hold there:
//   bd_openers, plus one if a thread is in lo_release(x) before its
//   decrement (it already did bd_openers--); no thread can be between
//   lo_open's increment and bd_openers++ without having touched the field.
//   lo_open and lo_release materialise the count on first touch (both under
//   open_mutex, where that sum is stable); loop_clr_fd only reads it.
// * mount with an exclusive holder present: lo_open returns 0 at once,
//   taking no lock and counting nothing (mountClaimFailsFirst in
//   driver/tree-parts.ts says why).
// * The queue freeze is a lock-like resource, `queue_freeze(dev)` (the
//   device's `freeze` field, shared by all strategies, holds the freezing
//   thread): freeze takes it and
//   unfreeze drops it, so traces show it among the locks held and the
//   lock-order analysis sees the open_mutex → freeze and lo_mutex → freeze
//   edges of §1. It never blocks anything: I/O is one atomic step in the
//   shared model, so nothing is in flight to drain, and an I/O step is not
//   held back while the queue is frozen (it would find the same lo_state
//   after the unfreeze, as nothing in between changes it). Two freezes of one
//   device never overlap (teardown freezes only in Lo_rundown, lo_release's
//   drain only in Lo_bound under lo_mutex), so one owner field suffices.

import { Lo_bound, Lo_deleting, Lo_rundown, Lo_unbound, LO_STATE_NAMES, FILE_NONE } from '../encoding.js';
import { DEV, FILE, FRAME, PC, REG, type Machine } from '../machine.js';
import type { Fn, Program, Ref } from '../program.js';
import { flushAndBugOn, loOpenAcquire } from '../driver/tree-parts.js';
import {
  acquire, frameDevName as dn, freezeQueue, fput, frameDev as x, release, retVal, statement, tailCall, unfreezeQueue,
} from '../steps.js';
import { defineControlRemove, type RemoveCheck } from '../driver/control-remove.js';
import type { Strategy, StrategyFns } from './types.js';

const REFCNT_DOMAIN = 64;
const REFCNT_VALUES = ['untouched', ...Array.from({ length: REFCNT_DOMAIN - 1 }, (_, k) => String(k))];

export const v5_17: Strategy = {
  name: 'v5.17',
  codeState: '(a)',
  description:
    'state (a), v5.17: lo_open/lo_release count lo_refcnt under lo_mutex (lo_open refuses only Lo_deleting); loop_clr_fd tests lo_refcnt > 1 under lo_mutex only; __loop_clr_fd flushes loop_validate_mutex, BUG_ONs on lo_state != Lo_rundown and always freezes the queue',
  extraDeviceFields: [{ name: 'lo_refcnt', domain: REFCNT_DOMAIN, values: REFCNT_VALUES }],
  // refcnt() below counts the lo_release frames of every thread.
  readsOtherThreadsFrames: true,
  define: (p, m) => defineV5_17(p, m),
};

/**
 * State (a)'s functions. `removeCheck` replaces LOOP_CTL_REMOVE's lo_refcnt
 * test (test/fixtures/v5-17-disk-openers.ts hands in a0e286b6a5b6's
 * disk_openers test, keeping v5.17's free in loop_remove, to show what that
 * test needs ->free_disk for).
 */
export function defineV5_17(p: Program, m: Machine, removeCheck?: RemoveCheck): StrategyFns {
  const rc = m.extra.lo_refcnt;
  // Set below, once lo_release exists: [entry pc, pc of its decrement step].
  let relFn: Fn | null = null;
  let relDec: Ref | null = null;

  /** lo_refcnt(i) as the kernel holds it (see the header for `untouched`). */
  const refcnt = (s: Uint8Array, i: number): number => {
    const v = s[rc[i]];
    if (v !== 0) return v - 1;
    let n = s[m.op[i]];
    for (let t = 0; t < m.T; t++) {
      for (let k = 0; k < m.S; k++) {
        const f = m.frames[t] + k * FRAME;
        const pc = s[f + PC];
        if (pc >= relFn!.entry && pc <= relDec!.pc && s[f + DEV] === i + 1) n++;
      }
    }
    return n;
  };
  const setRefcnt = (d: Uint8Array, i: number, n: number): void => {
    if (n < 0 || n + 1 >= REFCNT_DOMAIN) throw new Error(`lo_refcnt out of range: ${n}`);
    d[rc[i]] = n + 1;
  };

  // ---- __loop_clr_fd(lo, release): frame r = release, file = filp ----
  const teardown = p.fn('__loop_clr_fd');
  flushAndBugOn(teardown);
  teardown.step('freeze', freezeQueue({
    note: (_m, s, _t, fr) => ` (always; nothing in flight in the model); destroy_workqueue${s[fr + REG] ? ' (under open_mutex)' : ''}`,
  }));
  teardown.step('detach', statement({
    text: (m, s, _t, fr) =>
      `filp := lo_backing_file(${dn(m, s, fr)}) = ${m.fnm(s[m.bf[x(s, fr)]])}; lo_backing_file(${dn(m, s, fr)}) := NULL`,
    run: (m, d, _t, fr) => {
      const i = x(d, fr);
      d[fr + FILE] = d[m.bf[i]];
      d[m.bf[i]] = FILE_NONE;
    },
  }));
  teardown.step('unfreeze', unfreezeQueue({
    note: (m, s, _t, fr) => `; lo_flags := 0${s[m.ps[x(s, fr)]] ? ' after the PARTSCAN rescan' : ''}`,
    also: (m, d, i) => {
      d[m.ac[i]] = 0;
      d[m.ro[i]] = 0;
    },
    then: 'after-detach',
  }));
  teardown.step('acq_lm_unbind', acquire('lo_mutex'));
  teardown.step('unbind', statement({
    text: (m, s, _t, fr) => `st(${dn(m, s, fr)}) := Lo_unbound`,
    run: (m, d, _t, fr) => {
      d[m.st[x(d, fr)]] = Lo_unbound;
    },
  }));
  teardown.step('rel_lm_unbind', release('lo_mutex', { then: 'ret-unless-file' }));
  teardown.step('fput', fput());

  // ---- lo_open(bdev): frame dev; returns 0 or 1 (-ENXIO) ----
  const open = p.fn('lo_open');
  const openErr = open.at('err');
  open.step('acq_lm', loOpenAcquire());
  open.step('check', statement({
    text: (m, s, _t, fr) => {
      const i = x(s, fr);
      const st = s[m.st[i]];
      if (st === Lo_deleting) return `st(${dn(m, s, fr)}) == Lo_deleting: -ENXIO`;
      const n = refcnt(s, i);
      return `st(${dn(m, s, fr)}) == ${LO_STATE_NAMES[st]}: lo_refcnt(${dn(m, s, fr)})++ (${n} → ${n + 1})`;
    },
    run: (_m, d, _t, fr) => {
      const i = x(d, fr);
      if (d[m.st[i]] === Lo_deleting) return openErr;
      setRefcnt(d, i, refcnt(d, i) + 1);
    },
  }));
  // Back in the block layer, bd_openers++ follows with no point that can sleep.
  open.step('rel_lm', release('lo_mutex', { then: retVal(0), backToBack: true }));
  open.step('err', release('lo_mutex', { error: '-ENXIO', then: retVal(1) }));

  // ---- lo_release(disk): every close, under open_mutex after bd_openers-- ----
  const lo_release = p.fn('lo_release');
  const relLm = lo_release.at('rel_lm');
  const relClr = lo_release.at('rel_lm_clr');
  relFn = lo_release;
  relDec = lo_release.at('dec');
  lo_release.step('acq_lm', acquire('lo_mutex'));
  lo_release.step('dec', statement({
    text: (m, s, _t, fr) => {
      const i = x(s, fr);
      const n = refcnt(s, i);
      const head = `lo_refcnt(${dn(m, s, fr)})-- (${n} → ${n - 1})`;
      if (n - 1 > 0) return `${head}: not the last close`;
      const st = s[m.st[i]];
      if (s[m.ac[i]]) {
        return st === Lo_bound
          ? `${head}; AUTOCLEAR && st(${dn(m, s, fr)}) == Lo_bound: st(${dn(m, s, fr)}) := Lo_rundown`
          : `${head}; AUTOCLEAR, st(${dn(m, s, fr)}) == ${LO_STATE_NAMES[st]}: nothing to clear`;
      }
      return st === Lo_bound
        ? `${head}; no AUTOCLEAR, st(${dn(m, s, fr)}) == Lo_bound: drain the queue`
        : `${head}; no AUTOCLEAR, st(${dn(m, s, fr)}) == ${LO_STATE_NAMES[st]}: nothing to do`;
    },
    run: (m, d, _t, fr) => {
      const i = x(d, fr);
      const n = refcnt(d, i) - 1;
      setRefcnt(d, i, n);
      if (n > 0) return relLm;
      const bound = d[m.st[i]] === Lo_bound;
      if (d[m.ac[i]]) {
        if (!bound) return relLm;
        d[m.st[i]] = Lo_rundown;
        return relClr;
      }
      return bound ? 'next' : relLm;
    },
  }));
  lo_release.step('freeze', freezeQueue({ note: ' under lo_mutex (nothing in flight in the model)' }));
  lo_release.step('unfreeze', unfreezeQueue());
  lo_release.step('rel_lm', release('lo_mutex', { then: 'ret' }));
  lo_release.step('rel_lm_clr', release('lo_mutex', { then: tailCall(teardown, 1, '(release=true)') }));

  // ---- loop_clr_fd(lo): lo_mutex only ----
  const clr = p.fn('loop_clr_fd');
  const clrRel = clr.at('rel_lm');
  const clrRelClr = clr.at('rel_lm_clr');
  const clrErr = clr.at('err');
  clr.step('acq_lm', acquire('lo_mutex'));
  clr.step('check', statement({
    outcome: (m, s, _t, fr) => (s[m.st[x(s, fr)]] !== Lo_bound ? '-ENXIO' : null),
    text: (m, s, _t, fr) => {
      const i = x(s, fr);
      const st = s[m.st[i]];
      const d = dn(m, s, fr);
      if (st !== Lo_bound) return `st(${d}) == ${LO_STATE_NAMES[st]}: -ENXIO`;
      const n = refcnt(s, i);
      return n > 1
        ? `st(${d}) == Lo_bound; lo_refcnt(${d}) == ${n} > 1: AUTOCLEAR(${d}) := 1`
        : `st(${d}) == Lo_bound; lo_refcnt(${d}) == ${n}: st(${d}) := Lo_rundown`;
    },
    run: (m, d, _t, fr) => {
      const i = x(d, fr);
      if (d[m.st[i]] !== Lo_bound) return clrErr;
      if (refcnt(d, i) > 1) {
        d[m.ac[i]] = 1;
        return clrRel;
      }
      d[m.st[i]] = Lo_rundown;
      return clrRelClr;
    },
  }));
  clr.step('rel_lm', release('lo_mutex', { then: 'ret' }));
  clr.step('rel_lm_clr', release('lo_mutex', { then: tailCall(teardown, 0, '(release=false)') }));
  clr.step('err', release('lo_mutex', { error: '-ENXIO', then: 'ret' }));

  // ---- LOOP_CTL_REMOVE: no openers = lo_refcnt == 0, under lo_mutex (lo_open counts under it too);
  // loop_remove kfree()s the device right after del_gendisk ----
  const refcntCheck: RemoveCheck = (busy) =>
    statement({
      outcome: (m, s, _t, fr) => (s[m.st[x(s, fr)]] !== Lo_unbound || refcnt(s, x(s, fr)) > 0 ? '-EBUSY' : null),
      text: (m, s, _t, fr) => {
        const i = x(s, fr);
        const st = s[m.st[i]];
        const d = dn(m, s, fr);
        if (st !== Lo_unbound) return `st(${d}) == ${LO_STATE_NAMES[st]}: -EBUSY`;
        const n = refcnt(s, i);
        return `st(${d}) == Lo_unbound; lo_refcnt(${d}) == ${n}${n > 0 ? ': -EBUSY' : ''}`;
      },
      run: (m, d, _t, fr) => {
        const i = x(d, fr);
        if (d[m.st[i]] !== Lo_unbound || refcnt(d, i) > 0) return busy;
      },
    });
  const loop_control_remove = defineControlRemove(p, removeCheck ?? refcntCheck, 'loop_remove');

  return { loop_clr_fd: clr, lo_release, lo_open: open, teardown, loop_control_remove };
}

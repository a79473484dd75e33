// Parts of loop.c that several code states share verbatim, for strategies to
// compose: the end of __loop_clr_fd, the lo_release of (b) and (c), the
// sole-opener check of loop_clr_fd in (b) and (c), and the ->open
// approximation for mounts of (a) and (d). They live in the driver so a
// strategy stays one file that states what its tree does differently.

import { FILE_NONE, Lo_bound, Lo_rundown, Lo_unbound, LO_STATE_NAMES } from '../encoding.js';
import { FILE, REG, type Machine } from '../machine.js';
import type { Fn, Program, Ref, StepSpec, StepText } from '../program.js';
import { acquire, frameDevName as dn, fput, frameDev as x, release, statement, tailCall } from '../steps.js';
import { claimRefusal } from './io.js';

/**
 * The part of __loop_clr_fd common to (a)-(d) from the detach on:
 * filp := lo_backing_file, lo_backing_file := NULL (under lo_lock), lo_flags := 0,
 * invalidate_disk and the PARTSCAN rescan (Machine.afterDetach), then
 * ACQ lo_mutex; st := Lo_unbound; REL lo_mutex; fput(filp).
 * (The queue freeze of (a)-(c) and uevents are not modelled here.)
 */
export function teardownTail(f: Fn): void {
  f.step('detach', statement({
    text: (m, s, _t, fr) =>
      `filp := lo_backing_file(${dn(m, s, fr)}) = ${m.fnm(s[m.bf[x(s, fr)]])}; lo_backing_file(${dn(m, s, fr)}) := NULL; invalidate_disk; lo_flags := 0${s[m.ps[x(s, fr)]] ? ' after the PARTSCAN rescan' : ''}`,
    then: 'after-detach',
    run: (m, d, _t, fr) => {
      const i = x(d, fr);
      d[fr + FILE] = d[m.bf[i]];
      d[m.bf[i]] = FILE_NONE;
      d[m.ac[i]] = 0;
      d[m.ro[i]] = 0;
    },
  }));
  f.step('acq_lm_unbind', acquire('lo_mutex'));
  f.step('unbind', statement({
    text: (m, s, _t, fr) => `st(${dn(m, s, fr)}) := Lo_unbound`,
    run: (m, d, _t, fr) => {
      d[m.st[x(d, fr)]] = Lo_unbound;
    },
  }));
  f.step('rel_lm_unbind', release('lo_mutex', { then: 'ret-unless-file' }));
  f.step('fput', fput());
}

/**
 * lo_release of states (b) and (c) (also (d) minus need_clear): under open_mutex,
 * after bd_openers--: if disk_openers > 0 return; ACQ lo_mutex; if Bound and
 * AUTOCLEAR: st := Rundown, REL lo_mutex, __loop_clr_fd(release = true);
 * otherwise REL lo_mutex.
 */
export function loReleaseByOpeners(p: Program, teardown: Fn): Fn {
  const f = p.fn('lo_release');
  const rel = f.at('rel_lm');
  f.step('read_openers', statement({
    text: (m, s, _t, fr) => {
      const n = s[m.op[x(s, fr)]];
      return `read disk_openers(${dn(m, s, fr)}) == ${n}${n > 0 ? ': not the last close, return' : ': last close'}`;
    },
    run: (m, d, _t, fr) => (d[m.op[x(d, fr)]] > 0 ? 'ret' : 'next'),
  }));
  f.step('acq_lm', acquire('lo_mutex'));
  f.step('check', statement({
    text: (m, s, _t, fr) => {
      const i = x(s, fr);
      const st = s[m.st[i]];
      const ac = s[m.ac[i]];
      return st === Lo_bound && ac
        ? `st(${dn(m, s, fr)}) == Lo_bound && AUTOCLEAR: st(${dn(m, s, fr)}) := Lo_rundown`
        : `st(${dn(m, s, fr)}) == ${LO_STATE_NAMES[st]}, AUTOCLEAR == ${ac}: nothing to clear`;
    },
    run: (m, d, _t, fr) => {
      const i = x(d, fr);
      if (d[m.st[i]] !== Lo_bound || d[m.ac[i]] !== 1) return rel;
      d[m.st[i]] = Lo_rundown;
    },
  }));
  f.step('rel_lm_clr', release('lo_mutex', { then: tailCall(teardown, 1, '(release=true)') }));
  f.step('rel_lm', release('lo_mutex', { then: 'ret' }));
  return f;
}

/**
 * The head of __loop_clr_fd in (a) and (b): the flush (loop_validate_mutex
 * taken and dropped at once), then BUG_ON(lo_state != Lo_rundown) under
 * lo_mutex; a failed BUG_ON sets the ghost flag single-teardown reads.
 */
export function flushAndBugOn(teardown: Fn): void {
  teardown.step('flush_acq', acquire('loop_validate_mutex', { note: ' (flush)' }));
  teardown.step('flush_rel', release('loop_validate_mutex', { note: ' (flush)' }));
  teardown.step('acq_lm_check', acquire('lo_mutex'));
  teardown.step('bug_on', statement({
    text: (m, s, _t, fr) => {
      const st = s[m.st[x(s, fr)]];
      return st === Lo_rundown
        ? `BUG_ON(st(${dn(m, s, fr)}) != Lo_rundown) passes`
        : `BUG_ON(st(${dn(m, s, fr)}) != Lo_rundown) FIRES: st == ${LO_STATE_NAMES[st]}`;
    },
    run: (m, d, _t, fr) => {
      if (d[m.st[x(d, fr)]] !== Lo_rundown) d[m.bugOn] = 1;
    },
  }));
  teardown.step('rel_lm_check', release('lo_mutex'));
}

/**
 * loop_clr_fd's sole-opener check of states (b) and (c), whatever locks
 * surround it: `read` checks st == Lo_bound (else to `err`) and reads
 * disk_openers into the frame register (unlocked: it can be stale by the next
 * step); `decide` sets AUTOCLEAR and goes to `autoclear` if it read more than
 * one opener, else sets Lo_rundown and goes to `rundown`. The read and the
 * store are adjacent statements: a stall window.
 */
export function openersCheck(clr: Fn, to: { readonly err: Ref; readonly autoclear: Ref; readonly rundown: Ref }): void {
  clr.step('read', statement({
    backToBack: true,
    outcome: (m, s, _t, fr) => (s[m.st[x(s, fr)]] !== Lo_bound ? '-ENXIO' : null),
    text: (m, s, _t, fr) => {
      const i = x(s, fr);
      const st = s[m.st[i]];
      return st === Lo_bound
        ? `st(${dn(m, s, fr)}) == Lo_bound; read disk_openers(${dn(m, s, fr)}) == ${s[m.op[i]]}`
        : `st(${dn(m, s, fr)}) == ${LO_STATE_NAMES[st]}: -ENXIO`;
    },
    run: (m, d, _t, fr) => {
      const i = x(d, fr);
      if (d[m.st[i]] !== Lo_bound) return to.err;
      d[fr + REG] = d[m.op[i]];
    },
  }));
  clr.step('decide', statement({
    text: (m, s, _t, fr) =>
      s[fr + REG] > 1
        ? `openers ${s[fr + REG]} > 1: AUTOCLEAR(${dn(m, s, fr)}) := 1`
        : `openers == ${s[fr + REG]}: st(${dn(m, s, fr)}) := Lo_rundown`,
    run: (m, d, _t, fr) => {
      const i = x(d, fr);
      if (d[fr + REG] > 1) {
        d[m.ac[i]] = 1;
        return to.autoclear;
      }
      d[m.st[i]] = Lo_rundown;
      return to.rundown;
    },
  }));
}

/**
 * ->open called from a mount that will fail the exclusive claim: the kernel's
 * bd_prepare_to_claim fails with -EBUSY before ->open is called, but the
 * shared mount path calls ->open first and checks the holder after it. A
 * strategy's lo_open therefore returns 0 at once, taking no lock, when called
 * from such a mount (the mount state changes only under open_mutex, which the
 * caller holds, so the test is stable until the holder check).
 */
export function mountClaimFailsFirst(m: Machine, d: Uint8Array, t: number, fr: number): boolean {
  const it = m.item(d, t);
  return it.fn.name === 'mount' && claimRefusal(m, d, x(d, fr), it.part) !== null;
}

/** The label of lo_open when ->open would not be called (see mountClaimFailsFirst). */
export const NO_OPEN_TEXT = 'mount: exclusive holder exists, bd_prepare_to_claim fails before ->open: not called';

/** lo_open's `ACQ lo_mutex`, or an immediate return 0 when ->open would not be called (see mountClaimFailsFirst). */
export function loOpenAcquire(): StepSpec {
  const acq = acquire('lo_mutex');
  return {
    text: (m, s, t, fr) =>
      mountClaimFailsFirst(m, s, t, fr)
        ? NO_OPEN_TEXT
        : (acq.text as StepText)(m, s, t, fr),
    run: (m, d, t, fr) => (mountClaimFailsFirst(m, d, t, fr) ? m.retVal(d, t, fr, 0) : acq.run(m, d, t, fr)),
  };
}

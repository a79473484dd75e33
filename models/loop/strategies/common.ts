// Building blocks several strategies share verbatim (code that is identical
// in more than one kernel tree), so each strategy file stays a short
// statement of what its tree does differently. Strategies compose these;
// shared driver code never sees them.

import { FILE_NONE, Lo_bound, Lo_rundown, Lo_unbound, LO_STATE_NAMES, isFileSlot } from '../encoding.js';
import { DEV, FILE, REG, type Machine } from '../machine.js';
import type { Fn, Program, Ref } from '../program.js';

const x = (d: Uint8Array, fr: number): number => d[fr + DEV] - 1;

/**
 * The part of __loop_clr_fd common to (a)-(d) from the detach on:
 * filp := lo_backing_file, lo_backing_file := NULL (under lo_lock), lo_flags := 0,
 * invalidate_disk and the PARTSCAN rescan (Machine.afterDetach), then
 * ACQ lo_mutex; st := Lo_unbound; REL lo_mutex; fput(filp).
 * (The queue freeze and uevents are not modelled.)
 */
export function teardownTail(f: Fn): void {
  f.step('detach', {
    text: (m, s, _t, fr) =>
      `filp := lo_backing_file(${m.dn(s[fr + DEV])}) = ${m.fnm(s[m.bf[x(s, fr)]])}; lo_backing_file(${m.dn(s[fr + DEV])}) := NULL; invalidate_disk; lo_flags := 0${s[m.ps[x(s, fr)]] ? ' after the PARTSCAN rescan' : ''}`,
    run: (m, d, t, fr) => {
      const i = x(d, fr);
      d[fr + FILE] = d[m.bf[i]];
      d[m.bf[i]] = FILE_NONE;
      d[m.ac[i]] = 0;
      d[m.ro[i]] = 0;
      return m.afterDetach(d, t, fr);
    },
  });
  f.step('acq_lm_unbind', {
    text: (m, s, _t, fr) => `ACQ lo_mutex(${m.dn(s[fr + DEV])})`,
    run: (m, d, t, fr) => m.acquire(d, m.lm[x(d, fr)], t) && m.next(d, fr),
  });
  f.step('unbind', {
    text: (m, s, _t, fr) => `st(${m.dn(s[fr + DEV])}) := Lo_unbound`,
    run: (m, d, _t, fr) => {
      d[m.st[x(d, fr)]] = Lo_unbound;
      return m.next(d, fr);
    },
  });
  f.step('rel_lm_unbind', {
    text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])})`,
    run: (m, d, t, fr) => {
      m.release(d, m.lm[x(d, fr)]);
      return isFileSlot(d[fr + FILE]) ? m.next(d, fr) : m.ret(d, t, fr);
    },
  });
  f.step('fput', {
    text: (m, s, _t, fr) => fputText(m, s, s[fr + FILE]),
    run: (m, d, t, fr) => m.fput(d, t, fr, d[fr + FILE], null),
  });
}

export function fputText(m: Machine, s: Uint8Array, code: number): string {
  if (!isFileSlot(code)) return `fput(${m.fnm(code)})`;
  const n = s[m.fref[code - 2]];
  return `fput(${m.fnm(code)}) f_count ${n} → ${n - 1}${n === 1 ? ': last reference, release' : ''}`;
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
  f.step('read_openers', {
    text: (m, s, _t, fr) => {
      const n = s[m.op[x(s, fr)]];
      return `read disk_openers(${m.dn(s[fr + DEV])}) == ${n}${n > 0 ? ': not the last close, return' : ': last close'}`;
    },
    run: (m, d, t, fr) => (d[m.op[x(d, fr)]] > 0 ? m.ret(d, t, fr) : m.next(d, fr)),
  });
  f.step('acq_lm', {
    text: (m, s, _t, fr) => `ACQ lo_mutex(${m.dn(s[fr + DEV])})`,
    run: (m, d, t, fr) => m.acquire(d, m.lm[x(d, fr)], t) && m.next(d, fr),
  });
  f.step('check', {
    text: (m, s, _t, fr) => {
      const i = x(s, fr);
      const st = s[m.st[i]];
      const ac = s[m.ac[i]];
      return st === Lo_bound && ac
        ? `st(${m.dn(s[fr + DEV])}) == Lo_bound && AUTOCLEAR: st(${m.dn(s[fr + DEV])}) := Lo_rundown`
        : `st(${m.dn(s[fr + DEV])}) == ${LO_STATE_NAMES[st]}, AUTOCLEAR == ${ac}: nothing to clear`;
    },
    run: (m, d, _t, fr) => {
      const i = x(d, fr);
      if (d[m.st[i]] === Lo_bound && d[m.ac[i]] === 1) {
        d[m.st[i]] = Lo_rundown;
        return m.next(d, fr);
      }
      return m.go(d, fr, rel);
    },
  });
  f.step('rel_lm_clr', {
    text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])}); call __loop_clr_fd(release=true)`,
    run: (m, d, _t, fr) => {
      m.release(d, m.lm[x(d, fr)]);
      return m.tail(d, fr, teardown, d[fr + DEV], 0, 1);
    },
  });
  f.step('rel_lm', {
    text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])})`,
    run: (m, d, t, fr) => {
      m.release(d, m.lm[x(d, fr)]);
      return m.ret(d, t, fr);
    },
  });
  return f;
}

/**
 * loop_clr_fd's sole-opener check of states (b) and (c), whatever locks
 * surround it: `read` checks st == Lo_bound (else to `err`) and reads
 * disk_openers into the frame register (unlocked: it can be stale by the next
 * step); `decide` sets AUTOCLEAR and goes to `autoclear` if it read more than
 * one opener, else sets Lo_rundown and goes to `rundown`.
 */
export function openersCheck(clr: Fn, to: { readonly err: Ref; readonly autoclear: Ref; readonly rundown: Ref }): void {
  clr.step('read', {
    outcome: (m, s, _t, fr) => (s[m.st[x(s, fr)]] !== Lo_bound ? '-ENXIO' : null),
    text: (m, s, _t, fr) => {
      const i = x(s, fr);
      const st = s[m.st[i]];
      return st === Lo_bound
        ? `st(${m.dn(s[fr + DEV])}) == Lo_bound; read disk_openers(${m.dn(s[fr + DEV])}) == ${s[m.op[i]]}`
        : `st(${m.dn(s[fr + DEV])}) == ${LO_STATE_NAMES[st]}: -ENXIO`;
    },
    run: (m, d, _t, fr) => {
      const i = x(d, fr);
      if (d[m.st[i]] !== Lo_bound) return m.go(d, fr, to.err);
      d[fr + REG] = d[m.op[i]];
      return m.next(d, fr);
    },
  });
  clr.step('decide', {
    text: (m, s, _t, fr) =>
      s[fr + REG] > 1
        ? `openers ${s[fr + REG]} > 1: AUTOCLEAR(${m.dn(s[fr + DEV])}) := 1`
        : `openers == ${s[fr + REG]}: st(${m.dn(s[fr + DEV])}) := Lo_rundown`,
    run: (m, d, _t, fr) => {
      const i = x(d, fr);
      if (d[fr + REG] > 1) {
        d[m.ac[i]] = 1;
        return m.go(d, fr, to.autoclear);
      }
      d[m.st[i]] = Lo_rundown;
      return m.go(d, fr, to.rundown);
    },
  });
}

export { x as frameDevice };

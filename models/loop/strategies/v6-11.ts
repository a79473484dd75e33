// Strategy `v6.11`: code state (d) of loop-driver.md (§3.5) — mainline from
// 18048c1af783 (v6.11) on, read in v6.19.
//
// lo_open (under open_mutex, before bd_openers++) takes lo_mutex and refuses
// Lo_rundown and Lo_deleting with -ENXIO, so the open fails. loop_clr_fd
// takes loop_validate_mutex then lo_mutex, fails with -ENXIO unless bound,
// sets AUTOCLEAR unconditionally and switches to Lo_rundown only when its
// (racy, open_mutex-less) read of disk_openers sees 1; it never tears down.
// lo_release (under open_mutex after bd_openers--): at disk_openers == 0,
// ACQ lo_mutex, Bound && AUTOCLEAR → Lo_rundown, need_clear := (st ==
// Lo_rundown), REL lo_mutex, and __loop_clr_fd if need_clear — the only
// caller of __loop_clr_fd, which has no release argument, no flush, no
// BUG_ON and no queue freeze.
//
// Approximation shared with v5.17 (see v5-17.ts): lo_open is not called
// (returns 0 at once) from a mount whose exclusive claim is bound to fail,
// because the kernel's bd_prepare_to_claim fails before ->open.

import { Lo_bound, Lo_deleting, Lo_rundown, LO_STATE_NAMES } from '../encoding.js';
import { DEV } from '../machine.js';
import type { Program } from '../program.js';
import { frameDevice as x, teardownTail } from './common.js';
import type { Strategy, StrategyFns } from './types.js';
import { NO_OPEN_TEXT, mountClaimFailsFirst } from './v5-17.js';

export const v6_11: Strategy = {
  name: 'v6.11',
  codeState: '(d)',
  partitionOpensEach: true,
  openRefusesRundown: true,
  kernels: ['6.12'],
  description:
    'state (d), v6.11+ mainline: lo_open refuses Lo_rundown and Lo_deleting; loop_clr_fd (loop_validate_mutex + lo_mutex) always sets AUTOCLEAR and switches to Lo_rundown only for a sole opener; teardown only at the last close, in lo_release',
  define(p: Program): StrategyFns {
    const teardown = p.fn('__loop_clr_fd');
    teardownTail(teardown);

    // ---- lo_open(disk): frame dev; returns 0 or 1 (-ENXIO) ----
    const open = p.fn('lo_open');
    const openErr = open.at('err');
    open.step('acq_lm', {
      text: (m, s, t, fr) => (mountClaimFailsFirst(m, s, t, fr) ? NO_OPEN_TEXT : `ACQ lo_mutex(${m.dn(s[fr + DEV])})`),
      run: (m, d, t, fr) => {
        if (mountClaimFailsFirst(m, d, t, fr)) return m.retVal(d, t, fr, 0);
        return m.acquire(d, m.lm[x(d, fr)], t) && m.next(d, fr);
      },
    });
    open.step('check', {
      text: (m, s, _t, fr) => {
        const st = s[m.st[x(s, fr)]];
        return st === Lo_rundown || st === Lo_deleting
          ? `st(${m.dn(s[fr + DEV])}) == ${LO_STATE_NAMES[st]}: -ENXIO`
          : `st(${m.dn(s[fr + DEV])}) == ${LO_STATE_NAMES[st]}: ok`;
      },
      run: (m, d, _t, fr) => {
        const st = d[m.st[x(d, fr)]];
        return st === Lo_rundown || st === Lo_deleting ? m.go(d, fr, openErr) : m.next(d, fr);
      },
    });
    open.step('rel_lm', {
      text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])})`,
      run: (m, d, t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.retVal(d, t, fr, 0);
      },
    });
    open.step('err', {
      text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])}): -ENXIO`,
      run: (m, d, t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.retVal(d, t, fr, 1);
      },
    });

    // ---- lo_release(disk): under open_mutex, after bd_openers-- ----
    const release = p.fn('lo_release');
    const relLm = release.at('rel_lm');
    release.step('read_openers', {
      text: (m, s, _t, fr) => {
        const n = s[m.op[x(s, fr)]];
        return `read disk_openers(${m.dn(s[fr + DEV])}) == ${n}${n > 0 ? ': not the last close, return' : ': last close'}`;
      },
      run: (m, d, t, fr) => (d[m.op[x(d, fr)]] > 0 ? m.ret(d, t, fr) : m.next(d, fr)),
    });
    release.step('acq_lm', {
      text: (m, s, _t, fr) => `ACQ lo_mutex(${m.dn(s[fr + DEV])})`,
      run: (m, d, t, fr) => m.acquire(d, m.lm[x(d, fr)], t) && m.next(d, fr),
    });
    release.step('check', {
      text: (m, s, _t, fr) => {
        const i = x(s, fr);
        const st = s[m.st[i]];
        const ac = s[m.ac[i]];
        const d = m.dn(s[fr + DEV]);
        if (st === Lo_bound && ac) return `st(${d}) == Lo_bound && AUTOCLEAR: st(${d}) := Lo_rundown; need_clear`;
        if (st === Lo_rundown) return `st(${d}) == Lo_rundown: need_clear`;
        return `st(${d}) == ${LO_STATE_NAMES[st]}, AUTOCLEAR == ${ac}: nothing to clear`;
      },
      run: (m, d, _t, fr) => {
        const i = x(d, fr);
        if (d[m.st[i]] === Lo_bound && d[m.ac[i]] === 1) d[m.st[i]] = Lo_rundown;
        return d[m.st[i]] === Lo_rundown ? m.next(d, fr) : m.go(d, fr, relLm);
      },
    });
    release.step('rel_lm_clr', {
      text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])}); call __loop_clr_fd`,
      run: (m, d, _t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.tail(d, fr, teardown, d[fr + DEV], 0, 0);
      },
    });
    release.step('rel_lm', {
      text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])})`,
      run: (m, d, t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.ret(d, t, fr);
      },
    });

    // ---- loop_clr_fd(lo): loop_validate_mutex + lo_mutex; never tears down ----
    const clr = p.fn('loop_clr_fd');
    const rel = clr.at('rel_lm');
    const err = clr.at('err_lm');
    clr.step('acq_vm', {
      text: 'ACQ loop_validate_mutex',
      run: (m, d, t, fr) => m.acquire(d, m.vm, t) && m.next(d, fr),
    });
    clr.step('acq_lm', {
      text: (m, s, _t, fr) => `ACQ lo_mutex(${m.dn(s[fr + DEV])})`,
      run: (m, d, t, fr) => m.acquire(d, m.lm[x(d, fr)], t) && m.next(d, fr),
    });
    // AUTOCLEAR := 1 and the unlocked disk_openers read; a sole opener is
    // switched to Rundown in the next step (the read can be stale by then).
    clr.step('read', {
      outcome: (m, s, _t, fr) => (s[m.st[x(s, fr)]] !== Lo_bound ? '-ENXIO' : null),
      text: (m, s, _t, fr) => {
        const i = x(s, fr);
        const st = s[m.st[i]];
        const d = m.dn(s[fr + DEV]);
        if (st !== Lo_bound) return `st(${d}) == ${LO_STATE_NAMES[st]}: -ENXIO`;
        const n = s[m.op[i]];
        return `st(${d}) == Lo_bound: AUTOCLEAR(${d}) := 1; read disk_openers(${d}) == ${n}${n === 1 ? '' : ': not the sole opener'}`;
      },
      run: (m, d, _t, fr) => {
        const i = x(d, fr);
        if (d[m.st[i]] !== Lo_bound) return m.go(d, fr, err);
        d[m.ac[i]] = 1;
        return d[m.op[i]] !== 1 ? m.go(d, fr, rel) : m.next(d, fr);
      },
    });
    clr.step('rundown', {
      text: (m, s, _t, fr) => `openers == 1: st(${m.dn(s[fr + DEV])}) := Lo_rundown (teardown deferred to the last close)`,
      run: (m, d, _t, fr) => {
        d[m.st[x(d, fr)]] = Lo_rundown;
        return m.next(d, fr);
      },
    });
    const relLmStep = (key: string, suffix: string) =>
      clr.step(key, {
        text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])})${suffix}`,
        run: (m, d, _t, fr) => {
          m.release(d, m.lm[x(d, fr)]);
          return m.next(d, fr);
        },
      });
    const relVmStep = (key: string) =>
      clr.step(key, {
        text: 'REL loop_validate_mutex',
        run: (m, d, t, fr) => {
          m.release(d, m.vm);
          return m.ret(d, t, fr);
        },
      });
    relLmStep('rel_lm', '');
    relVmStep('rel_vm');
    relLmStep('err_lm', ': -ENXIO');
    relVmStep('err_vm');

    return { loop_clr_fd: clr, lo_release: release, lo_open: open, teardown };
  },
};

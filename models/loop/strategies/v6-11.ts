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
// Approximation shared with v5.17 (loOpenAcquire in driver/tree-parts.ts):
// lo_open is not called (returns 0 at once) from a mount whose exclusive
// claim is bound to fail, because the kernel's bd_prepare_to_claim fails
// before ->open.

import { Lo_bound, Lo_deleting, Lo_rundown, LO_STATE_NAMES } from '../encoding.js';
import type { Program } from '../program.js';
import { loOpenAcquire, teardownTail } from '../driver/tree-parts.js';
import { acquire, frameDevName as dn, frameDev as x, release, retVal, statement, tailCall } from '../steps.js';
import { defineControlRemove, removeCheckByOpeners } from '../driver/control-remove.js';
import type { Strategy, StrategyFns } from './types.js';

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
    open.step('acq_lm', loOpenAcquire());
    open.step('check', statement({
      text: (m, s, _t, fr) => {
        const st = s[m.st[x(s, fr)]];
        return st === Lo_rundown || st === Lo_deleting
          ? `st(${dn(m, s, fr)}) == ${LO_STATE_NAMES[st]}: -ENXIO`
          : `st(${dn(m, s, fr)}) == ${LO_STATE_NAMES[st]}: ok`;
      },
      run: (m, d, _t, fr) => {
        const st = d[m.st[x(d, fr)]];
        if (st === Lo_rundown || st === Lo_deleting) return openErr;
      },
    }));
    // Back in the block layer, bd_openers++ follows with no point that can sleep.
    open.step('rel_lm', release('lo_mutex', { then: retVal(0), backToBack: true }));
    open.step('err', release('lo_mutex', { error: '-ENXIO', then: retVal(1) }));

    // ---- lo_release(disk): under open_mutex, after bd_openers-- ----
    const lo_release = p.fn('lo_release');
    const relLm = lo_release.at('rel_lm');
    lo_release.step('read_openers', statement({
      text: (m, s, _t, fr) => {
        const n = s[m.op[x(s, fr)]];
        return `read disk_openers(${dn(m, s, fr)}) == ${n}${n > 0 ? ': not the last close, return' : ': last close'}`;
      },
      run: (m, d, _t, fr) => (d[m.op[x(d, fr)]] > 0 ? 'ret' : 'next'),
    }));
    lo_release.step('acq_lm', acquire('lo_mutex'));
    lo_release.step('check', statement({
      text: (m, s, _t, fr) => {
        const i = x(s, fr);
        const st = s[m.st[i]];
        const ac = s[m.ac[i]];
        const d = dn(m, s, fr);
        if (st === Lo_bound && ac) return `st(${d}) == Lo_bound && AUTOCLEAR: st(${d}) := Lo_rundown; need_clear`;
        if (st === Lo_rundown) return `st(${d}) == Lo_rundown: need_clear`;
        return `st(${d}) == ${LO_STATE_NAMES[st]}, AUTOCLEAR == ${ac}: nothing to clear`;
      },
      run: (m, d, _t, fr) => {
        const i = x(d, fr);
        if (d[m.st[i]] === Lo_bound && d[m.ac[i]] === 1) d[m.st[i]] = Lo_rundown;
        if (d[m.st[i]] !== Lo_rundown) return relLm;
      },
    }));
    lo_release.step('rel_lm_clr', release('lo_mutex', { then: tailCall(teardown, 0) }));
    lo_release.step('rel_lm', release('lo_mutex', { then: 'ret' }));

    // ---- loop_clr_fd(lo): loop_validate_mutex + lo_mutex; never tears down ----
    const clr = p.fn('loop_clr_fd');
    const rel = clr.at('rel_lm');
    const err = clr.at('err_lm');
    clr.step('acq_vm', acquire('loop_validate_mutex'));
    clr.step('acq_lm', acquire('lo_mutex'));
    // AUTOCLEAR := 1 and the unlocked disk_openers read; a sole opener is
    // switched to Rundown by the adjacent statement (the read can be stale by then).
    clr.step('read', statement({
      backToBack: true,
      outcome: (m, s, _t, fr) => (s[m.st[x(s, fr)]] !== Lo_bound ? '-ENXIO' : null),
      text: (m, s, _t, fr) => {
        const i = x(s, fr);
        const st = s[m.st[i]];
        const d = dn(m, s, fr);
        if (st !== Lo_bound) return `st(${d}) == ${LO_STATE_NAMES[st]}: -ENXIO`;
        const n = s[m.op[i]];
        return `st(${d}) == Lo_bound: AUTOCLEAR(${d}) := 1; read disk_openers(${d}) == ${n}${n === 1 ? '' : ': not the sole opener'}`;
      },
      run: (m, d, _t, fr) => {
        const i = x(d, fr);
        if (d[m.st[i]] !== Lo_bound) return err;
        d[m.ac[i]] = 1;
        if (d[m.op[i]] !== 1) return rel;
      },
    }));
    clr.step('rundown', statement({
      text: (m, s, _t, fr) => `openers == 1: st(${dn(m, s, fr)}) := Lo_rundown (teardown deferred to the last close)`,
      run: (m, d, _t, fr) => {
        d[m.st[x(d, fr)]] = Lo_rundown;
      },
    }));
    clr.step('rel_lm', release('lo_mutex'));
    clr.step('rel_vm', release('loop_validate_mutex', { then: 'ret' }));
    clr.step('err_lm', release('lo_mutex', { error: '-ENXIO' }));
    clr.step('err_vm', release('loop_validate_mutex', { then: 'ret' }));

    // LOOP_CTL_REMOVE: no openers = disk_openers == 0, read without open_mutex;
    // ->free_disk frees the device at the disk's last reference.
    const loop_control_remove = defineControlRemove(p, removeCheckByOpeners, 'free_disk');
    return { loop_clr_fd: clr, lo_release, lo_open: open, teardown, loop_control_remove };
  },
};

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
// * mount with an exclusive holder present: the kernel's bd_prepare_to_claim
//   fails with -EBUSY before ->open is called, but the shared mount path
//   calls ->open first and checks the holder after it (without ->release on
//   the error path). lo_open therefore returns 0 at once, taking no lock and
//   counting nothing, when called from a mount that will find a holder (the
//   mount state only leaves/returns to `none` under open_mutex, which the
//   caller holds, so the test is stable until the holder check).
// * The queue freeze is a lock-like resource, `queue_freeze(dev)` (the
//   device's `freeze` field holds the freezing thread): freeze takes it and
//   unfreeze drops it, so traces show it among the locks held and the
//   lock-order analysis sees the open_mutex → freeze and lo_mutex → freeze
//   edges of §1. It never blocks anything: I/O is one atomic step in the
//   shared model, so nothing is in flight to drain, and an I/O step is not
//   held back while the queue is frozen (it would find the same lo_state
//   after the unfreeze, as nothing in between changes it). Two freezes of one
//   device never overlap (teardown freezes only in Lo_rundown, lo_release's
//   drain only in Lo_bound under lo_mutex), so one owner field suffices.

import { Lo_bound, Lo_deleting, Lo_rundown, Lo_unbound, LO_STATE_NAMES, MNT_NONE, FILE_NONE, isFileSlot } from '../encoding.js';
import { DEV, FILE, FRAME, PC, REG, type Machine } from '../machine.js';
import type { Fn, Program, Ref } from '../program.js';
import { fputText, frameDevice as x } from './common.js';
import type { Strategy, StrategyFns } from './types.js';

const REFCNT_DOMAIN = 64;
const REFCNT_VALUES = ['untouched', ...Array.from({ length: REFCNT_DOMAIN - 1 }, (_, k) => String(k))];

/**
 * ->open called from a mount that will fail the exclusive claim: the kernel
 * would not call ->open at all (see the header). Shared with v6.11.
 */
export function mountClaimFailsFirst(m: Machine, d: Uint8Array, t: number, fr: number): boolean {
  return m.item(d, t).fn.name === 'mount' && d[m.mnt[x(d, fr)]] !== MNT_NONE;
}

export const NO_OPEN_TEXT = 'mount: exclusive holder exists, bd_prepare_to_claim fails before ->open: not called';

export const v5_17: Strategy = {
  name: 'v5.17',
  codeState: '(a)',
  description:
    'state (a), v5.17: lo_open/lo_release count lo_refcnt under lo_mutex (lo_open refuses only Lo_deleting); loop_clr_fd tests lo_refcnt > 1 under lo_mutex only; __loop_clr_fd flushes loop_validate_mutex, BUG_ONs on lo_state != Lo_rundown and always freezes the queue',
  extraDeviceFields: [
    { name: 'lo_refcnt', domain: REFCNT_DOMAIN, values: REFCNT_VALUES },
    { name: 'freeze', domain: 'owner', lock: 'queue_freeze' },
  ],
  define(p: Program, m: Machine): StrategyFns {
    const rc = m.extra.lo_refcnt;
    const fz = m.extra.freeze;
    const freeze = (mm: Machine, d: Uint8Array, t: number, fr: number): boolean => {
      if (!mm.acquire(d, fz[x(d, fr)], t)) throw new Error('v5.17: two freezes of one queue overlap (the model assumes they never do)');
      return mm.next(d, fr);
    };
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
    const dn = (s: Uint8Array, fr: number) => m.dn(s[fr + DEV]);

    // ---- __loop_clr_fd(lo, release): frame r = release, file = filp ----
    const teardown = p.fn('__loop_clr_fd');
    teardown.step('flush_acq', {
      text: 'ACQ loop_validate_mutex (flush)',
      run: (m, d, t, fr) => m.acquire(d, m.vm, t) && m.next(d, fr),
    });
    teardown.step('flush_rel', {
      text: 'REL loop_validate_mutex (flush)',
      run: (m, d, _t, fr) => {
        m.release(d, m.vm);
        return m.next(d, fr);
      },
    });
    teardown.step('acq_lm_check', {
      text: (m, s, _t, fr) => `ACQ lo_mutex(${dn(s, fr)})`,
      run: (m, d, t, fr) => m.acquire(d, m.lm[x(d, fr)], t) && m.next(d, fr),
    });
    teardown.step('bug_on', {
      text: (m, s, _t, fr) => {
        const st = s[m.st[x(s, fr)]];
        return st === Lo_rundown
          ? `BUG_ON(st(${dn(s, fr)}) != Lo_rundown) passes`
          : `BUG_ON(st(${dn(s, fr)}) != Lo_rundown) FIRES: st == ${LO_STATE_NAMES[st]}`;
      },
      run: (m, d, _t, fr) => {
        if (d[m.st[x(d, fr)]] !== Lo_rundown) d[m.bugOn] = 1;
        return m.next(d, fr);
      },
    });
    teardown.step('rel_lm_check', {
      text: (m, s, _t, fr) => `REL lo_mutex(${dn(s, fr)})`,
      run: (m, d, _t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.next(d, fr);
      },
    });
    teardown.step('freeze', {
      text: (m, s, _t, fr) =>
        `blk_mq_freeze_queue(${dn(s, fr)}) (always; nothing in flight in the model); destroy_workqueue${s[fr + REG] ? ' (under open_mutex)' : ''}`,
      run: (m, d, t, fr) => freeze(m, d, t, fr),
    });
    teardown.step('detach', {
      text: (m, s, _t, fr) =>
        `filp := lo_backing_file(${dn(s, fr)}) = ${m.fnm(s[m.bf[x(s, fr)]])}; lo_backing_file(${dn(s, fr)}) := NULL`,
      run: (m, d, _t, fr) => {
        const i = x(d, fr);
        d[fr + FILE] = d[m.bf[i]];
        d[m.bf[i]] = FILE_NONE;
        return m.next(d, fr);
      },
    });
    teardown.step('unfreeze', {
      text: (m, s, _t, fr) => `blk_mq_unfreeze_queue(${dn(s, fr)}); lo_flags := 0${s[m.ps[x(s, fr)]] ? ' after the PARTSCAN rescan' : ''}`,
      run: (m, d, t, fr) => {
        const i = x(d, fr);
        m.release(d, fz[i]);
        d[m.ac[i]] = 0;
        d[m.ro[i]] = 0;
        return m.afterDetach(d, t, fr);
      },
    });
    teardown.step('acq_lm_unbind', {
      text: (m, s, _t, fr) => `ACQ lo_mutex(${dn(s, fr)})`,
      run: (m, d, t, fr) => m.acquire(d, m.lm[x(d, fr)], t) && m.next(d, fr),
    });
    teardown.step('unbind', {
      text: (m, s, _t, fr) => `st(${dn(s, fr)}) := Lo_unbound`,
      run: (m, d, _t, fr) => {
        d[m.st[x(d, fr)]] = Lo_unbound;
        return m.next(d, fr);
      },
    });
    teardown.step('rel_lm_unbind', {
      text: (m, s, _t, fr) => `REL lo_mutex(${dn(s, fr)})`,
      run: (m, d, t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return isFileSlot(d[fr + FILE]) ? m.next(d, fr) : m.ret(d, t, fr);
      },
    });
    teardown.step('fput', {
      text: (m, s, _t, fr) => fputText(m, s, s[fr + FILE]),
      run: (m, d, t, fr) => m.fput(d, t, fr, d[fr + FILE], null),
    });

    // ---- lo_open(bdev): frame dev; returns 0 or 1 (-ENXIO) ----
    const open = p.fn('lo_open');
    const openErr = open.at('err');
    open.step('acq_lm', {
      text: (m, s, t, fr) => (mountClaimFailsFirst(m, s, t, fr) ? NO_OPEN_TEXT : `ACQ lo_mutex(${dn(s, fr)})`),
      run: (m, d, t, fr) => {
        if (mountClaimFailsFirst(m, d, t, fr)) return m.retVal(d, t, fr, 0);
        return m.acquire(d, m.lm[x(d, fr)], t) && m.next(d, fr);
      },
    });
    open.step('check', {
      text: (m, s, _t, fr) => {
        const i = x(s, fr);
        const st = s[m.st[i]];
        if (st === Lo_deleting) return `st(${dn(s, fr)}) == Lo_deleting: -ENXIO`;
        const n = refcnt(s, i);
        return `st(${dn(s, fr)}) == ${LO_STATE_NAMES[st]}: lo_refcnt(${dn(s, fr)})++ (${n} → ${n + 1})`;
      },
      run: (m, d, _t, fr) => {
        const i = x(d, fr);
        if (d[m.st[i]] === Lo_deleting) return m.go(d, fr, openErr);
        setRefcnt(d, i, refcnt(d, i) + 1);
        return m.next(d, fr);
      },
    });
    open.step('rel_lm', {
      text: (m, s, _t, fr) => `REL lo_mutex(${dn(s, fr)})`,
      run: (m, d, t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.retVal(d, t, fr, 0);
      },
    });
    open.step('err', {
      text: (m, s, _t, fr) => `REL lo_mutex(${dn(s, fr)}): -ENXIO`,
      run: (m, d, t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.retVal(d, t, fr, 1);
      },
    });

    // ---- lo_release(disk): every close, under open_mutex after bd_openers-- ----
    const release = p.fn('lo_release');
    const relLm = release.at('rel_lm');
    const relClr = release.at('rel_lm_clr');
    relFn = release;
    relDec = release.at('dec');
    release.step('acq_lm', {
      text: (m, s, _t, fr) => `ACQ lo_mutex(${dn(s, fr)})`,
      run: (m, d, t, fr) => m.acquire(d, m.lm[x(d, fr)], t) && m.next(d, fr),
    });
    release.step('dec', {
      text: (m, s, _t, fr) => {
        const i = x(s, fr);
        const n = refcnt(s, i);
        const head = `lo_refcnt(${dn(s, fr)})-- (${n} → ${n - 1})`;
        if (n - 1 > 0) return `${head}: not the last close`;
        const st = s[m.st[i]];
        if (s[m.ac[i]]) {
          return st === Lo_bound
            ? `${head}; AUTOCLEAR && st(${dn(s, fr)}) == Lo_bound: st(${dn(s, fr)}) := Lo_rundown`
            : `${head}; AUTOCLEAR, st(${dn(s, fr)}) == ${LO_STATE_NAMES[st]}: nothing to clear`;
        }
        return st === Lo_bound
          ? `${head}; no AUTOCLEAR, st(${dn(s, fr)}) == Lo_bound: drain the queue`
          : `${head}; no AUTOCLEAR, st(${dn(s, fr)}) == ${LO_STATE_NAMES[st]}: nothing to do`;
      },
      run: (m, d, _t, fr) => {
        const i = x(d, fr);
        const n = refcnt(d, i) - 1;
        setRefcnt(d, i, n);
        if (n > 0) return m.go(d, fr, relLm);
        const bound = d[m.st[i]] === Lo_bound;
        if (d[m.ac[i]]) {
          if (!bound) return m.go(d, fr, relLm);
          d[m.st[i]] = Lo_rundown;
          return m.go(d, fr, relClr);
        }
        return bound ? m.next(d, fr) : m.go(d, fr, relLm);
      },
    });
    release.step('freeze', {
      text: (m, s, _t, fr) => `blk_mq_freeze_queue(${dn(s, fr)}) under lo_mutex (nothing in flight in the model)`,
      run: (m, d, t, fr) => freeze(m, d, t, fr),
    });
    release.step('unfreeze', {
      text: (m, s, _t, fr) => `blk_mq_unfreeze_queue(${dn(s, fr)})`,
      run: (m, d, _t, fr) => {
        m.release(d, fz[x(d, fr)]);
        return m.next(d, fr);
      },
    });
    release.step('rel_lm', {
      text: (m, s, _t, fr) => `REL lo_mutex(${dn(s, fr)})`,
      run: (m, d, t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.ret(d, t, fr);
      },
    });
    release.step('rel_lm_clr', {
      text: (m, s, _t, fr) => `REL lo_mutex(${dn(s, fr)}); call __loop_clr_fd(release=true)`,
      run: (m, d, _t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.tail(d, fr, teardown, d[fr + DEV], 0, 1);
      },
    });

    // ---- loop_clr_fd(lo): lo_mutex only ----
    const clr = p.fn('loop_clr_fd');
    const clrRel = clr.at('rel_lm');
    const clrRelClr = clr.at('rel_lm_clr');
    const clrErr = clr.at('err');
    clr.step('acq_lm', {
      text: (m, s, _t, fr) => `ACQ lo_mutex(${dn(s, fr)})`,
      run: (m, d, t, fr) => m.acquire(d, m.lm[x(d, fr)], t) && m.next(d, fr),
    });
    clr.step('check', {
      outcome: (m, s, _t, fr) => (s[m.st[x(s, fr)]] !== Lo_bound ? '-ENXIO' : null),
      text: (m, s, _t, fr) => {
        const i = x(s, fr);
        const st = s[m.st[i]];
        if (st !== Lo_bound) return `st(${dn(s, fr)}) == ${LO_STATE_NAMES[st]}: -ENXIO`;
        const n = refcnt(s, i);
        return n > 1
          ? `st(${dn(s, fr)}) == Lo_bound; lo_refcnt(${dn(s, fr)}) == ${n} > 1: AUTOCLEAR(${dn(s, fr)}) := 1`
          : `st(${dn(s, fr)}) == Lo_bound; lo_refcnt(${dn(s, fr)}) == ${n}: st(${dn(s, fr)}) := Lo_rundown`;
      },
      run: (m, d, _t, fr) => {
        const i = x(d, fr);
        if (d[m.st[i]] !== Lo_bound) return m.go(d, fr, clrErr);
        if (refcnt(d, i) > 1) {
          d[m.ac[i]] = 1;
          return m.go(d, fr, clrRel);
        }
        d[m.st[i]] = Lo_rundown;
        return m.go(d, fr, clrRelClr);
      },
    });
    clr.step('rel_lm', {
      text: (m, s, _t, fr) => `REL lo_mutex(${dn(s, fr)})`,
      run: (m, d, t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.ret(d, t, fr);
      },
    });
    clr.step('rel_lm_clr', {
      text: (m, s, _t, fr) => `REL lo_mutex(${dn(s, fr)}); call __loop_clr_fd(release=false)`,
      run: (m, d, _t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.tail(d, fr, teardown, d[fr + DEV], 0, 0);
      },
    });
    clr.step('err', {
      text: (m, s, _t, fr) => `REL lo_mutex(${dn(s, fr)}): -ENXIO`,
      run: (m, d, t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.ret(d, t, fr);
      },
    });

    return { loop_clr_fd: clr, lo_release: release, lo_open: open, teardown };
  },
};

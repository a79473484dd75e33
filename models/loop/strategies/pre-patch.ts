// Strategy `pre-patch`: code state (b) of loop-driver.md (§3.3) — Christoph
// Hellwig's v5 series up to 13/14, without Tetsuo Handa's patch.
//
// loop_clr_fd checks "only one opener?" (disk_openers read without
// open_mutex) and switches to Lo_rundown under lo_mutex only;
// __loop_clr_fd starts with the loop_validate_mutex flush and the
// BUG_ON(lo_state != Lo_rundown) check. No ->open.

import { Lo_rundown, LO_STATE_NAMES } from '../encoding.js';
import { DEV } from '../machine.js';
import type { Program } from '../program.js';
import { frameDevice as x, loReleaseByOpeners, openersCheck, teardownTail } from './common.js';
import type { Strategy, StrategyFns } from './types.js';

export const prePatch: Strategy = {
  name: 'pre-patch',
  codeState: '(b)',
  description:
    'state (b): loop_clr_fd checks disk_openers and sets Lo_rundown under lo_mutex only; __loop_clr_fd flushes loop_validate_mutex and BUG_ONs on lo_state != Lo_rundown',
  define(p: Program): StrategyFns {
    // __loop_clr_fd(lo, release): frame r = release.
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
      text: (m, s, _t, fr) => `ACQ lo_mutex(${m.dn(s[fr + DEV])})`,
      run: (m, d, t, fr) => m.acquire(d, m.lm[x(d, fr)], t) && m.next(d, fr),
    });
    teardown.step('bug_on', {
      text: (m, s, _t, fr) => {
        const st = s[m.st[x(s, fr)]];
        return st === Lo_rundown
          ? `BUG_ON(st(${m.dn(s[fr + DEV])}) != Lo_rundown) passes`
          : `BUG_ON(st(${m.dn(s[fr + DEV])}) != Lo_rundown) FIRES: st == ${LO_STATE_NAMES[st]}`;
      },
      run: (m, d, _t, fr) => {
        if (d[m.st[x(d, fr)]] !== Lo_rundown) d[m.bugOn] = 1;
        return m.next(d, fr);
      },
    });
    teardown.step('rel_lm_check', {
      text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])})`,
      run: (m, d, _t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.next(d, fr);
      },
    });
    teardownTail(teardown);

    // loop_clr_fd(lo): LM only.
    const clr = p.fn('loop_clr_fd');
    const rel = clr.at('rel_lm');
    const relClr = clr.at('rel_lm_clr');
    const err = clr.at('err');
    clr.step('acq_lm', {
      text: (m, s, _t, fr) => `ACQ lo_mutex(${m.dn(s[fr + DEV])})`,
      run: (m, d, t, fr) => m.acquire(d, m.lm[x(d, fr)], t) && m.next(d, fr),
    });
    openersCheck(clr, { err, autoclear: rel, rundown: relClr });
    clr.step('rel_lm', {
      text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])})`,
      run: (m, d, t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.ret(d, t, fr);
      },
    });
    clr.step('rel_lm_clr', {
      text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])}); call __loop_clr_fd(release=false)`,
      run: (m, d, _t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.tail(d, fr, teardown, d[fr + DEV], 0, 0);
      },
    });
    clr.step('err', {
      text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])}): -ENXIO`,
      run: (m, d, t, fr) => {
        m.release(d, m.lm[x(d, fr)]);
        return m.ret(d, t, fr);
      },
    });

    const release = loReleaseByOpeners(p, teardown);
    return { loop_clr_fd: clr, lo_release: release, teardown };
  },
};

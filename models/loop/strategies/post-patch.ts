// Strategy `post-patch`: code state (c) of loop-driver.md (§3.4) — Tetsuo
// Handa's 158eaeba4b8e as shipped in v5.19 … v6.10.
//
// loop_clr_fd takes the global lock (loop_validate_mutex, then lo_mutex)
// around the state check, the disk_openers read and the switch to
// Lo_rundown; __loop_clr_fd has neither the flush nor the BUG_ON. No ->open.

import { DEV } from '../machine.js';
import type { Program } from '../program.js';
import { frameDevice as x, loReleaseByOpeners, openersCheck, teardownTail } from './common.js';
import type { Strategy, StrategyFns } from './types.js';

export const postPatch: Strategy = {
  name: 'post-patch',
  codeState: '(c)',
  kernels: ['6.1'],
  description:
    'state (c): loop_clr_fd checks disk_openers and sets Lo_rundown under loop_validate_mutex + lo_mutex; no flush or BUG_ON in __loop_clr_fd',
  define(p: Program): StrategyFns {
    const teardown = p.fn('__loop_clr_fd');
    teardownTail(teardown);

    const clr = p.fn('loop_clr_fd');
    const relAc = clr.at('rel_lm');
    const relClr = clr.at('rel_lm_clr');
    const err = clr.at('err_lm');
    const relVm = (key: string, then: 'ret' | 'clr') =>
      clr.step(key, {
        text: then === 'ret' ? 'REL loop_validate_mutex' : 'REL loop_validate_mutex; call __loop_clr_fd(release=false)',
        run: (m, d, t, fr) => {
          m.release(d, m.vm);
          return then === 'ret' ? m.ret(d, t, fr) : m.tail(d, fr, teardown, d[fr + DEV], 0, 0);
        },
      });
    const relLm = (key: string, text: string) =>
      clr.step(key, {
        text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])})${text}`,
        run: (m, d, _t, fr) => {
          m.release(d, m.lm[x(d, fr)]);
          return m.next(d, fr);
        },
      });

    clr.step('acq_vm', {
      text: 'ACQ loop_validate_mutex',
      run: (m, d, t, fr) => m.acquire(d, m.vm, t) && m.next(d, fr),
    });
    clr.step('acq_lm', {
      text: (m, s, _t, fr) => `ACQ lo_mutex(${m.dn(s[fr + DEV])})`,
      run: (m, d, t, fr) => m.acquire(d, m.lm[x(d, fr)], t) && m.next(d, fr),
    });
    openersCheck(clr, { err, autoclear: relAc, rundown: relClr });
    relLm('rel_lm', '');
    relVm('rel_vm', 'ret');
    relLm('rel_lm_clr', '');
    relVm('rel_vm_clr', 'clr');
    relLm('err_lm', ': -ENXIO');
    relVm('err_vm', 'ret');

    const release = loReleaseByOpeners(p, teardown);
    return { loop_clr_fd: clr, lo_release: release, teardown };
  },
};

// Strategy `post-patch`: code state (c) of loop-driver.md (§3.4) — Tetsuo
// Handa's 158eaeba4b8e as shipped in v5.19 … v6.10.
//
// loop_clr_fd takes the global lock (loop_validate_mutex, then lo_mutex)
// around the state check, the disk_openers read and the switch to
// Lo_rundown; __loop_clr_fd has neither the flush nor the BUG_ON. No ->open.

import type { Program } from '../program.js';
import { loReleaseByOpeners, openersCheck, teardownTail } from '../driver/tree-parts.js';
import { acquire, release, tailCall } from '../steps.js';
import { defineControlRemove, removeCheckByOpeners } from '../driver/control-remove.js';
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

    // loop_clr_fd(lo): loop_global_lock(lo, true) around the check.
    const clr = p.fn('loop_clr_fd');
    clr.step('acq_vm', acquire('loop_validate_mutex'));
    clr.step('acq_lm', acquire('lo_mutex'));
    openersCheck(clr, { err: clr.at('err_lm'), autoclear: clr.at('rel_lm'), rundown: clr.at('rel_lm_clr') });
    // openers > 1: AUTOCLEAR set, unlock, return 0.
    clr.step('rel_lm', release('lo_mutex'));
    clr.step('rel_vm', release('loop_validate_mutex', { then: 'ret' }));
    // sole opener: Lo_rundown set, unlock, tear down.
    clr.step('rel_lm_clr', release('lo_mutex'));
    clr.step('rel_vm_clr', release('loop_validate_mutex', { then: tailCall(teardown, 0, '(release=false)') }));
    // not bound: unlock, -ENXIO.
    clr.step('err_lm', release('lo_mutex', { error: '-ENXIO' }));
    clr.step('err_vm', release('loop_validate_mutex', { then: 'ret' }));

    const lo_release = loReleaseByOpeners(p, teardown);
    // LOOP_CTL_REMOVE: no openers = disk_openers == 0, read without open_mutex;
    // ->free_disk frees the device at the disk's last reference.
    const loop_control_remove = defineControlRemove(p, removeCheckByOpeners, 'free_disk');
    return { loop_clr_fd: clr, lo_release, teardown, loop_control_remove };
  },
};

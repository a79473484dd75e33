// Strategy `pre-patch`: code state (b) of loop-driver.md (§3.3) — Christoph
// Hellwig's v5 series up to 13/14, without Tetsuo Handa's patch.
//
// loop_clr_fd checks "only one opener?" (disk_openers read without
// open_mutex) and switches to Lo_rundown under lo_mutex only;
// __loop_clr_fd starts with the loop_validate_mutex flush and the
// BUG_ON(lo_state != Lo_rundown) check. No ->open.

import type { Program } from '../program.js';
import { flushAndBugOn, loReleaseByOpeners, openersCheck, teardownTail } from '../driver/tree-parts.js';
import { acquire, release, tailCall } from '../steps.js';
import { defineControlRemove, removeCheckByOpeners } from '../driver/control-remove.js';
import type { Strategy, StrategyFns } from './types.js';

export const prePatch: Strategy = {
  name: 'pre-patch',
  codeState: '(b)',
  description:
    'state (b): loop_clr_fd checks disk_openers and sets Lo_rundown under lo_mutex only; __loop_clr_fd flushes loop_validate_mutex and BUG_ONs on lo_state != Lo_rundown',
  define(p: Program): StrategyFns {
    // __loop_clr_fd(lo, release): frame r = release.
    const teardown = p.fn('__loop_clr_fd');
    flushAndBugOn(teardown);
    teardownTail(teardown);

    // loop_clr_fd(lo): lo_mutex only.
    const clr = p.fn('loop_clr_fd');
    const done = clr.at('rel_lm');
    const rundown = clr.at('rel_lm_clr');
    const err = clr.at('err');
    clr.step('acq_lm', acquire('lo_mutex'));
    openersCheck(clr, { err, autoclear: done, rundown });
    clr.step('rel_lm', release('lo_mutex', { then: 'ret' }));
    clr.step('rel_lm_clr', release('lo_mutex', { then: tailCall(teardown, 0, '(release=false)') }));
    clr.step('err', release('lo_mutex', { error: '-ENXIO', then: 'ret' }));

    const lo_release = loReleaseByOpeners(p, teardown);
    // LOOP_CTL_REMOVE: no openers = disk_openers == 0, read without open_mutex;
    // ->free_disk frees the device at the disk's last reference.
    const loop_control_remove = defineControlRemove(p, removeCheckByOpeners, 'free_disk');
    return { loop_clr_fd: clr, lo_release, teardown, loop_control_remove };
  },
};

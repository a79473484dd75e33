// The strategy interface: what a code state of loop.c supplies to the shared
// driver model.
//
// Exists so a locking strategy is one file: it defines its own versions of
// the functions that differ between kernel trees (loop_clr_fd, its
// __loop_clr_fd, lo_release, optionally lo_open) and may add per-device
// fields (e.g. a lo_refcnt). Shared code only calls the functions handed back
// here and never tests a strategy's name.

import type { Named } from '../../../src/engine/catalog.js';
import type { ExtraDeviceField, Machine } from '../machine.js';
import type { Fn, Program } from '../program.js';

export interface StrategyFns {
  /** LOOP_CLR_FD body. Frame: dev = device; no return value. */
  readonly loop_clr_fd: Fn;
  /** ->release, called by the block layer under open_mutex after bd_openers--. Frame: dev = device. */
  readonly lo_release: Fn;
  /** ->open, called under open_mutex before bd_openers++. Frame: dev = device; must retVal 0 (ok) or 1 (error). */
  readonly lo_open?: Fn;
  /** The teardown function (labels and single-teardown recognise it by the name `__loop_clr_fd`). */
  readonly teardown: Fn;
  /**
   * LOOP_CTL_REMOVE body (defineControlRemove in driver/control-remove.ts with
   * the tree's "no openers" test and when it frees the device). Frame: dev =
   * device. Without one, the driver builds the one of every tree since
   * lo_refcnt was removed (removeCheckByOpeners: disk_openers == 0; freed by
   * ->free_disk at the last reference); a tree that counts opens itself or
   * frees in loop_remove, as v5.17 does, must hand back its own.
   */
  readonly loop_control_remove?: Fn;
}

export interface Strategy extends Named {
  /** Which code state of loop-driver.md this is, e.g. "(b)". */
  readonly codeState: string;
  /**
   * Real kernels that implement this code state, by the version `loopcheck
   * conform` boots (e.g. '6.1'): their loop.c runs the functions this strategy
   * defines, so conform compares the two.
   */
  readonly kernels?: readonly string[];
  readonly extraDeviceFields?: readonly ExtraDeviceField[];
  /**
   * Whether every open of a partition opens the whole disk (->open, and one
   * more disk_openers, each time: 6.11 on) rather than only the partition's
   * first opener (up to 6.10). Default false.
   */
  readonly partitionOpensEach?: boolean;
  /**
   * Whether ->open refuses a device in Lo_rundown (6.11+), so that an open it
   * admits promises a device not being torn down (the admitted-open-rundown
   * property checks that promise). Default false.
   */
  readonly openRefusesRundown?: boolean;
  /**
   * Whether some step reads other threads' call stacks (v5.17 derives
   * lo_refcnt from the frames inside lo_release): their stacks are then not
   * private to them for partial-order reduction (partial-order.ts). Default false.
   */
  readonly readsOtherThreadsFrames?: boolean;
  /** Define this strategy's functions in `p`; closures may capture indices from `m`. */
  define(p: Program, m: Machine): StrategyFns;
}

// Facts about each registered strategy's program that structural tests need
// and cannot read off the strategy object: whether the ioctl tears down, and
// where its last close decides. Keyed by strategy name; a
// registered strategy without an entry fails the tests that need it, with a
// message naming it (model.test.ts).

export interface StrategyFacts {
  /** Whether LOOP_CLR_FD of a sole opener runs __loop_clr_fd itself (false: the teardown is left to the last close). */
  readonly ioctlTearsDown: boolean;
  /** The lo_release steps a closing thread reaches only as the last close (after deciding so). */
  readonly releaseLastClose: readonly string[];
}

export const STRATEGY_FACTS: Readonly<Record<string, StrategyFacts>> = {
  // (b) and (c): lo_release reads disk_openers before lo_mutex.
  'pre-patch': { ioctlTearsDown: true, releaseLastClose: ['acq_lm', 'check', 'rel_lm_clr', 'rel_lm'] },
  'post-patch': { ioctlTearsDown: true, releaseLastClose: ['acq_lm', 'check', 'rel_lm_clr', 'rel_lm'] },
  // (a): lo_release decides when its decrement of lo_refcnt (under lo_mutex) reaches 0; rel_lm
  // also ends a close that was not the last.
  'v5.17': { ioctlTearsDown: true, releaseLastClose: ['freeze', 'unfreeze', 'rel_lm_clr'] },
  // (d): LOOP_CLR_FD only marks the device; the last close's __loop_clr_fd is the only teardown.
  'v6.11': { ioctlTearsDown: false, releaseLastClose: ['acq_lm', 'check', 'rel_lm_clr', 'rel_lm'] },
};

/** The facts of `strategy`, or a message saying it has none. */
export function factsOf(strategy: string): StrategyFacts | string {
  return STRATEGY_FACTS[strategy] ?? `no facts for the registered strategy ${strategy}: add them to test/loop/strategy-facts.ts`;
}

// Every step of every counterexample (and of random complete runs) of
// every registered strategy is a legal step of the kernel code as
// shared/loop-driver.md describes it: the labels parse in the step grammar
// of grammar.ts and the lock changes replay. The last block pins facts of
// the grammar itself for named strategies.

import { describe, expect, it } from 'vitest';
import { EXPLORE_CONFIGS } from './golden.js';
import { SHARED_FNS, checkLegal, grammar, grammarOf, parses } from './grammar.js';
import { SCRIPTED, STRATEGY_NAMES, run, traceSteps } from './helpers.js';
import { describeRandomRuns } from './random-runs.js';

describe('every registered strategy has a step grammar', () => {
  for (const strategy of STRATEGY_NAMES) {
    it(strategy, () => {
      const g = grammar(strategy, 2);
      if (typeof g === 'string') throw new Error(g);
      expect(Object.keys(g)).toEqual(expect.arrayContaining(['loop_clr_fd', 'lo_release', '__loop_clr_fd']));
    });
  }
});

describe('every counterexample step is a legal kernel step', () => {
  for (const strategy of STRATEGY_NAMES) {
    for (const scenario of SCRIPTED) {
      it(`${strategy} × ${scenario}`, () => {
        const { model, result } = run(strategy, scenario);
        for (const o of result.outcomes) if (o.trace) checkLegal(model, strategy, 2, traceSteps(o.trace));
      });
    }
    for (const params of EXPLORE_CONFIGS) {
      it(`${strategy} × explore ${JSON.stringify(params)}`, () => {
        const { model, result } = run(strategy, 'explore', params);
        for (const o of result.outcomes) if (o.trace) checkLegal(model, strategy, 2, traceSteps(o.trace));
      });
    }
  }
});

// Fewer runs here than in test/deep/legal-runs.test.ts (60 per scripted
// scenario, 100 per explore configuration), which CI runs after npm test.
describeRandomRuns({ scripted: 15, explore: 25 });

describe('the grammar itself rejects illegal orders', () => {
  it('post-patch loop_clr_fd must take loop_validate_mutex before lo_mutex', () => {
    const g = grammarOf('post-patch', 2).loop_clr_fd;
    expect(parses(['ACQ lo_mutex(A)', 'st(A) == Lo_bound; read disk_openers(A) == 1'], g)).toBe(false);
    expect(parses(['ACQ loop_validate_mutex', 'ACQ lo_mutex(A)'], g)).toBe(true);
  });
  it('pre-patch __loop_clr_fd must flush before the BUG_ON check', () => {
    const g = grammarOf('pre-patch', 2).__loop_clr_fd;
    expect(parses(['ACQ lo_mutex(A)', 'BUG_ON(st(A) != Lo_rundown) passes'], g)).toBe(false);
  });
  it('v6.11 lo_open refuses Lo_rundown; v5.17 lo_open does not', () => {
    expect(parses(['ACQ lo_mutex(A)', 'st(A) == Lo_rundown: ok'], grammarOf('v6.11', 2).lo_open)).toBe(false);
    expect(parses(['ACQ lo_mutex(A)', 'st(A) == Lo_rundown: -ENXIO', 'REL lo_mutex(A): -ENXIO'], grammarOf('v6.11', 2).lo_open)).toBe(true);
    expect(parses(['ACQ lo_mutex(A)', 'st(A) == Lo_rundown: lo_refcnt(A)++ (1 → 2)'], grammarOf('v5.17', 2).lo_open)).toBe(true);
    expect(parses(['ACQ lo_mutex(A)', 'st(A) == Lo_rundown: lo_refcnt(A)++ (1 → 1)'], grammarOf('v5.17', 2).lo_open)).toBe(false);
  });
  it('v6.11 loop_clr_fd never calls __loop_clr_fd; v5.17 loop_clr_fd takes no loop_validate_mutex', () => {
    const d = grammarOf('v6.11', 2).loop_clr_fd;
    expect(parses(['ACQ loop_validate_mutex', 'ACQ lo_mutex(A)', 'st(A) == Lo_bound: AUTOCLEAR(A) := 1; read disk_openers(A) == 1', 'REL lo_mutex(A); call __loop_clr_fd(release=false)'], d)).toBe(false);
    expect(parses(['ACQ loop_validate_mutex', 'ACQ lo_mutex(A)'], grammarOf('v5.17', 2).loop_clr_fd)).toBe(false);
    expect(parses(['lo_refcnt(A)-- (1 → 0): not the last close'], grammarOf('v5.17', 2).lo_release)).toBe(false);
  });
  it('a partition struct file is not a loop device: LOOP_SET_FD with it takes no loop_validate_mutex', () => {
    const g = SHARED_FNS.loop_configure;
    const fget = 'fget(fd0) = f1 (loopAp1, f_count 1 → 2): is_loop = false';
    expect(parses([fget, 'ACQ loop_validate_mutex'], g)).toBe(false);
    expect(parses([fget, 'ACQ lo_mutex(B)', 'st(B) == Lo_unbound; call loop_validate_file(f1)'], g)).toBe(true);
  });
  it('blkdev_release decrements bd_openers before ->release, under open_mutex', () => {
    const g = SHARED_FNS.blkdev_release;
    expect(parses(['bd_openers(A)-- (1 → 0); free f0; call ->release'], g)).toBe(false);
  });
});

// --por with --symmetry on explore with two calls per thread, every strategy:
// the same property verdicts as the full search (the separate analyses under
// --por included) with fewer states. The calls=1 version runs in npm test
// (test/loop/por.test.ts); this one takes about half a minute here.

import { describe, expect, it } from 'vitest';
import { loopFamily } from '../../models/loop/index.js';
import { porSymmetryOnExplore } from '../loop/por-checks.js';

describe('--por with --symmetry on explore (calls=2)', () => {
  for (const strategy of loopFamily.strategies) {
    it(`${strategy.name}: the full search's verdicts, fewer states`, () => {
      const r = porSymmetryOnExplore(strategy.name, 2);
      expect(r.reducedFlags).toBe(true);
      expect(r.reduced).toEqual(r.full);
      expect(r.reducedStates).toBeLessThan(r.fullStates);
    }, 300_000);
  }
});

// The loop model's partial-order declaration against explore with two calls
// per thread (every reachable state, every strategy): the part of
// test/loop/por-declaration.test.ts too slow for `npm test` (about a minute
// here). Run by `npm run test:deep`, which CI runs after `npm test`.

import { describe, expect, it } from 'vitest';
import { loopFamily } from '../../models/loop/index.js';
import { breaches, defaults } from '../loop/por-checks.js';

describe('the loop model keeps its partial-order declaration on explore, calls=2', () => {
  for (const strategy of loopFamily.strategies) {
    it(`${strategy.name}`, () => {
      const model = loopFamily.build({ strategy: strategy.name, scenario: 'explore', params: { ...defaults, calls: 2 } });
      expect(breaches(model), `${strategy.name}/explore calls=2`).toEqual([]);
    }, 300_000);
  }
});

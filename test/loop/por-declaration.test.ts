// The loop model's partial-order declaration (models/loop/partial-order.ts)
// against what its steps and invariants do (por-checks.ts), over every
// reachable state of every scripted scenario and of explore with one call
// per thread, for every strategy. explore with two calls per thread (104k
// states per strategy, about a minute here) is checked by
// test/deep/por-declaration-explore.test.ts, run by `npm run test:deep` in CI.

import { describe, expect, it } from 'vitest';
import { loopFamily } from '../../models/loop/index.js';
import { breaches, defaults } from './por-checks.js';

describe('the loop model keeps its partial-order declaration', () => {
  for (const strategy of loopFamily.strategies) {
    it(`${strategy.name}: every scripted scenario and explore with one call per thread`, () => {
      for (const scenario of loopFamily.scenarios) {
        const params = scenario.name === 'explore' ? { ...defaults, calls: 1 } : defaults;
        const model = loopFamily.build({ strategy: strategy.name, scenario: scenario.name, params });
        expect(breaches(model), `${strategy.name}/${scenario.name}`).toEqual([]);
      }
    }, 300_000);
  }
});

// Random complete runs of every registered strategy consist of legal kernel
// steps (grammar.ts) and end in a terminal state: the block shared by
// test/loop/legal-steps.test.ts (a few runs, npm test) and
// test/deep/legal-runs.test.ts (many, CI).

import { describe, expect, it } from 'vitest';
import { checkLegal } from './grammar.js';
import { SCRIPTED, STRATEGY_NAMES, build, randomRun } from './helpers.js';

/** Registers the describe block: `runs.scripted` seeds per scripted scenario, `runs.explore` per explore configuration. */
export function describeRandomRuns(runs: { readonly scripted: number; readonly explore: number }): void {
  describe('random complete runs consist of legal kernel steps and end in a terminal state', () => {
    for (const strategy of STRATEGY_NAMES) {
      for (const [scenario, params, n] of [
        ...SCRIPTED.map((s) => [s, {}, runs.scripted] as const),
        ['explore', { calls: 4, threads: 3, devices: 3, bound: 2 }, runs.explore] as const,
        ['explore', { calls: 4, threads: 3, shared: 1, fds: 1 }, runs.explore] as const,
      ]) {
        it(`${strategy} × ${scenario} ${JSON.stringify(params)}`, () => {
          const model = build(strategy, scenario, params);
          const devices = scenario === 'explore' ? ((params as Record<string, number>).devices ?? 2) : 2;
          for (let seed = 1; seed <= n; seed++) {
            const r = randomRun(model, seed, 2000);
            expect(r.stuck, `seed ${seed}: deadlock`).toBe(false);
            checkLegal(model, strategy, devices, r.steps);
          }
        });
      }
    }
  });
}

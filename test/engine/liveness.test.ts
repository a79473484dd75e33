// Liveness under weak fairness: hand-made models with known verdicts and lasso
// shapes, random models against a brute-force reference, every lasso checked
// by the independent lasso validator, and the registered models' verdicts.

import { describe, expect, it } from 'vitest';
import { checkLiveness } from '../../src/engine/liveness.js';
import { lassoProblem } from '../../src/engine/lasso.js';
import type { LivenessProperty, Model } from '../../src/engine/model.js';
import { buildPhilosophers } from '../../models/philosophers/index.js';
import { buildLoopModel } from '../../models/loop/model.js';
import { SCENARIOS } from '../../models/loop/scenarios/index.js';
import { STRATEGIES } from '../../models/loop/strategies/index.js';
import { loopFamily } from '../../models/loop/index.js';
import { blockedForever, starvedByLock, workerAndSpinner } from '../fixtures/liveness-models.js';
import { leakyStrategy } from '../fixtures/leaky-strategy.js';
import { randomModel, type GenSize } from '../reference/random-model.js';
import { referenceLiveness } from '../reference/liveness-reference.js';

const only = (m: Model) => checkLiveness(m, m.liveness!).outcomes[0];

describe('liveness on hand-made models', () => {
  it('without fairness a spinner can starve a worker; with weak fairness it cannot', () => {
    const unfair = only(workerAndSpinner(false));
    expect(unfair.verdict).toBe('violated');
    // start, then S toggles twice to close the loop (or once if the loop is a 2-cycle from state 1)
    expect(unfair.trace!.loop).toBe(1);
    expect(unfair.trace!.steps.map((s) => s.label?.action ?? 'init')).toEqual(['init', 'start', 'toggle', 'toggle']);
    expect(only(workerAndSpinner(true)).verdict).toBe('holds');
  });

  it('weak fairness does not prevent starvation on a lock that is sometimes taken', () => {
    const o = only(starvedByLock());
    expect(o.verdict).toBe('violated');
    expect(o.trace!.loop).toBe(1);
    expect(o.trace!.steps.slice(2).map((s) => s.label!.action)).toEqual(['take', 'release']);
    expect(o.detail).toMatch(/W stays pending forever \(cycle of 2 steps\)/);
  });

  it('a state with nothing enabled ends the lasso in stuttering', () => {
    const o = only(blockedForever());
    expect(o.verdict).toBe('violated');
    expect(o.trace!.steps).toHaveLength(2);
    expect(o.trace!.loop).toBe(1);
    expect(o.detail).toMatch(/no step is enabled/);
  });

  it('a limit makes "holds" incomplete, but a lasso found before the limit stands', () => {
    const m = workerAndSpinner(true);
    expect(checkLiveness(m, m.liveness!, { maxStates: 2 }).outcomes[0].verdict).toBe('incomplete');
    const s = starvedByLock();
    const r = checkLiveness(s, s.liveness!, { maxDepth: 3 });
    expect(r.outcomes[0].verdict).toBe('violated');
  });

  it('the lasso validator rejects tampered lassos', () => {
    const m = starvedByLock();
    const o = only(m);
    const p = m.liveness![0];
    expect(lassoProblem(m, o.trace!.steps, o.trace!.loop, p)).toBeNull();
    expect(lassoProblem(m, o.trace!.steps, 2, p)).toMatch(/does not close/);
    expect(lassoProblem(m, o.trace!.steps, undefined, p)).toMatch(/must be a lasso/);
    // Dropping the release from the loop: no longer closes.
    expect(lassoProblem(m, o.trace!.steps.slice(0, -1), 1, p)).toMatch(/does not close/);
    // An unfair loop: the spinner model without its fairness groups gives a
    // lasso that is not fair once fairness is declared.
    const unfair = only(workerAndSpinner(false));
    expect(lassoProblem(workerAndSpinner(true), unfair.trace!.steps, unfair.trace!.loop, p)).toMatch(/not fair to W/);
  });
});

describe('liveness against a brute-force reference on random models', () => {
  const size: GenSize = { minFields: 1, maxFields: 4, maxDomain: 3, minActions: 1, maxActions: 6, maxGuardAtoms: 2 };
  const withLiveness = (seed: number): Model => {
    const base = randomModel(seed, { checkStepContract: false }, size);
    const fields = base.layout.width;
    const groups = 1 + (seed % 3);
    const unfairEvery = seed % 4 === 0 ? 2 : 0;
    const prop: LivenessProperty = {
      name: 'eventually-zero',
      description: 'f0 and f1 eventually return to 0',
      obligations: Math.min(2, fields),
      obligationName: (k) => `f${k}`,
      pending: (s, k) => s.at(k) !== 0,
    };
    return {
      name: `${base.name}#${seed}`,
      layout: base.layout,
      actionCount: base.actionCount,
      initialStates: () => base.initialStates(),
      step: (a, s, d) => base.step(a, s, d),
      label: (a, s) => base.label(a, s),
      invariants: [],
      ...(base.constraint ? { constraint: base.constraint } : {}),
      liveness: [prop],
      ...(seed % 5 === 0
        ? {}
        : { fairness: { groups: Array.from({ length: groups }, (_, g) => `p${g}`), groupOf: (a: number) => (unfairEvery && a % unfairEvery === 1 ? -1 : a % groups) } }),
    };
  };

  it('agrees on 600 random models (verdict, entry depth) and every lasso validates', () => {
    let violated = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const m = withLiveness(seed);
      const ref = referenceLiveness(m, m.liveness![0]);
      const o = only(m);
      expect(o.verdict, `seed ${seed}`).toBe(ref.violated ? 'violated' : 'holds');
      if (!ref.violated) continue;
      violated++;
      expect(o.trace!.loop! + 1, `seed ${seed}: entry depth`).toBe(ref.entryDepth);
      expect(lassoProblem(m, o.trace!.steps, o.trace!.loop, m.liveness![0]), `seed ${seed}`).toBeNull();
    }
    // Both verdicts occur often enough for the comparison to mean something.
    expect(violated).toBeGreaterThan(80);
    expect(violated).toBeLessThan(520);
  });
});

describe('liveness on the registered models', () => {
  it('philosophers starve under weak fairness; the lasso enters right after P0 gets hungry', () => {
    const m = buildPhilosophers(3, 3);
    const o = only(m);
    expect(o.verdict).toBe('violated');
    expect(o.trace!.loop).toBe(1);
    expect(o.detail).toMatch(/^P0 stays pending forever/);
    expect(lassoProblem(m, o.trace!.steps, o.trace!.loop, m.liveness![0])).toBeNull();
  });

  it('every scripted loop scenario returns from every system call under every strategy', () => {
    const scripted = SCENARIOS.filter((s) => s.scripted);
    for (const strategy of STRATEGIES) {
      for (const scenario of scripted) {
        const m = buildLoopModel(strategy, scenario, Object.fromEntries(loopFamily.params.map((p) => [p.name, p.default])));
        expect(only(m).verdict, `${strategy.name}/${scenario.name}`).toBe('holds');
      }
    }
  });

  it('a strategy that leaks loop_validate_mutex fails syscalls-return with a stuttering lasso', () => {
    const scenario = SCENARIOS.find((s) => s.name === 'stack-independent')!;
    const m = buildLoopModel(leakyStrategy, scenario, Object.fromEntries(loopFamily.params.map((p) => [p.name, p.default])));
    const o = only(m);
    expect(o.verdict).toBe('violated');
    expect(o.trace!.loop).toBe(o.trace!.steps.length - 1);
    expect(o.detail).toMatch(/system call stays pending forever \(no step is enabled\)/);
    const steps = o.trace!.steps;
    expect(steps.some((s) => /forgetting loop_validate_mutex/.test(s.label?.step ?? ''))).toBe(true);
    expect(lassoProblem(m, steps, o.trace!.loop, m.liveness![0])).toBeNull();
  });
});

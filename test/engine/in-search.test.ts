// The analyses settled inside the safety search's pass (in-search.ts) give
// exactly the rows the separate passes give: same verdicts, same lock-order
// witnesses and cycle, same liveness lassos. Random models get resources and
// an obligation on top of their random transitions; a model's acyclic
// declaration is checked against its state graph; the loop model's
// declaration is checked on every strategy and scripted scenario.

import { describe, expect, it } from 'vitest';
import { withAnalyses } from '../../src/engine/analyses.js';
import { explore } from '../../src/engine/bfs.js';
import type { LivenessProperty, Model } from '../../src/engine/model.js';
import type { ExploreResult, InvariantOutcome } from '../../src/engine/result.js';
import type { StateView } from '../../src/engine/state-view.js';
import { buildStateGraph } from '../../src/engine/state-graph.js';
import { LOCK_ORDER } from '../../src/engine/properties.js';
import { loopFamily } from '../../models/loop/index.js';
import { buildLoopModel } from '../../models/loop/model.js';
import { SCENARIOS } from '../../models/loop/scenarios/index.js';
import { STRATEGIES } from '../../models/loop/strategies/index.js';
import { leakyStrategy } from '../fixtures/leaky-strategy.js';
import { randomModel } from '../reference/random-model.js';

/** Whether the model's reachable graph has no cycle (self-loops included), by Kahn's algorithm. */
function graphIsAcyclic(model: Model): boolean {
  const g = buildStateGraph(model, []);
  expect(g.stop).toBe('exhausted');
  const indegree = new Int32Array(g.states);
  for (let e = 0; e < g.edgeTo.length; e++) indegree[g.edgeTo[e]]++;
  const queue: number[] = [];
  for (let v = 0; v < g.states; v++) if (indegree[v] === 0) queue.push(v);
  let removed = 0;
  while (queue.length > 0) {
    const u = queue.pop()!;
    removed++;
    for (let e = g.edgeStart[u]; e < g.edgeStart[u + 1]; e++) if (--indegree[g.edgeTo[e]] === 0) queue.push(g.edgeTo[e]);
  }
  return removed === g.states;
}

/** A random model with two actors holding resources (fields 0..2: 1 + owner) and an obligation per actor. */
function withResources(seed: number, fast: boolean): Model {
  const m = randomModel(seed);
  const n = m.layout.width;
  const lockIdx = [0, 1, 2].filter((i) => i < n);
  const owner = (v: number) => `p${v - 1}`;
  const pending: LivenessProperty = {
    name: 'settles',
    description: 'field k/2 eventually returns to 0',
    obligations: 2,
    obligationName: (k) => `p${k}`,
    pending: (s: StateView, k: number) => s.at(k % n) !== 0,
  };
  const base: Model = {
    name: m.name,
    layout: m.layout,
    actionCount: m.actionCount,
    initialStates: () => m.initialStates(),
    step: (a, src, dst) => m.step(a, src, dst),
    label: (a, src) => m.label(a, src),
    invariants: m.invariants,
    ...(m.isTerminal ? { isTerminal: m.isTerminal } : {}),
    ...(m.constraint ? { constraint: m.constraint } : {}),
    liveness: [pending],
    fairness: { groups: ['p0', 'p1'], groupOf: (a) => a % 2 },
    held(s: StateView) {
      const out: Record<string, string[]> = { p0: [], p1: [] };
      for (const i of lockIdx) if (s.at(i) !== 0) (out[owner(s.at(i))] ??= []).push(`L${i}`);
      return out;
    },
    ...(fast ? { lockFields: { fields: lockIdx, names: lockIdx.map((i) => `L${i}`), actorName: (i: number) => `p${i}` } } : {}),
  };
  return graphIsAcyclic(base) ? { ...base, acyclic: true } : base;
}

const shape = (o: InvariantOutcome) => ({
  invariant: o.invariant,
  verdict: o.verdict,
  detail: o.detail,
  loop: o.trace?.loop,
  actions: o.trace?.steps.map((s) => s.action),
  states: o.trace?.steps.map((s) => Array.from(s.state).join(',')),
  related: o.related?.map((r) => [r.title, r.trace.steps.map((s) => s.action)]),
});

const rows = (r: ExploreResult) => r.outcomes.map(shape);

describe('analyses in the search pass', () => {
  it('give the separate passes\' rows on 100 random models (lock order always; liveness on the acyclic ones)', () => {
    let acyclic = 0;
    let livenessViolated = 0;
    let cycles = 0;
    for (let seed = 1; seed <= 100; seed++) {
      for (const fast of [false, true]) {
        const model = withResources(seed, fast);
        const req = { liveness: model.liveness!, lockOrder: true };
        const inPass = explore(model, { analyses: { liveness: ['settles'], lockOrder: true } });
        const separate = withAnalyses(model, explore(model), req);
        if (inPass.stopReason === 'exhausted') {
          // The pass itself settled lock order, and liveness exactly when the model is acyclic.
          const settled = inPass.outcomes.map((o) => o.invariant);
          expect(settled).toContain(LOCK_ORDER);
          expect(settled.includes('settles')).toBe(!!model.acyclic);
        }
        expect(rows(withAnalyses(model, inPass, req)), `seed ${seed}`).toEqual(rows(separate));
        if (!fast) {
          if (model.acyclic) acyclic++;
          const live = separate.outcomes.find((o) => o.invariant === 'settles')!;
          if (model.acyclic && live.verdict === 'violated') livenessViolated++;
          if (separate.outcomes.find((o) => o.invariant === LOCK_ORDER)!.verdict === 'violated') cycles++;
        }
      }
    }
    // The sample exercises every path.
    console.log({ acyclic, livenessViolated, cycles });
    expect(acyclic).toBeGreaterThan(5);
    expect(livenessViolated).toBeGreaterThan(2);
    expect(cycles).toBeGreaterThan(5);
  }, 120_000);

  it('the loop model is acyclic, as it declares, in every strategy and scripted scenario', () => {
    const params = Object.fromEntries(loopFamily.params.map((p) => [p.name, p.default]));
    for (const strategy of STRATEGIES) {
      for (const scenario of SCENARIOS.filter((s) => s.scripted)) {
        const m = buildLoopModel(strategy, scenario, params);
        expect(m.acyclic).toBe(true);
        expect(graphIsAcyclic(m), `${strategy.name}/${scenario.name}`).toBe(true);
      }
    }
    const small = loopFamily.build({ params: { ...params, calls: 1 }, strategy: 'pre-patch', scenario: 'explore' });
    expect(graphIsAcyclic(small)).toBe(true);
  });

  it('find the lasso of a strategy that leaks a lock, as the graph does', () => {
    const params = Object.fromEntries(loopFamily.params.map((p) => [p.name, p.default]));
    const m = buildLoopModel(leakyStrategy, SCENARIOS.find((s) => s.name === 'stack-independent')!, params);
    const req = { liveness: m.liveness!, lockOrder: true };
    const inPass = explore(m, { analyses: { liveness: ['syscalls-return'], lockOrder: true } });
    const live = inPass.outcomes.find((o) => o.invariant === 'syscalls-return')!;
    expect(live.verdict).toBe('violated');
    expect(rows(withAnalyses(m, inPass, req))).toEqual(rows(withAnalyses(m, explore(m), req)));
  });
});

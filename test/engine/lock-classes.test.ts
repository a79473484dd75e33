// Lock order per lock class, as lockdep sees it: a strategy whose
// loop_clr_fd takes lo_mutex before loop_validate_mutex, while LOOP_SET_FD
// takes them the other way round on another device, is a cycle although no
// two lock instances form one; the real strategies have none.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SearchPool, exploreParallel } from '../../src/engine/parallel/coordinator.js';
import { explore } from '../../src/engine/bfs.js';
import { withAnalyses } from '../../src/engine/analyses.js';
import { lockOrder, shortestCycle } from '../../src/engine/lock-order.js';
import { LOCK_ORDER } from '../../src/engine/properties.js';
import { buildLoopModel } from '../../models/loop/model.js';
import { SCENARIOS } from '../../models/loop/scenarios/index.js';
import { STRATEGIES } from '../../models/loop/strategies/index.js';
import { abbaStrategy, buildAbba } from '../fixtures/abba-strategy.js';
import { replayInReference } from '../reference/explorer.js';

const scenario = (name: string) => SCENARIOS.find((s) => s.name === name)!;

describe('lock classes', () => {
  it('the ABBA between loop_validate_mutex and lo_mutex on two devices is a class cycle with instance witnesses', () => {
    const model = buildLoopModel(abbaStrategy, scenario('stack-independent'), {});
    const r = lockOrder(model);
    // No cycle among instances: lo_mutex(A) → vm and vm → lo_mutex(B) only.
    expect(shortestCycle(r.edges.map((e) => [e.from, e.to] as const))).toBeNull();
    expect(r.cycle).not.toBeNull();
    const cycle = r.cycle!;
    expect(cycle.map((e) => `${e.fromClass} -> ${e.toClass}`).sort()).toEqual([
      'lo_mutex -> loop_validate_mutex',
      'loop_validate_mutex -> lo_mutex',
    ]);
    const instances = cycle.map((e) => `${e.from} -> ${e.to}`).sort();
    expect(instances).toEqual(['lo_mutex(A) -> loop_validate_mutex', 'loop_validate_mutex -> lo_mutex(B)']);
    for (const e of cycle) {
      expect(replayInReference(model, e.witness)).toEqual([]);
      expect(e.witness.steps.at(-1)!.label!.thread).toBe(e.actor);
      expect(e.witness.steps.at(-1)!.label!.step).toContain(`ACQ ${e.to}`);
    }
  });

  it('is a lock-order violation of verify on the scripted scenarios as they are', () => {
    for (const sc of SCENARIOS.filter((s) => s.scripted)) {
      const model = buildLoopModel(abbaStrategy, sc, {});
      const res = withAnalyses(model, explore(model, { invariants: [] }), { liveness: [], lockOrder: true });
      const lo = res.outcomes.find((o) => o.invariant === LOCK_ORDER)!;
      if (sc.name === 'stack-independent' || sc.name === 'stack-shared-fd' || sc.name === 'stack-fork' || sc.name === 'change-fd') {
        expect(lo.verdict, sc.name).toBe('violated');
        expect(lo.detail).toMatch(/cycle (lo_mutex → loop_validate_mutex → lo_mutex|loop_validate_mutex → lo_mutex → loop_validate_mutex)/);
        expect(lo.related).toHaveLength(1);
      } else {
        // mount and udev never take loop_validate_mutex before a lo_mutex.
        expect(lo.verdict, sc.name).toBe('holds');
      }
    }
  });

  it('the four strategies have no class cycle in any scripted scenario', () => {
    for (const st of STRATEGIES) {
      for (const sc of SCENARIOS.filter((s) => s.scripted)) {
        const r = lockOrder(buildLoopModel(st, sc, {}));
        expect(r.cycle, `${st.name} / ${sc.name}`).toBeNull();
        for (const e of r.edges) expect(e.fromClass).toBe(e.from.replace(/\(.*\)$/, ''));
      }
    }
  });

  it('a model without lock classes keeps instance-level cycles', () => {
    const model = buildLoopModel(abbaStrategy, scenario('stack-independent'), {});
    const r = lockOrder({ ...model, lockClass: undefined });
    expect(r.cycle).toBeNull();
  });
});

describe('lock classes in the search pass', () => {
  const FORCE = { probeStates: 0 };
  const MODULE = new URL('../fixtures/abba-strategy.ts', import.meta.url).href;
  const req = { liveness: [], lockOrder: true };
  const loRow = (r: { outcomes: readonly { invariant: string; verdict: string; detail?: string; trace: { steps: readonly { action: number }[] } | null }[] }) => {
    const o = r.outcomes.find((x) => x.invariant === LOCK_ORDER)!;
    return { verdict: o.verdict, detail: o.detail, actions: o.trace?.steps.map((s) => s.action) };
  };
  let pool: SearchPool;
  beforeAll(() => {
    pool = new SearchPool(2);
  });
  afterAll(async () => {
    await pool.close();
  });

  it('the class cycle is found from the edges collected during the safety search, as by the separate pass', () => {
    const model = buildAbba('stack-independent');
    const inPass = explore(model, { analyses: req });
    // Settled in the pass itself (no separate lock-order search needed).
    expect(inPass.outcomes.map((o) => o.invariant)).toContain(LOCK_ORDER);
    const row = loRow(inPass);
    expect(row.verdict).toBe('violated');
    expect(row.detail).toMatch(/^cycle (lo_mutex → loop_validate_mutex → lo_mutex|loop_validate_mutex → lo_mutex → loop_validate_mutex);/);
    expect(row).toEqual(loRow(withAnalyses(model, explore(model, { invariants: [] }), req)));
  });

  it('and from the edges the parallel workers collect (each builds the model, lockClass included, from the recipe)', async () => {
    const model = buildAbba('stack-independent');
    const par = await exploreParallel(model, { module: MODULE, export: 'buildAbba', args: ['stack-independent'] }, pool, { analyses: req }, FORCE);
    expect(loRow(par).verdict).toBe('violated');
    expect(loRow(par)).toEqual(loRow(explore(model, { analyses: req })));
  }, 120_000);
});

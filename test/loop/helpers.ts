// Shared helpers for the loop-model tests: the registered strategies,
// building models, running the engine's BFS, random complete runs, and
// replaying traces.
//
// Every loop test iterates STRATEGY_NAMES, read from the registry (the
// built-in strategy files plus any plugin files named, comma-separated, in
// LOOPCHECK_TEST_PLUGINS), never a list of its own: a strategy added either
// way is contract-tested, golden-counted and grammar-checked, and fails
// with a message naming it until its golden rows and grammar exist.

import type { ModelFamily } from '../../src/engine/catalog.js';
import type { Strategy } from '../../models/loop/strategies/types.js';
import { loadPlugin, registeredLoopStrategies } from '../../src/app/plugins.js';
import { FAMILIES } from '../../src/app/registry.js';
import { explore } from '../../src/engine/bfs.js';
import type { ActionLabel, Model } from '../../src/engine/model.js';
import type { ExploreOptions, ExploreResult, Trace } from '../../src/engine/result.js';
import { StateView } from '../../src/engine/state-view.js';

for (const file of (process.env.LOOPCHECK_TEST_PLUGINS ?? '').split(',').filter((f) => f.trim() !== '')) await loadPlugin(file.trim(), 'strategy');

/** The loop family as registered now (plugins loaded so far included). */
export function loopFamilyNow(): ModelFamily {
  return FAMILIES.find((f) => f.name === 'loop')!;
}

/** Every registered loop strategy, in registry order. */
export const STRATEGY_NAMES: readonly string[] = loopFamilyNow().strategies.map((s) => s.name);

/** The scripted scenarios, from the registry. */
export const SCRIPTED: readonly string[] = loopFamilyNow().defaultScenarios ?? [];

export const DEFAULT_PARAMS = { devices: 2, threads: 2, calls: 3, fds: 2, shared: 0, bound: 1 };

export function build(strategy: string, scenario: string, params: Record<string, number> = {}): Model {
  return loopFamilyNow().build({ strategy, scenario, params: { ...DEFAULT_PARAMS, ...params } });
}

const cache = new Map<string, { model: Model; result: ExploreResult }>();

/** Explore (memoised per configuration so several test files' checks share one search). */
export function run(strategy: string, scenario: string, params: Record<string, number> = {}, opts: ExploreOptions = {}) {
  const key = JSON.stringify([strategy, scenario, params, opts.invariants ?? null]);
  let hit = cache.get(key);
  if (!hit) {
    const model = build(strategy, scenario, params);
    hit = { model, result: explore(model, opts) };
    cache.set(key, hit);
  }
  return hit;
}

export interface Step {
  readonly label: ActionLabel;
  readonly before: Uint8Array;
  readonly after: Uint8Array;
}

export function traceSteps(t: Trace): Step[] {
  const out: Step[] = [];
  for (let i = 1; i < t.steps.length; i++) {
    out.push({ label: t.steps[i].label!, before: t.steps[i - 1].state, after: t.steps[i].state });
  }
  return out;
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random run until no action is enabled (or maxSteps), with labels. */
export function randomRun(model: Model, seed: number, maxSteps = 400): { steps: Step[]; final: Uint8Array; stuck: boolean } {
  const r = rng(seed);
  let cur = model.initialStates()[0];
  const steps: Step[] = [];
  for (let n = 0; n < maxSteps; n++) {
    const succ: { a: number; v: Uint8Array }[] = [];
    for (let a = 0; a < model.actionCount; a++) {
      const dst = cur.slice();
      if (model.step(a, cur, dst)) succ.push({ a, v: dst });
    }
    if (succ.length === 0) {
      const terminal = model.isTerminal?.(new StateView(model.layout, cur)) ?? false;
      return { steps, final: cur, stuck: !terminal };
    }
    const pick = succ[Math.floor(r() * succ.length)];
    steps.push({ label: model.label(pick.a, cur), before: cur, after: pick.v });
    cur = pick.v;
  }
  return { steps, final: cur, stuck: false };
}

export function held(model: Model, v: Uint8Array): Readonly<Record<string, readonly string[]>> {
  return model.held!(new StateView(model.layout, v));
}

/** The registered loop strategies themselves (built-in and plugin), in registry order. */
export function loopStrategies(): readonly Strategy[] {
  return registeredLoopStrategies();
}

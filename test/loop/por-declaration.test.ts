// The loop model's partial-order declaration (models/loop/partial-order.ts)
// against what its steps and invariants actually do: over every reachable
// state of every scripted scenario (and a small explore) of every strategy,
// no step touches a field declared another thread's own, and no invariant
// reads a field outside the groups declared for it.

import { describe, expect, it } from 'vitest';
import { exploreTraced } from '../../src/engine/bfs.js';
import { FootprintProbe } from '../../src/engine/footprint.js';
import type { Model } from '../../src/engine/model.js';
import type { StateView } from '../../src/engine/state-view.js';
import { loopFamily } from '../../models/loop/index.js';

const defaults = Object.fromEntries(loopFamily.params.map((p) => [p.name, p.default]));

/** Every breach of the declaration seen on the model's reachable states, at most a few. */
function breaches(model: Model): string[] {
  const decl = model.partialOrder!;
  const names = model.layout.fields.map((f) => f.name);
  const probe = new FootprintProbe(model.layout.stride);
  const step = model.step.bind(model);
  const out = new Set<string>();
  const declared = new Map(model.invariants.map((inv) => [inv.name, new Set(decl.invariantReads(inv.name)!.flatMap((g) => g.fields))]));
  let vec: Uint8Array = new Uint8Array(model.layout.stride);
  const read = new Set<number>();
  const view = { layout: model.layout, at: (i: number) => (read.add(i), vec[i]) } as unknown as StateView;
  const seenStates = new Set<number>();
  exploreTraced(model, {}, (id, _a, src) => {
    if (seenStates.has(id) || out.size > 5) return;
    seenStates.add(id);
    for (let a = 0; a < model.actionCount; a++) {
      const t = decl.actorOf[a];
      probe.probe(step, a, src);
      if (probe.opaque) out.add(`action ${a}: footprint not observable`);
      const touched = [...probe.reads.subarray(0, probe.readCount), ...probe.writes.subarray(0, probe.writeCount)];
      for (const f of touched) if (decl.owner[f] >= 0 && decl.owner[f] !== t) out.add(`thread ${t} touches ${names[f]}, declared thread ${decl.owner[f]}'s`);
    }
    vec = src;
    for (const inv of model.invariants) {
      read.clear();
      inv.holds(view);
      for (const f of read) if (!declared.get(inv.name)!.has(f)) out.add(`${inv.name} reads ${names[f]}, not declared`);
    }
  });
  return [...out];
}

describe('the loop model keeps its partial-order declaration', () => {
  for (const strategy of loopFamily.strategies) {
    it(`${strategy.name}: every scripted scenario and a small explore`, () => {
      for (const scenario of loopFamily.scenarios) {
        const params = scenario.name === 'explore' ? { ...defaults, calls: 2 } : defaults;
        const model = loopFamily.build({ strategy: strategy.name, scenario: scenario.name, params });
        expect(breaches(model), `${strategy.name}/${scenario.name}`).toEqual([]);
      }
    }, 300_000);
  }
});

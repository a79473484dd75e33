// Checks of partial-order reduction on the loop model shared by the tests in
// test/loop (small models, npm test) and test/deep (explore calls=2).
//
// breaches: the model's partial-order declaration (models/loop/partial-order.ts)
// against what its steps and invariants actually do, over every reachable
// state of one model: no step touches a field declared another thread's own, no invariant reads
// a field outside the groups declared for it, and every action `observe`
// leaves out is disabled by its thread's own fields alone.

import { explore, exploreTraced } from '../../src/engine/bfs.js';
import { withAnalyses } from '../../src/engine/analyses.js';
import { FootprintProbe } from '../../src/engine/footprint.js';
import type { Model } from '../../src/engine/model.js';
import type { StateView } from '../../src/engine/state-view.js';
import { loopFamily } from '../../models/loop/index.js';

/** The loop family's default parameters. */
export const defaults: Record<string, number> = Object.fromEntries(loopFamily.params.map((p) => [p.name, p.default]));

/** Every breach of the declaration seen on the model's reachable states, at most a few. */
export function breaches(model: Model): string[] {
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
      for (const f of probe.writes.subarray(0, probe.writeCount)) {
        if (decl.writer![f] >= 0 && decl.writer![f] !== t) out.add(`thread ${t} writes ${names[f]}, declared written by thread ${decl.writer![f]} alone`);
      }
    }
    const listed = new Int32Array(model.actionCount);
    for (let t = 0; t < decl.actors; t++) {
      const k = decl.observe!(t, src, listed);
      if (k < 0) continue;
      const keep = new Set(listed.subarray(0, k));
      for (let a = 0; a < model.actionCount; a++) {
        if (decl.actorOf[a] !== t || keep.has(a)) continue;
        if (probe.probe(step, a, src)) out.add(`action ${a} of thread ${t} left out by observe but enabled`);
        for (const f of probe.reads.subarray(0, probe.readCount)) {
          if (decl.owner[f] !== t && decl.writer![f] !== t) out.add(`action ${a} left out by observe reads ${names[f]}`);
        }
      }
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


/**
 * explore (calls per thread as given) under --por --symmetry, and the
 * separate analyses under --por: each property's verdict from the full
 * search and from the reduced one, and both state counts.
 */
export function porSymmetryOnExplore(strategy: string, calls: number) {
  const analyses = { liveness: ['syscalls-return'], lockOrder: true };
  const model = loopFamily.build({ strategy, scenario: 'explore', params: { ...defaults, calls } });
  const full = explore(model, { analyses });
  const base = explore(model, { por: true, symmetry: true, analyses });
  const reduced = withAnalyses(model, base, { liveness: model.liveness!, lockOrder: true }, { por: true });
  const verdicts = (r: typeof full) => r.outcomes.map((o) => [o.invariant, o.verdict]);
  return { reducedFlags: base.stats.partialOrder && base.stats.symmetry, full: verdicts(full), reduced: verdicts(reduced), fullStates: full.stats.states, reducedStates: reduced.stats.states };
}

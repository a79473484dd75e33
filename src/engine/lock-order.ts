// Lock-order analysis, as lockdep does it: every "held X while acquiring Y"
// edge seen on any transition of the reachable state space, from the
// resources the model says each actor holds (Model.held) before and after
// the transition. A cycle in that graph is a potential deadlock even when
// the explored scenario never deadlocks. Each edge keeps its shortest witness
// (breadth-first order), ending with the acquiring step.

import { exploreTraced } from './bfs.js';
import type { Model } from './model.js';
import type { ExploreOptions, ExploreResult, Trace } from './result.js';
import { StateView } from './state-view.js';

export interface LockEdge {
  readonly from: string;
  readonly to: string;
  /** The actor that held `from` while acquiring `to` in the witness. */
  readonly actor: string;
  /** Shortest trace whose last step is that acquisition. */
  readonly witness: Trace;
}

export interface LockOrderResult {
  readonly model: string;
  readonly search: ExploreResult;
  /** Distinct edges, in the order they were first seen. */
  readonly edges: readonly LockEdge[];
  /** A shortest cycle of edges, or null. */
  readonly cycle: readonly LockEdge[] | null;
}

export function lockOrder(model: Model, opts: ExploreOptions = {}): LockOrderResult {
  if (!model.held) throw new Error(`${model.name} does not say which resources its actors hold`);
  const held = model.held.bind(model);
  const srcView = new StateView(model.layout);
  const dstView = new StateView(model.layout);
  let lastSrc = -1;
  let before: Readonly<Record<string, readonly string[]>> = {};
  const witnesses = new Map<string, { from: string; to: string; actor: string; srcId: number; action: number }>();

  const { result, traceTo } = exploreTraced(model, { ...opts, invariants: [], checkDeadlock: false, symmetry: false }, (srcId, a, src, dst) => {
    if (srcId !== lastSrc) {
      before = held(StateView.point(srcView, src));
      lastSrc = srcId;
    }
    const after = held(StateView.point(dstView, dst));
    for (const [actor, now] of Object.entries(after)) {
      const had = before[actor] ?? [];
      for (const y of now) {
        if (had.includes(y)) continue;
        for (const x of had) {
          if (x === y) continue;
          const key = `${x}\u0000${y}`;
          if (!witnesses.has(key)) witnesses.set(key, { from: x, to: y, actor, srcId, action: a });
        }
      }
    }
  });

  const edgeOf = (w: { from: string; to: string; actor: string; srcId: number; action: number }): LockEdge => {
    const prefix = traceTo(w.srcId);
    const last = prefix.steps[prefix.steps.length - 1].state;
    const next = last.slice();
    if (!model.step(w.action, last, next)) throw new Error('internal error: lock-order witness step is not enabled on replay');
    return {
      from: w.from,
      to: w.to,
      actor: w.actor,
      witness: { steps: [...prefix.steps, { action: w.action, label: model.label(w.action, last), state: next }] },
    };
  };

  const all = [...witnesses.values()];
  const cycleKeys = shortestCycle(all.map((w) => [w.from, w.to] as const));
  const edges = all.map(edgeOf);
  const cycle = cycleKeys
    ? cycleKeys.map(([x, y]) => edges.find((e) => e.from === x && e.to === y)!)
    : null;
  return { model: model.name, search: result, edges, cycle };
}

/** A shortest directed cycle among the edges, as a list of edges, or null. */
export function shortestCycle(edges: readonly (readonly [string, string])[]): [string, string][] | null {
  const next = new Map<string, string[]>();
  for (const [x, y] of edges) next.set(x, [...(next.get(x) ?? []), y]);
  let best: [string, string][] | null = null;
  for (const [x, y] of edges) {
    // Shortest path y ->* x closes a cycle through the edge x -> y.
    const prev = new Map<string, string>([[y, '']]);
    const queue = [y];
    while (queue.length > 0 && !prev.has(x)) {
      const u = queue.shift()!;
      for (const v of next.get(u) ?? []) {
        if (!prev.has(v)) {
          prev.set(v, u);
          queue.push(v);
        }
      }
    }
    if (!prev.has(x) || x === y) continue;
    const path: [string, string][] = [];
    for (let v = x; v !== y; v = prev.get(v)!) path.unshift([prev.get(v)!, v]);
    const cycle: [string, string][] = [[x, y], ...path];
    if (!best || cycle.length < best.length) best = cycle;
  }
  return best;
}

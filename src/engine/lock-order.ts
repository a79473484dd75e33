// Lock-order analysis, as lockdep does it: every "held X while acquiring Y"
// edge seen on any transition of the reachable state space, from the
// resources the model says each actor holds (Model.held) before and after
// the transition. Like lockdep, cycles are sought between lock classes
// (Model.lockClass: all instances of one lock are one class), so holding
// A's lock while taking a global one on one path, and the global one while
// taking B's lock on another, is a cycle; a class taken while another
// instance of it is held is one too (lockdep's recursive locking). A cycle is
// a potential deadlock even when the explored scenario never deadlocks. Each
// edge keeps its shortest witness (breadth-first order), ending with the
// acquiring step, and names the instances involved.

import { exploreTraced } from './bfs.js';
import type { Model } from './model.js';
import type { ExploreOptions, ExploreResult, Trace } from './result.js';
import { StateView } from './state-view.js';

export interface LockEdge {
  /** The resources (instances) held and acquired in the witness. */
  readonly from: string;
  readonly to: string;
  /** Their lock classes (the instance names when the model declares none). */
  readonly fromClass: string;
  readonly toClass: string;
  /** The actor that held `from` while acquiring `to` in the witness. */
  readonly actor: string;
  /** Shortest trace whose last step is that acquisition. */
  readonly witness: Trace;
}

export interface LockOrderResult {
  readonly model: string;
  readonly search: ExploreResult;
  /** Distinct instance edges, in the order they were first seen. */
  readonly edges: readonly LockEdge[];
  /** Distinct class edges, each with the first (shortest) instance edge that shows it. */
  readonly classEdges: readonly LockEdge[];
  /** A shortest cycle of class edges (one instance witness each), or null. */
  readonly cycle: readonly LockEdge[] | null;
}

export function lockOrder(model: Model, opts: ExploreOptions = {}): LockOrderResult {
  if (!model.held) throw new Error(`${model.name} does not say which resources its actors hold`);
  const held = model.held.bind(model);
  const classOf = model.lockClass ? model.lockClass.bind(model) : (r: string) => r;
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
      fromClass: classOf(w.from),
      toClass: classOf(w.to),
      actor: w.actor,
      witness: { steps: [...prefix.steps, { action: w.action, label: model.label(w.action, last), state: next }] },
    };
  };

  const edges = [...witnesses.values()].map(edgeOf);
  // Breadth-first order makes the first instance edge of a class pair its shortest witness.
  const byClass = new Map<string, LockEdge>();
  for (const e of edges) {
    const key = `${e.fromClass}\u0000${e.toClass}`;
    const had = byClass.get(key);
    if (!had || e.witness.steps.length < had.witness.steps.length) byClass.set(key, e);
  }
  const classEdges = [...byClass.values()];
  return { model: model.name, search: result, edges, classEdges, cycle: classCycle(classEdges) };
}

/** A shortest cycle among class edges: a class acquired under another instance of itself, or a cycle of classes. */
function classCycle(classEdges: readonly LockEdge[]): LockEdge[] | null {
  const recursive = classEdges.find((e) => e.fromClass === e.toClass);
  if (recursive) return [recursive];
  const keys = shortestCycle(classEdges.map((e) => [e.fromClass, e.toClass] as const));
  return keys ? keys.map(([x, y]) => classEdges.find((e) => e.fromClass === x && e.toClass === y)!) : null;
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

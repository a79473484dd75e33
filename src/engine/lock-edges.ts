// Lock-order edges as a search fires transitions (lockdep's "held X while
// acquiring Y"): which edges a transition adds, per actor, from the
// resources the model says it holds before and after; the first sighting of
// each edge in breadth-first order, with its witness; and, as lockdep does,
// the shortest cycle among the edges' lock classes (Model.lockClass: all
// instances of one lock are one class; a class acquired while another
// instance of it is held is a cycle too, lockdep's recursive locking). Used by the lock-order pass (lock-order.ts) and inside the
// safety search (in-search.ts).

import type { Model } from './model.js';
import type { Trace } from './result.js';
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

/** Where an edge was first seen: the transition (source id, action) and its rank among that transition's new edges. */
export interface EdgeSighting {
  readonly from: string;
  readonly to: string;
  readonly actor: string;
  readonly srcId: number;
  readonly action: number;
  readonly seq: number;
}

/**
 * Collects lock-order edges from transitions as a search fires them, keeping
 * per edge its first sighting in breadth-first order (least source id, then
 * action). Used by the lock-order pass below and inside the safety search
 * (in-search.ts); sightings of several collectors (parallel workers) merge by
 * that same order.
 */
export class LockEdgeCollector {
  private readonly held: NonNullable<Model['held']>;
  private readonly srcView: StateView;
  private readonly dstView: StateView;
  private lastSrc = -1;
  private before: Readonly<Record<string, readonly string[]>> = {};
  readonly sightings = new Map<string, EdgeSighting>();

  private readonly fast: Model['lockFields'] | null;
  private readonly fastFields: Int32Array;

  constructor(model: Model) {
    if (!model.held) throw new Error(`${model.name} does not say which resources its actors hold`);
    this.held = model.held.bind(model);
    this.srcView = new StateView(model.layout);
    this.dstView = new StateView(model.layout);
    this.fast = model.lockFields ?? null;
    this.fastFields = Int32Array.from(model.lockFields?.fields ?? []);
  }

  observe(srcId: number, a: number, src: Uint8Array, dst: Uint8Array): void {
    if (this.fast) return this.observeFields(srcId, a, src, dst);
    if (srcId !== this.lastSrc) {
      this.before = this.held(StateView.point(this.srcView, src));
      this.lastSrc = srcId;
    }
    const before = this.before;
    const after = this.held(StateView.point(this.dstView, dst));
    let seq = 0;
    for (const actor in after) {
      const had = before[actor];
      if (!had || had.length === 0) continue;
      for (const y of after[actor]) {
        if (had.includes(y)) continue;
        for (const x of had) {
          if (x === y) continue;
          const key = `${x}\u0000${y}`;
          const old = this.sightings.get(key);
          if (!old || earlier(srcId, a, seq, old)) this.sightings.set(key, { from: x, to: y, actor, srcId, action: a, seq });
          seq++;
        }
      }
    }
  }

  /** observe() over lock fields: only bytes are compared unless something is acquired. */
  private observeFields(srcId: number, a: number, src: Uint8Array, dst: Uint8Array): void {
    const f = this.fastFields;
    const n = f.length;
    let acquired = false;
    for (let r = 0; r < n; r++) {
      const o = dst[f[r]];
      if (o !== 0 && o !== src[f[r]]) acquired = true;
    }
    if (!acquired) return;
    // Same order as the general form: actors by index, acquired resources, then held ones, in declaration order.
    const names = this.fast!.names;
    let seq = 0;
    const owners = new Set<number>();
    for (let r = 0; r < n; r++) if (dst[f[r]] !== 0) owners.add(dst[f[r]]);
    for (const o of [...owners].sort((p, q) => p - q)) {
      for (let y = 0; y < n; y++) {
        if (dst[f[y]] !== o || src[f[y]] === o) continue;
        for (let x = 0; x < n; x++) {
          if (src[f[x]] !== o || x === y) continue;
          this.sight(names[x], names[y], this.fast!.actorName(o - 1), srcId, a, seq++);
        }
      }
    }
  }

  private sight(x: string, y: string, actor: string, srcId: number, a: number, seq: number): void {
    if (x === y) return;
    const key = `${x}\u0000${y}`;
    const old = this.sightings.get(key);
    if (!old || earlier(srcId, a, seq, old)) this.sightings.set(key, { from: x, to: y, actor, srcId, action: a, seq });
  }

  /** Adds another collector's sightings (plain objects, e.g. from a worker). */
  merge(others: Iterable<EdgeSighting>): void {
    for (const w of others) {
      const key = `${w.from}\u0000${w.to}`;
      const old = this.sightings.get(key);
      if (!old || earlier(w.srcId, w.action, w.seq, old)) this.sightings.set(key, w);
    }
  }

  /**
   * The instance edges in the order a breadth-first search first sees them,
   * with their witnesses; the class edges, each with the shortest instance
   * edge that shows it; and a shortest cycle of class edges.
   */
  finish(model: Model, traceTo: (id: number) => Trace): { edges: LockEdge[]; classEdges: LockEdge[]; cycle: LockEdge[] | null } {
    const all = [...this.sightings.values()].sort((p, q) => p.srcId - q.srcId || p.action - q.action || p.seq - q.seq);
    const edges = all.map((w) => edgeOf(model, traceTo, w));
    const byClass = new Map<string, LockEdge>();
    for (const e of edges) {
      const key = `${e.fromClass}\u0000${e.toClass}`;
      const had = byClass.get(key);
      if (!had || e.witness.steps.length < had.witness.steps.length) byClass.set(key, e);
    }
    const classEdges = [...byClass.values()];
    return { edges, classEdges, cycle: classCycle(classEdges) };
  }
}

/** A shortest cycle among class edges: a class acquired under another instance of itself, or a cycle of classes. */
function classCycle(classEdges: readonly LockEdge[]): LockEdge[] | null {
  const recursive = classEdges.find((e) => e.fromClass === e.toClass);
  if (recursive) return [recursive];
  const keys = shortestCycle(classEdges.map((e) => [e.fromClass, e.toClass] as const));
  return keys ? keys.map(([x, y]) => classEdges.find((e) => e.fromClass === x && e.toClass === y)!) : null;
}

const earlier = (srcId: number, a: number, seq: number, old: EdgeSighting): boolean =>
  srcId < old.srcId || (srcId === old.srcId && (a < old.action || (a === old.action && seq < old.seq)));

function edgeOf(model: Model, traceTo: (id: number) => Trace, w: EdgeSighting): LockEdge {
  const prefix = traceTo(w.srcId);
  const last = prefix.steps[prefix.steps.length - 1].state;
  const next = last.slice();
  if (!model.step(w.action, last, next)) throw new Error('internal error: lock-order witness step is not enabled on replay');
  const classOf = (r: string) => (model.lockClass ? model.lockClass(r) : r);
  return {
    from: w.from,
    to: w.to,
    fromClass: classOf(w.from),
    toClass: classOf(w.to),
    actor: w.actor,
    witness: { steps: [...prefix.steps, { action: w.action, label: model.label(w.action, last), state: next }], ...(prefix.reduced ? { reduced: true } : {}) },
  };
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

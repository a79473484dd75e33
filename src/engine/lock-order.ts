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
import type { ExploreOptions, ExploreResult } from './result.js';
import { LockEdgeCollector, type LockEdge } from './lock-edges.js';

export { LockEdgeCollector, shortestCycle, type EdgeSighting, type LockEdge } from './lock-edges.js';

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
  const collector = new LockEdgeCollector(model);
  const { result, traceTo } = exploreTraced(model, { ...opts, invariants: [], checkDeadlock: false, symmetry: false }, (srcId, a, src, dst) =>
    collector.observe(srcId, a, src, dst),
  );
  return { model: model.name, search: result, ...collector.finish(model, traceTo) };
}


// Lock-order analysis, as lockdep does it: every "held X while acquiring Y"
// edge seen on any transition of the reachable state space, from the
// resources the model says each actor holds (Model.held) before and after
// the transition. A cycle in that graph is a potential deadlock even when
// the explored scenario never deadlocks. Each edge keeps its shortest witness
// (breadth-first order), ending with the acquiring step.

import { exploreTraced } from './bfs.js';
import type { Model } from './model.js';
import type { ExploreOptions, ExploreResult } from './result.js';
import { LockEdgeCollector, type LockEdge } from './lock-edges.js';

export { LockEdgeCollector, shortestCycle, type EdgeSighting, type LockEdge } from './lock-edges.js';

export interface LockOrderResult {
  readonly model: string;
  readonly search: ExploreResult;
  /** Distinct edges, in the order they were first seen. */
  readonly edges: readonly LockEdge[];
  /** A shortest cycle of edges, or null. */
  readonly cycle: readonly LockEdge[] | null;
}

export function lockOrder(model: Model, opts: ExploreOptions = {}): LockOrderResult {
  const collector = new LockEdgeCollector(model);
  const { result, traceTo } = exploreTraced(model, { ...opts, invariants: [], checkDeadlock: false, symmetry: false }, (srcId, a, src, dst) =>
    collector.observe(srcId, a, src, dst),
  );
  return { model: model.name, search: result, ...collector.finish(model, traceTo) };
}


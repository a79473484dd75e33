// The analyses that can run inside the safety search's own pass, so that a
// full check explores the state space once instead of three times:
//
// - lock order: its edges are local to one transition (the resources held
//   before and after it), so the search hands each transition it fires to a
//   LockEdgeCollector; the first sighting of each edge in breadth-first order
//   is the one the separate pass would keep, hence the same witnesses;
// - liveness, when the model declares its graph acyclic (Model.acyclic): a
//   fair cycle can then only be a state in which nothing is enabled, so
//   "every obligation is eventually discharged" fails exactly at such a state
//   with an obligation pending, and the counterexample the graph-based check
//   picks (the shallowest entry, lowest obligation) is the first such state in
//   breadth-first order. No graph is stored.
//
// Both give final answers only for an exhaustive, unreduced search: when the
// search stops early (a limit, all invariants violated) or runs under
// symmetry, the properties are left to the separate passes (analyses.ts),
// which then give today's answers.

import { LockEdgeCollector, type EdgeSighting, type LockEdge } from './lock-edges.js';
import type { LivenessProperty, Model } from './model.js';
import { LOCK_ORDER, LOCK_ORDER_DESCRIPTION } from './properties.js';
import type { InSearchRequest, InvariantOutcome, Trace } from './result.js';
import { StateView } from './state-view.js';

export class PassAnalyses {
  readonly lockEdges: LockEdgeCollector | null;
  readonly liveness: readonly LivenessProperty[];
  /** Per liveness property: state id and obligation of its first stuttering violation. */
  readonly stutterAt: Int32Array;
  readonly stutterObligation: Int32Array;
  private readonly view: StateView;

  private constructor(
    private readonly model: Model,
    lockOrder: boolean,
    liveness: readonly LivenessProperty[],
  ) {
    this.lockEdges = lockOrder ? new LockEdgeCollector(model) : null;
    this.liveness = liveness;
    this.stutterAt = new Int32Array(liveness.length).fill(-1);
    this.stutterObligation = new Int32Array(liveness.length).fill(-1);
    this.view = new StateView(model.layout);
  }

  /** The analyses of `req` this search can settle itself, or null when none (symmetry reduces the graph they need). */
  static of(model: Model, req: InSearchRequest | undefined, symmetry: boolean): PassAnalyses | null {
    if (!req || symmetry) return null;
    const lockOrder = req.lockOrder && !!model.held;
    const liveness = model.acyclic ? (model.liveness ?? []).filter((p) => req.liveness.includes(p.name)) : [];
    if (!lockOrder && liveness.length === 0) return null;
    return new PassAnalyses(model, lockOrder, liveness);
  }

  /** A state with no enabled action (constraint-failing successors count as enabled, as in the graph). */
  onStutter(id: number, src: Uint8Array): void {
    const props = this.liveness;
    for (let i = 0; i < props.length; i++) {
      if (this.stutterAt[i] >= 0 && this.stutterAt[i] <= id) continue;
      const p = props[i];
      StateView.point(this.view, src);
      for (let k = 0; k < p.obligations; k++) {
        if (p.pending(this.view, k)) {
          this.stutterAt[i] = id;
          this.stutterObligation[i] = k;
          break;
        }
      }
    }
  }

  /** Merge sightings made by another copy (a parallel worker), keeping the earliest. */
  merge(edges: readonly EdgeSighting[], stutterAt: ArrayLike<number>, stutterObligation: ArrayLike<number>): void {
    this.lockEdges?.merge(edges);
    for (let i = 0; i < this.liveness.length; i++) {
      const at = stutterAt[i];
      if (at >= 0 && (this.stutterAt[i] < 0 || at < this.stutterAt[i])) {
        this.stutterAt[i] = at;
        this.stutterObligation[i] = stutterObligation[i];
      }
    }
  }

  /** Outcomes of an exhaustive search, in the order the separate passes report them (liveness, then lock order). */
  outcomes(traceTo: (id: number) => Trace): InvariantOutcome[] {
    const out: InvariantOutcome[] = this.liveness.map((p, i) => {
      const at = this.stutterAt[i];
      if (at < 0) return { invariant: p.name, description: p.description, verdict: 'holds', trace: null };
      const found = traceTo(at);
      const steps = found.steps;
      return {
        invariant: p.name,
        description: p.description,
        verdict: 'violated',
        trace: { steps, loop: steps.length - 1, ...(found.reduced ? { reduced: true } : {}) },
        detail: `${p.obligationName(this.stutterObligation[i])} stays pending forever (no step is enabled)`,
      };
    });
    if (this.lockEdges) out.push(lockOrderOutcome(this.lockEdges.finish(this.model, traceTo), true));
    return out;
  }
}

/** The lock-order row of a result: a cycle is a violation whose trace is its first edge's witness. */
export function lockOrderOutcome(lo: { cycle: readonly LockEdge[] | null }, complete: boolean): InvariantOutcome {
  if (!lo.cycle) return { invariant: LOCK_ORDER, description: LOCK_ORDER_DESCRIPTION, verdict: complete ? 'holds' : 'incomplete', trace: null };
  const [first, ...rest] = lo.cycle;
  const title = (e: (typeof lo.cycle)[number]) => `${e.actor} holds ${e.from} while acquiring ${e.to}`;
  return {
    invariant: LOCK_ORDER,
    description: LOCK_ORDER_DESCRIPTION,
    verdict: 'violated',
    trace: first.witness,
    detail: `cycle ${[...lo.cycle.map((e) => e.fromClass), first.fromClass].join(' → ')}; this trace: ${title(first)}`,
    related: rest.map((e) => ({ title: title(e), trace: e.witness })),
  };
}

// How far any single-actor persistent-set reduction could shrink a model's
// state space: a yardstick for --por (por.ts), not a search mode.
//
// por.ts decides per state, from declared ownership, whether one actor's
// enabled actions can be expanded alone. Here the same question is answered
// exactly, with hindsight: the full graph is built first, every action's
// footprint is observed in every state (footprint.ts), and for each state s
// and actor t the fields that other actors' enabled actions read and write
// on every path from s on which t does not move are collected (a fixpoint
// over the graph). t's enabled actions form a persistent set in s exactly
// when none of those accesses conflicts with them: no other actor writes a
// field any action of t reads or writes (else it could change, enable or
// disable one), and none reads a field an enabled action of t writes. The
// reduced search then runs over the stored graph with por.ts's rules: one
// qualifying actor (the lowest- or the highest-numbered), and the
// breadth-first cycle proviso. With no visibility condition it keeps only
// deadlocks and what each actor can do, so (for the same choice of actor)
// every reduction that preserves more reaches at least as many states; each
// Visibility given (one per result, sharing the graph and the footprints)
// also keeps an actor's visible steps from being expanded alone.
//
// Exact but costly (every action probed in every state, five bit sets per
// state and actor): meant for the configurations the bench reports on.

import { FootprintProbe } from './footprint.js';
import type { Model } from './model.js';
import { buildStateGraph, type StateGraph } from './state-graph.js';
import { NO_PARENT } from './trace.js';

export interface PorBound {
  /** States of the full graph. */
  readonly fullStates: number;
  /** Full-graph states in which some actor's enabled actions are persistent. */
  readonly persistentStates: number;
  /** The reduced search preferring the lowest-numbered qualifying actor (por.ts's rule). */
  readonly firstActor: ReducedCount;
  /** The same preferring the highest-numbered one. */
  readonly lastActor: ReducedCount;
  /** Per state (ids in buildStateGraph's order): the lowest-numbered actor whose enabled actions are persistent, or -1. */
  readonly persistentActor: Int32Array;
}

/** Whether actor t's step from `before` to `after` is visible (never expanded alone). */
export type Visibility = (actor: number, before: Uint8Array, after: Uint8Array) => boolean;

export interface PorBoundOptions {
  /** The visibility condition; no step is visible by default. */
  readonly visible?: Visibility;
  /** Give up (throw) beyond this many states. */
  readonly maxStates?: number;
}

export function persistentSetBound(model: Model, opts: PorBoundOptions = {}): PorBound {
  return persistentSetBounds(model, [opts.visible ?? null], opts.maxStates)[0];
}

/** The bound under each visibility condition (null: none), sharing one graph and one set of footprints. */
export function persistentSetBounds(model: Model, rules: readonly (Visibility | null)[], maxStates?: number): PorBound[] {
  const decl = model.partialOrder;
  if (!decl) throw new Error(`${model.name} declares no actors (Model.partialOrder)`);
  if (model.constraint) throw new Error(`${model.name} has a state constraint, which no footprint shows`);
  const g = buildStateGraph(model, [], maxStates !== undefined ? { maxStates } : {});
  if (g.stop !== 'exhausted') throw new Error(`${model.name}: the full graph was cut short (${g.stop})`);
  const n = g.states;
  const T = decl.actors;
  const actorOf = Int32Array.from(decl.actorOf);
  const width = model.layout.width;
  const W = (width + 31) >>> 5;
  const per = T * W;
  // Per state and actor: reads of all its actions, reads and writes of its enabled ones.
  const readAll = new Uint32Array(n * per);
  const readOn = new Uint32Array(n * per);
  const writeOn = new Uint32Array(n * per);
  const enabled = new Uint8Array(n * T);
  const visibleChange = rules.map(() => new Uint8Array(n * T));

  const probe = new FootprintProbe(model.layout.stride);
  const step = model.step.bind(model);
  const src = new Uint8Array(model.layout.stride);
  const setBit = (bits: Uint32Array, base: number, f: number) => {
    bits[base + (f >>> 5)] |= 1 << (f & 31);
  };
  const setAll = (bits: Uint32Array, base: number) => bits.fill(0xffffffff, base, base + W);
  for (let i = 0; i < n; i++) {
    g.vectorOf(i, src);
    for (let a = 0; a < model.actionCount; a++) {
      const t = actorOf[a];
      const base = (i * T + t) * W;
      const on = probe.probe(step, a, src);
      if (probe.opaque) {
        setAll(readAll, base);
        if (on) {
          setAll(readOn, base);
          setAll(writeOn, base);
        }
      } else {
        for (let k = 0; k < probe.readCount; k++) setBit(readAll, base, probe.reads[k]);
        if (on) {
          for (let k = 0; k < probe.readCount; k++) setBit(readOn, base, probe.reads[k]);
          for (let k = 0; k < probe.writeCount; k++) setBit(writeOn, base, probe.writes[k]);
        }
      }
      if (!on) continue;
      enabled[i * T + t] = 1;
      rules.forEach((visible, r) => {
        if (visible !== null && visible(t, src, probe.after)) visibleChange[r][i * T + t] = 1;
      });
    }
  }

  // touchR/touchW[s, t]: what other actors' enabled actions read/write on paths from s where t stays put.
  const touchR = new Uint32Array(n * per);
  const touchW = new Uint32Array(n * per);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) {
      const to = (i * T + t) * W;
      for (let u = 0; u < T; u++) {
        if (u === t) continue;
        const from = (i * T + u) * W;
        for (let w = 0; w < W; w++) {
          touchR[to + w] |= readOn[from + w];
          touchW[to + w] |= writeOn[from + w];
        }
      }
    }
  }
  // Propagate backwards along edges until nothing grows (ids are breadth-first, so mostly one sweep).
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      for (let e = g.edgeStart[i]; e < g.edgeStart[i + 1]; e++) {
        const j = g.edgeTo[e];
        const mover = actorOf[g.edgeAction[e]];
        for (let t = 0; t < T; t++) {
          if (t === mover) continue;
          const to = (i * T + t) * W;
          const from = (j * T + t) * W;
          for (let w = 0; w < W; w++) {
            const r = (touchR[to + w] | touchR[from + w]) >>> 0;
            const x = (touchW[to + w] | touchW[from + w]) >>> 0;
            if (r !== touchR[to + w] || x !== touchW[to + w]) {
              touchR[to + w] = r;
              touchW[to + w] = x;
              changed = true;
            }
          }
        }
      }
    }
  }

  const blocked = (i: number, t: number): boolean => {
    const b = (i * T + t) * W;
    for (let w = 0; w < W; w++) {
      if ((readAll[b + w] | writeOn[b + w]) & touchW[b + w]) return true;
      if (writeOn[b + w] & touchR[b + w]) return true;
    }
    return false;
  };
  return visibleChange.map((visible) => {
    const persistent = (i: number, t: number): boolean => enabled[i * T + t] === 1 && visible[i * T + t] === 0 && !blocked(i, t);
    let persistentStates = 0;
    const persistentActor = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < T; t++) {
        if (persistent(i, t)) {
          persistentActor[i] = t;
          persistentStates++;
          break;
        }
      }
    }
    const reduce = (order: readonly number[]): ReducedCount => {
      const ample = new Int32Array(n).fill(-1);
      for (let i = 0; i < n; i++) {
        for (const t of order) {
          if (persistent(i, t)) {
            ample[i] = t;
            break;
          }
        }
      }
      return reducedSearch(g, actorOf, ample);
    };
    const first = Array.from({ length: T }, (_, t) => t);
    return { fullStates: n, persistentStates, firstActor: reduce(first), lastActor: reduce(first.slice().reverse()), persistentActor };
  });
}

export interface ReducedCount {
  /** States the reduced search reaches. */
  readonly states: number;
  /** States the cycle proviso expanded fully although an actor qualified. */
  readonly provisoStates: number;
}

/** Breadth-first search over the stored graph expanding only ample[s]'s actions where set, with por.ts's cycle proviso. */
function reducedSearch(g: StateGraph, actorOf: Int32Array, ample: Int32Array): ReducedCount {
  const n = g.states;
  const depth = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let provisoStates = 0;
  for (let i = 0; i < n && g.parent.get(i) === NO_PARENT; i++) {
    depth[i] = 1;
    queue[tail++] = i;
  }
  while (head < tail) {
    const i = queue[head++];
    const d = depth[i];
    let only = ample[i];
    if (only >= 0) {
      for (let e = g.edgeStart[i]; e < g.edgeStart[i + 1]; e++) {
        if (actorOf[g.edgeAction[e]] !== only) continue;
        const j = g.edgeTo[e];
        if (depth[j] >= 0 && depth[j] <= d) {
          only = -1;
          provisoStates++;
          break;
        }
      }
    }
    for (let e = g.edgeStart[i]; e < g.edgeStart[i + 1]; e++) {
      if (only >= 0 && actorOf[g.edgeAction[e]] !== only) continue;
      const j = g.edgeTo[e];
      if (depth[j] < 0) {
        depth[j] = d + 1;
        queue[tail++] = j;
      }
    }
  }
  return { states: tail, provisoStates };
}

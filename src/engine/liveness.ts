// Liveness under weak fairness, by strongly connected components (as TLC
// does, rather than SPIN's nested DFS): a property "always (pending(k) implies
// eventually not pending(k))" fails exactly when some reachable set of states,
// all with k pending, is strongly connected and fair, or is one state in which
// nothing is enabled (the run stutters there forever). A component is fair
// when every fairness group is either taken on one of its internal edges or
// disabled in one of its states: a cycle through all of its states and edges
// then satisfies weak fairness, and any fair cycle lies in such a component.
//
// The counterexample is a lasso: a shortest path to the component's
// shallowest state, then a cycle inside the component that visits, for each
// group, a state where it is disabled or an edge that takes it, and returns.

import type { Fairness, LivenessProperty, Model } from './model.js';
import type { InvariantOutcome, PassOptions, StopReason, Trace } from './result.js';
import { buildStateGraph, type StateGraph } from './state-graph.js';
import { pathTo, replayPath } from './trace.js';

export interface LivenessResult {
  readonly outcomes: readonly InvariantOutcome[];
  readonly complete: boolean;
  readonly stop: StopReason;
  readonly states: number;
  readonly transitions: number;
  readonly seconds: number;
}

/** A fair component in which obligation `obligation` stays pending. */
interface FairComponent {
  readonly obligation: number;
  readonly members: Uint8Array;
  readonly entry: number;
}


/** Checks the given properties of the model over its full (unreduced) state graph. */
export function checkLiveness(model: Model, properties: readonly LivenessProperty[], opts: PassOptions = {}): LivenessResult {
  const t0 = performance.now();
  const g = buildStateGraph(model, properties, opts);
  const complete = g.stop === 'exhausted';
  const inits = model.initialStates();
  const outcomes = properties.map((p, i): InvariantOutcome => {
    // Interrupted: the user wants out now, so the partial graph is not searched.
    if (g.stop === 'interrupted') return { invariant: p.name, description: p.description, verdict: 'incomplete', trace: null };
    const found = fairComponent(g, g.pending[i], p.obligations, model.fairness);
    if (!found) return { invariant: p.name, description: p.description, verdict: complete ? 'holds' : 'incomplete', trace: null };
    const trace = lassoTrace(model, inits, g, found, model.fairness);
    return {
      invariant: p.name,
      description: p.description,
      verdict: 'violated',
      trace,
      detail: `${p.obligationName(found.obligation)} stays pending forever (${trace.loop === trace.steps.length - 1 ? 'no step is enabled' : `cycle of ${trace.steps.length - 1 - trace.loop!} steps`})`,
    };
  });
  return { outcomes, complete, stop: g.stop, states: g.states, transitions: g.transitions, seconds: (performance.now() - t0) / 1000 };
}

/** The fair component with the shallowest entry over all obligations, or null. */
export function fairComponent(g: StateGraph, pending: Uint32Array, obligations: number, fairness?: Fairness): FairComponent | null {
  let best: FairComponent | null = null;
  for (let k = 0; k < obligations; k++) {
    const found = fairComponentOf(g, (v) => v < g.expanded && ((pending[v] >>> k) & 1) === 1, fairness);
    if (found && (!best || found.entry < best.entry)) best = { ...found, obligation: k };
  }
  return best;
}

const groupsMask = (fairness?: Fairness) => (fairness ? (fairness.groups.length === 32 ? 0xffffffff : (1 << fairness.groups.length) - 1) : 0);

/** Tarjan's algorithm (iterative) over the states satisfying `inSet`; the fair component with the smallest entry. */
function fairComponentOf(g: StateGraph, inSet: (v: number) => boolean, fairness?: Fairness): { members: Uint8Array; entry: number } | null {
  const n = g.expanded;
  const all = groupsMask(fairness) >>> 0;
  const groupOf = fairness ? (a: number) => fairness.groupOf(a) : () => -1;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const callNode: number[] = [];
  const callEdge: number[] = [];
  let counter = 0;
  let best: { members: Uint8Array; entry: number } | null = null;

  // Component of each state, by a stamp per component (no allocation per component).
  const compOf = new Int32Array(n).fill(-1);
  let stamp = 0;
  const consider = (comp: number[]): void => {
    const id = stamp++;
    let entry = comp[0];
    for (const v of comp) {
      compOf[v] = id;
      if (v < entry) entry = v;
    }
    if (best && entry >= best.entry) return;
    let cyclic = comp.length > 1 || g.stutters[comp[0]] === 1;
    let taken = 0;
    let disabled = 0;
    for (const u of comp) {
      disabled |= ~g.enabledGroups[u] & all;
      for (let e = g.edgeStart[u]; e < g.edgeStart[u + 1]; e++) {
        const v = g.edgeTo[e];
        if (v >= n || compOf[v] !== id) continue;
        if (v === u) cyclic = true;
        const grp = groupOf(g.edgeAction[e]);
        if (grp >= 0) taken |= 1 << grp;
      }
    }
    if (!cyclic || ((taken | disabled) & all) >>> 0 !== all) return;
    const members = new Uint8Array(n);
    for (const v of comp) members[v] = 1;
    best = { members, entry };
  };

  for (let root = 0; root < n; root++) {
    if (index[root] >= 0 || !inSet(root)) continue;
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    callNode.push(root);
    callEdge.push(g.edgeStart[root]);
    while (callNode.length > 0) {
      const top = callNode.length - 1;
      const u = callNode[top];
      const e = callEdge[top];
      if (e < g.edgeStart[u + 1]) {
        callEdge[top] = e + 1;
        const v = g.edgeTo[e];
        if (v >= n || !inSet(v)) continue;
        if (index[v] < 0) {
          index[v] = low[v] = counter++;
          stack.push(v);
          onStack[v] = 1;
          callNode.push(v);
          callEdge.push(g.edgeStart[v]);
        } else if (onStack[v]) {
          if (index[v] < low[u]) low[u] = index[v];
        }
        continue;
      }
      callNode.pop();
      callEdge.pop();
      if (callNode.length > 0) {
        const p = callNode[callNode.length - 1];
        if (low[u] < low[p]) low[p] = low[u];
      }
      if (low[u] === index[u]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== u);
        consider(comp);
      }
    }
  }
  return best;
}

/**
 * Actions of a cycle from `entry` back to it inside the component that
 * satisfies every fairness group (empty when entry stutters).
 */
export function fairCycle(g: StateGraph, members: Uint8Array, entry: number, fairness?: Fairness): number[] {
  if (g.stutters[entry]) return [];
  const all = groupsMask(fairness) >>> 0;
  const groupOf = fairness ? (a: number) => fairness.groupOf(a) : () => -1;
  const actions: number[] = [];
  let satisfied = ~g.enabledGroups[entry] & all;
  let cur = entry;
  // Breadth-first inside the component from `cur` to the nearest state or edge
  // accepted by `goal`; returns the actions and the state reached.
  const walk = (goalState: (v: number) => boolean, goalEdge: (a: number) => boolean): { path: number[]; end: number } => {
    const prevEdge = new Map<number, number>();
    const queue = [cur];
    const seenAt = new Set<number>([cur]);
    const pathTo = (v: number, lastEdge: number): number[] => {
      const out = [g.edgeAction[lastEdge]];
      for (let x = v; x !== cur; ) {
        const e = prevEdge.get(x)!;
        out.unshift(g.edgeAction[e]);
        x = edgeSource(g, e);
      }
      return out;
    };
    for (let qi = 0; qi < queue.length; qi++) {
      const u = queue[qi];
      for (let e = g.edgeStart[u]; e < g.edgeStart[u + 1]; e++) {
        const v = g.edgeTo[e];
        if (v >= g.expanded || members[v] === 0) continue;
        if (goalEdge(g.edgeAction[e]) || goalState(v)) return { path: pathTo(u, e), end: v };
        if (!seenAt.has(v)) {
          seenAt.add(v);
          prevEdge.set(v, e);
          queue.push(v);
        }
      }
    }
    throw new Error('internal error: no fair cycle inside a fair component');
  };
  const absorb = (path: number[], from: number): void => {
    let x = from;
    for (const a of path) {
      const grp = groupOf(a);
      if (grp >= 0) satisfied |= 1 << grp;
      x = successor(g, x, a);
      satisfied |= ~g.enabledGroups[x] & all;
    }
  };
  while ((satisfied & all) >>> 0 !== all) {
    const need = ~satisfied & all;
    const { path, end } = walk(
      (v) => (~g.enabledGroups[v] & need) !== 0,
      (a) => {
        const grp = groupOf(a);
        return grp >= 0 && ((need >>> grp) & 1) === 1;
      },
    );
    absorb(path, cur);
    actions.push(...path);
    cur = end;
  }
  // Close the cycle (a non-empty one even when nothing was required).
  if (cur !== entry || actions.length === 0) {
    const target = entry;
    const { path } = walk((v) => v === target, () => false);
    actions.push(...path);
  }
  return actions;
}

/** The source state of edge e (edges are grouped by source in compressed rows). */
function edgeSource(g: StateGraph, e: number): number {
  let lo = 0;
  let hi = g.expanded - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (g.edgeStart[mid] <= e) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function successor(g: StateGraph, u: number, a: number): number {
  for (let e = g.edgeStart[u]; e < g.edgeStart[u + 1]; e++) if (g.edgeAction[e] === a) return g.edgeTo[e];
  throw new Error('internal error: lasso action not found in the state graph');
}

function lassoTrace(model: Model, inits: readonly Uint8Array[], g: StateGraph, c: FairComponent, fairness?: Fairness): Trace {
  const prefix = pathTo({ parent: g.parent, action: g.action }, c.entry);
  const cycle = fairCycle(g, c.members, c.entry, fairness);
  const trace = replayPath(model, inits, [...prefix, ...cycle]);
  return { steps: trace.steps, loop: prefix.length - 1 };
}

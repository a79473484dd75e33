// A brute-force reference for liveness under weak fairness, sharing no code
// with src/engine/liveness.ts or state-graph.ts: states are strings in a Map,
// strongly connected classes come from a boolean transitive closure
// (Warshall) instead of Tarjan's algorithm, and fairness is checked on each
// class from first principles. It answers: is there a reachable fair class
// (or a stuttering state) in which obligation k stays pending, and what is
// the smallest BFS depth at which such a class can be entered?

import type { LivenessProperty, Model } from '../../src/engine/model.js';
import { StateView } from '../../src/engine/state-view.js';

interface Node {
  readonly vec: Uint8Array;
  readonly depth: number;
  readonly succ: { to: number; action: number }[];
  /** Fairness groups with an enabled action (constraint or not). */
  readonly enabled: Set<number>;
  readonly anyEnabled: boolean;
}

export interface LivenessAnswer {
  readonly violated: boolean;
  /** Depth (initial = 1) of the shallowest state of a fair class, when violated. */
  readonly entryDepth: number;
}

export function referenceLiveness(model: Model, prop: LivenessProperty): LivenessAnswer {
  const key = (v: Uint8Array) => Array.from(v.subarray(0, model.layout.width)).join(',');
  const ids = new Map<string, number>();
  const nodes: Node[] = [];
  const view = new StateView(model.layout);
  const ok = (v: Uint8Array) => !model.constraint || model.constraint(StateView.point(view, v));
  const add = (v: Uint8Array, depth: number): number => {
    const k = key(v);
    const known = ids.get(k);
    if (known !== undefined) return known;
    ids.set(k, nodes.length);
    nodes.push({ vec: v.slice(), depth, succ: [], enabled: new Set(), anyEnabled: false });
    return nodes.length - 1;
  };
  for (const init of model.initialStates()) if (ok(init)) add(init, 1);
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    const succ: Node['succ'] = [];
    const enabled = new Set<number>();
    let any = false;
    for (let a = 0; a < model.actionCount; a++) {
      const d = n.vec.slice();
      if (!model.step(a, n.vec, d)) continue;
      any = true;
      const g = model.fairness?.groupOf(a) ?? -1;
      if (g >= 0) enabled.add(g);
      if (!ok(d)) continue;
      succ.push({ to: add(d, n.depth + 1), action: a });
    }
    nodes[i] = { ...n, succ, enabled, anyEnabled: any };
  }

  const groups = model.fairness?.groups.length ?? 0;
  let best = Infinity;
  for (let k = 0; k < prop.obligations; k++) {
    const members = nodes.map((_, i) => i).filter((i) => prop.pending(StateView.point(view, nodes[i].vec), k));
    const pos = new Map(members.map((v, j) => [v, j]));
    const m = members.length;
    // reach[i][j]: a path of >= 1 edges from members[i] to members[j] inside the set.
    const reach = Array.from({ length: m }, () => new Array<boolean>(m).fill(false));
    members.forEach((v, i) => {
      for (const e of nodes[v].succ) {
        const j = pos.get(e.to);
        if (j !== undefined) reach[i][j] = true;
      }
    });
    for (let via = 0; via < m; via++) for (let i = 0; i < m; i++) if (reach[i][via]) for (let j = 0; j < m; j++) if (reach[via][j]) reach[i][j] = true;
    const done = new Array<boolean>(m).fill(false);
    for (let i = 0; i < m; i++) {
      if (done[i]) continue;
      const cls = [i];
      for (let j = 0; j < m; j++) if (j !== i && reach[i][j] && reach[j][i]) cls.push(j);
      cls.forEach((j) => (done[j] = true));
      const states = cls.map((j) => members[j]);
      const inCls = new Set(states);
      const stutter = states.length === 1 && !nodes[states[0]].anyEnabled;
      if (!reach[i][i] && !stutter) continue;
      let fair = true;
      for (let g = 0; g < groups && fair; g++) {
        const taken = states.some((v) => nodes[v].succ.some((e) => inCls.has(e.to) && model.fairness!.groupOf(e.action) === g));
        const disabledSomewhere = states.some((v) => !nodes[v].enabled.has(g));
        fair = taken || disabledSomewhere;
      }
      if (fair) best = Math.min(best, ...states.map((v) => nodes[v].depth));
    }
  }
  return { violated: best !== Infinity, entryDepth: best };
}

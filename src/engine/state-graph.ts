// The whole reachable state graph, kept for analyses that need cycles
// (liveness, liveness.ts) rather than single states. Breadth-first like
// bfs.ts, but every state is stored exactly (bit-packed, ExactSet) so a
// successor can be named by its id, and every transition is kept as an edge
// in compressed rows (edges of state i are edgeStart[i] .. edgeStart[i+1]).
// Per state it also records which fairness groups are enabled and which
// liveness obligations are pending, as bit masks. Ids are assigned in BFS
// order, so a smaller id is never deeper, and parent links give shortest
// paths. Limits leave the graph partial: states with id >= expanded have no
// edges yet, and analyses must not read them as stuttering.

import { ExactSet } from './exact-set.js';
import { fingerprint, fpOut } from './fingerprint.js';
import { GrowableU16, GrowableU32 } from './growable.js';
import { isCapacityError } from './bfs.js';
import type { LivenessProperty, Model } from './model.js';
import type { PassOptions, StopReason } from './result.js';
import { StateView } from './state-view.js';
import { Packer } from './packer.js';
import { NO_PARENT } from './trace.js';

export interface StateGraph {
  readonly states: number;
  /** States 0 .. expanded-1 have all their edges; the rest were cut by a limit. */
  readonly expanded: number;
  readonly transitions: number;
  readonly depth: number;
  readonly stop: StopReason;
  readonly edgeStart: Uint32Array;
  readonly edgeTo: Uint32Array;
  readonly edgeAction: Uint16Array;
  /** Bit g set: fairness group g has an enabled action in the state. */
  readonly enabledGroups: Uint32Array;
  /** 1 when no action at all is enabled in the state (it stutters forever). */
  readonly stutters: Uint8Array;
  /** Per property (in the order given), bit k set: obligation k is pending. */
  readonly pending: readonly Uint32Array[];
  readonly parent: GrowableU32;
  readonly action: GrowableU16;
  /** Writes the vector of state `id` into `out` (layout.stride bytes). */
  vectorOf(id: number, out: Uint8Array): void;
}


/** The liveness graph keeps a state's enabled fairness groups and a property's pending obligations as 32-bit masks. */
export const MAX_LIVENESS_BITS = 32;

export function buildStateGraph(model: Model, properties: readonly LivenessProperty[], opts: PassOptions = {}): StateGraph {
  const layout = model.layout;
  const stride = layout.stride;
  const nWords = stride >>> 2;
  const packer = new Packer(layout);
  const pw = packer.words;
  const groupOf = model.fairness ? model.fairness.groupOf.bind(model.fairness) : () => -1;
  if ((model.fairness?.groups.length ?? 0) > MAX_LIVENESS_BITS) throw new Error(`${model.name}: more than ${MAX_LIVENESS_BITS} fairness groups`);
  for (const p of properties) if (p.obligations > MAX_LIVENESS_BITS) throw new Error(`${p.name}: more than ${MAX_LIVENESS_BITS} obligations`);
  const constraint = model.constraint?.bind(model);
  const maxStates = opts.maxStates ?? Infinity;
  const maxDepth = opts.maxDepth ?? Infinity;
  const timeLimitMs = (opts.timeLimit ?? Infinity) * 1000;
  const maxMemory = opts.maxMemoryBytes ?? Infinity;

  const seen = new ExactSet(pw);
  const parent = new GrowableU32();
  const action = new GrowableU16();
  const edgeStart = new GrowableU32();
  const edgeTo = new GrowableU32();
  const edgeAction = new GrowableU16();
  const enabled = new GrowableU32();
  const stutter = new GrowableU32();
  const pending = properties.map(() => new GrowableU32());

  const src = new Uint8Array(stride);
  const srcWords = new Uint32Array(src.buffer);
  const dst = new Uint8Array(stride);
  const dstWords = new Uint32Array(dst.buffer);
  const packed = new Uint32Array(pw);
  const view = new StateView(layout);

  /** Id of the state in dst, adding it when new; -1 when a limit refuses it. */
  const idOf = (from: number, a: number): number => {
    packer.pack(dst, packed, 0);
    fingerprint(packed, 0, pw);
    const known = seen.indexOf(fpOut[0], fpOut[1], packed, 0);
    if (known >= 0) return known;
    if (seen.size >= maxStates) return -1;
    seen.add(fpOut[0], fpOut[1], packed, 0);
    parent.push(from);
    action.push(a);
    StateView.point(view, dst);
    properties.forEach((p, i) => {
      let mask = 0;
      for (let k = 0; k < p.obligations; k++) if (p.pending(view, k)) mask |= 1 << k;
      pending[i].push(mask >>> 0);
    });
    return seen.size - 1;
  };

  const t0 = performance.now();
  const progressEveryMs = (opts.progressEvery ?? 2) * 1000;
  let lastTick = t0;
  let stop: StopReason | null = null;
  let refused = false;
  model.initialStates().forEach((init, index) => {
    if (constraint && !constraint(StateView.point(view, init))) return;
    dst.set(init);
    if (idOf(NO_PARENT, index) < 0) refused = true;
  });

  let expanded = 0;
  let depth = seen.size > 0 ? 1 : 0;
  let levelEnd = seen.size;
  let transitions = 0;
  try {
    while (expanded < seen.size) {
      if (expanded === levelEnd) {
        if (depth >= maxDepth) {
          stop = 'max-depth';
          break;
        }
        depth++;
        levelEnd = seen.size;
      }
      const id = expanded;
      seen.read(id, packed, 0);
      packer.unpack(packed, 0, src);
      edgeStart.push(edgeTo.length);
      let groups = 0;
      let any = false;
      for (let a = 0; a < model.actionCount; a++) {
        for (let w = 0; w < nWords; w++) dstWords[w] = srcWords[w];
        if (!model.step(a, src, dst)) continue;
        any = true;
        transitions++;
        const g = groupOf(a);
        if (g >= 0) groups |= 1 << g;
        if (constraint && !constraint(StateView.point(view, dst))) continue;
        const to = idOf(id, a);
        if (to < 0) {
          refused = true;
          continue;
        }
        edgeTo.push(to);
        edgeAction.push(a);
      }
      enabled.push(groups >>> 0);
      stutter.push(any ? 0 : 1);
      expanded++;
      if ((id & 255) === 255) {
        const now = performance.now();
        if (opts.onProgress && now - lastTick >= progressEveryMs) {
          lastTick = now;
          const secs = (now - t0) / 1000;
          opts.onProgress({
            states: seen.size,
            transitions,
            depth,
            queue: seen.size - expanded,
            seconds: secs,
            statesPerSecond: seen.size / Math.max(secs, 1e-9),
            rssBytes: process.memoryUsage.rss(),
          });
        }
        if (opts.shouldStop?.()) stop = 'interrupted';
        else if (now - t0 > timeLimitMs) stop = 'time-limit';
        else if (maxMemory !== Infinity && process.memoryUsage.rss() > maxMemory) stop = 'max-memory';
        if (stop) break;
      }
    }
  } catch (e) {
    if (!isCapacityError(e)) throw e;
    stop = 'max-memory';
  }
  if (stop === null) stop = refused ? 'max-states' : 'exhausted';
  edgeStart.push(edgeTo.length);

  const flat32 = (g: GrowableU32, n: number) => {
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = g.get(i);
    return out;
  };
  const stutters = new Uint8Array(expanded);
  for (let i = 0; i < expanded; i++) stutters[i] = stutter.get(i);
  const edgeActions = new Uint16Array(edgeAction.length);
  for (let i = 0; i < edgeAction.length; i++) edgeActions[i] = edgeAction.get(i);
  return {
    states: seen.size,
    expanded,
    transitions,
    depth,
    stop,
    edgeStart: flat32(edgeStart, expanded + 1),
    edgeTo: flat32(edgeTo, edgeTo.length),
    edgeAction: edgeActions,
    enabledGroups: flat32(enabled, expanded),
    stutters,
    pending: pending.map((g) => flat32(g, seen.size)),
    parent,
    action,
    vectorOf: (id: number, out: Uint8Array) => {
      seen.read(id, packed, 0);
      packer.unpack(packed, 0, out);
    },
  };
}

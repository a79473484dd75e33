// Partial-order reduction (--por): in each state, expand the enabled actions
// of one actor only (an ample set) when no other actor can tell the
// difference, and everything otherwise. Interleavings of independent steps
// then collapse to one representative order.
//
// An actor t qualifies in state s (the conditions of Peled's ample sets,
// checked per state on footprints the engine observes itself, footprint.ts):
//  C0  t has an enabled action;
//  C1  every action of t, enabled or not, reads only fields no other actor
//      can write before t acts again (t's own, written by t alone, or written
//      only under a lock t holds), and every enabled one writes only fields no other actor can
//      read or write before then (t's own, or touched only under a lock t
//      holds). So no other actor's step can enable, disable or be affected by
//      t's, and t cannot gain an action through others: any run from s that
//      leaves t alone commutes with each of t's enabled steps. A step whose
//      footprint cannot be observed (opaque) never qualifies;
//  C2  no enabled action of t changes a visible field: one an invariant
//      reads (in the class of values the invariant distinguishes) or, when
//      lock order is checked, one of the model's lock fields (lockFields);
//  C3  (the cycle proviso, for breadth-first order) none of the ample
//      successors is a state already stored at the current depth or less;
//      otherwise the state is expanded fully. On any cycle of the reduced
//      graph, the state of greatest depth has a successor on the cycle no
//      deeper than itself, so it was expanded fully: no action is ignored
//      around a cycle. The test depends only on the state and the levels, so
//      the sequential and the parallel engine reduce alike.
//
// What it preserves (the reduced graph is a subgraph that keeps every state
// with no enabled action and a stutter-equivalent run for every run, as seen
// through the visible fields): every invariant's verdict, deadlock freedom,
// lock order (the lock fields are visible), and "every obligation is
// eventually discharged" on a model declared acyclic (decided at the states
// with no enabled action, all of which are kept). It does not preserve
// liveness on a cyclic graph (fairness needs the full graph): the app refuses
// that combination before any search. Counterexamples stay real runs but are
// shortest only within the reduced graph.
//
// With symmetry: the conditions are checked on the concrete state before it
// is replaced by its representative, invariants are symmetric, and the
// proviso is checked on representatives, so every cycle of the quotient
// graph still holds a fully expanded state.

import { FootprintProbe } from './footprint.js';
import type { Invariant, Model } from './model.js';
import type { PartialOrderDecl, VisibleGroup } from './por-decl.js';

export class PartialOrderReduction {
  /** Actions of each actor, in action order. */
  readonly actionsOf: Int32Array[];
  /** actorOf[a], as a typed array. */
  readonly actorOf: Int32Array;
  /** Per state checked: how many were reduced (an actor qualified and the proviso held). */
  reduced = 0;
  private readonly probe: FootprintProbe;
  private readonly owner: Int32Array;
  private readonly writer: Int32Array;
  private readonly writeGuard: Int32Array;
  private readonly accessGuard: Int32Array;
  /** guardOf[f] = 1 when field f is some field's guard (a lock byte its holder may read). */
  private readonly isGuard: Uint8Array;
  /** Fields some property reads; groupsOf[k] = the groups of visible[k]. */
  private readonly visible: Int32Array;
  private readonly groupsOf: VisibleGroup[][];
  private readonly step: (a: number, src: Uint8Array, dst: Uint8Array) => boolean;
  private readonly observe: ((actor: number, state: Uint8Array, out: Int32Array) => number) | null;
  private readonly observed: Int32Array;

  private constructor(model: Model, decl: PartialOrderDecl, visible: Map<number, VisibleGroup[]>) {
    const width = model.layout.width;
    this.step = model.step.bind(model);
    this.observe = decl.observe ? decl.observe.bind(decl) : null;
    this.observed = new Int32Array(model.actionCount);
    this.probe = new FootprintProbe(model.layout.stride);
    this.actorOf = Int32Array.from(decl.actorOf);
    this.actionsOf = Array.from({ length: decl.actors }, (_, t) => Int32Array.from(decl.actorOf.flatMap((x, a) => (x === t ? [a] : []))));
    this.owner = Int32Array.from(decl.owner);
    this.writer = Int32Array.from(decl.writer ?? decl.owner.map(() => -1));
    this.writeGuard = Int32Array.from(decl.writeGuard);
    this.accessGuard = Int32Array.from(decl.accessGuard);
    this.isGuard = new Uint8Array(model.layout.stride);
    for (let f = 0; f < width; f++) {
      if (decl.writeGuard[f] >= 0) this.isGuard[decl.writeGuard[f]] = 1;
      if (decl.accessGuard[f] >= 0) this.isGuard[decl.accessGuard[f]] = 1;
    }
    this.visible = Int32Array.from(visible.keys());
    this.groupsOf = [...visible.values()];
  }

  /**
   * The reduction for a search checking `invariants` (and lock order when
   * `lockOrder`), or null when it cannot reduce anything: the model declares
   * nothing, has a state constraint, or some property reads fields it cannot name.
   */
  static of(model: Model, invariants: readonly Invariant[], lockOrder: boolean): PartialOrderReduction | null {
    const decl = model.partialOrder;
    // A state constraint cuts transitions by what the target state holds, which no footprint shows.
    if (!decl || model.constraint) return null;
    const width = model.layout.width;
    const check = (xs: readonly number[], what: string) => {
      if (xs.length !== width) throw new Error(`${model.name}: partial-order declaration lists ${xs.length} ${what}, the layout has ${width} fields`);
    };
    check(decl.owner, 'owners');
    if (decl.writer) check(decl.writer, 'writers');
    check(decl.writeGuard, 'write guards');
    check(decl.accessGuard, 'access guards');
    if (decl.actorOf.length !== model.actionCount) throw new Error(`${model.name}: partial-order declaration names actors of ${decl.actorOf.length} actions, the model has ${model.actionCount}`);
    const visible = new Map<number, VisibleGroup[]>();
    const see = (g: VisibleGroup) => {
      for (const f of g.fields) {
        if (f < 0 || f >= width) throw new Error(`${model.name}: partial-order declaration names field ${f}, the layout has ${width}`);
        const gs = visible.get(f) ?? [];
        if (!gs.includes(g)) gs.push(g);
        visible.set(f, gs);
      }
    };
    for (const inv of invariants) {
      const reads = decl.invariantReads(inv.name);
      if (reads === null) return null;
      for (const g of reads) see(g);
    }
    if (lockOrder && model.held) {
      if (!model.lockFields) return null;
      for (const f of model.lockFields.fields) see({ fields: [f] });
    }
    return new PartialOrderReduction(model, decl, visible);
  }

  /** The actor whose enabled actions form an ample set in `src` (conditions C0–C2), or -1. */
  ampleActor(src: Uint8Array): number {
    const n = this.actionsOf.length;
    for (let t = 0; t < n; t++) {
      if (this.observe === null) {
        if (this.qualifies(t, src, this.actionsOf[t], this.actionsOf[t].length)) return t;
        continue;
      }
      const k = this.observe(t, src, this.observed);
      if (k > 0 && this.qualifies(t, src, this.observed, k)) return t;
    }
    return -1;
  }

  /** Conditions C0-C2 for actor t, observing its actions acts[0 .. count). */
  private qualifies(t: number, src: Uint8Array, acts: Int32Array, count: number): boolean {
    const probe = this.probe;
    const owner = this.owner;
    const wg = this.writeGuard;
    const ag = this.accessGuard;
    const held = t + 1;
    let enabled = 0;
    for (let i = 0; i < count; i++) {
      const on = probe.probe(this.step, acts[i], src);
      if (probe.opaque) return false;
      const reads = probe.reads;
      for (let k = 0; k < probe.readCount; k++) {
        const f = reads[k];
        if (owner[f] === t || this.writer[f] === t) continue;
        if (wg[f] >= 0 && src[wg[f]] === held) continue;
        if (ag[f] >= 0 && src[ag[f]] === held) continue;
        if (this.isGuard[f] === 1 && src[f] === held) continue;
        return false;
      }
      if (!on) continue;
      enabled++;
      const writes = probe.writes;
      for (let k = 0; k < probe.writeCount; k++) {
        const f = writes[k];
        if (owner[f] === t) continue;
        if (ag[f] >= 0 && src[ag[f]] === held) continue;
        return false;
      }
      if (this.changesVisible(t, src, probe.after)) return false;
    }
    return enabled > 0;
  }

  private changesVisible(t: number, src: Uint8Array, dst: Uint8Array): boolean {
    const vis = this.visible;
    for (let k = 0; k < vis.length; k++) {
      const f = vis[k];
      if (src[f] === dst[f]) continue;
      for (const g of this.groupsOf[k]) {
        if (!g.classOf) return true;
        for (const h of g.fields) if (this.owner[h] !== t) return true;
        if (g.classOf(src) !== g.classOf(dst)) return true;
      }
    }
    return false;
  }
}

// The successor semantics, written once for the sequential engine (bfs.ts)
// and the parallel one (parallel/worker.ts, parallel/coordinator.ts): what
// firing an action yields (the model's step, the in-pass observers, the
// symmetry representative, the state constraint, the fingerprint), which
// initial states a search starts from, which invariants a state violates and
// when a state with no enabled action is a deadlock. The engines differ only
// in how they store, number and share states.

import { fingerprint, fpOut, maskFingerprint } from './fingerprint.js';
import { PassAnalyses } from './in-search.js';
import type { Invariant, Model } from './model.js';
import type { ExploreOptions } from './result.js';
import { StateView } from './state-view.js';
import { Canonicalizer } from './symmetry.js';
import { PartialOrderReduction } from './por.js';

/** fire(): the action is not enabled; dst is untouched. */
export const DISABLED = 0;
/** fire(): enabled, but the successor fails the state constraint (it is neither stored nor checked). */
export const PRUNED = 1;
/** fire(): dst holds the successor's representative and fpOut its fingerprint. */
export const SUCCESSOR = 2;

/** Called for every transition fired from an expanded state, before symmetry (analyses such as lock order). */
export type TransitionObserver = (srcId: number, action: number, src: Uint8Array, dst: Uint8Array) => void;

/** Invariants selected by name; throws (a usage error) for an unknown one. */
export function selectInvariants(model: Model, names?: readonly string[]): Invariant[] {
  if (!names) return [...model.invariants];
  return names.map((n) => {
    const inv = model.invariants.find((i) => i.name === n);
    if (!inv) {
      const valid = model.invariants.map((i) => i.name).join(', ');
      throw new Error(`unknown invariant '${n}' for ${model.name} (valid: ${valid})`);
    }
    return inv;
  });
}

export class Successors {
  readonly invariants: readonly Invariant[];
  readonly canon: Canonicalizer | null;
  /** Analyses settled in the search's pass (lock order, liveness of an acyclic model); never under symmetry. */
  readonly pass: PassAnalyses | null;
  /** Partial-order reduction, when asked for and the model declares it. */
  readonly por: PartialOrderReduction | null;
  private readonly nWords: number;
  private readonly fpMask: number;
  private readonly view: StateView;
  private readonly constraint: ((s: StateView) => boolean) | null;
  private readonly isTerminal: ((s: StateView) => boolean) | null;
  private readonly observe: TransitionObserver | null;

  constructor(
    readonly model: Model,
    opts: Pick<ExploreOptions, 'invariants' | 'symmetry' | 'fingerprintMask' | 'analyses' | 'por'>,
    observe?: TransitionObserver,
  ) {
    const layout = model.layout;
    this.nWords = layout.stride >>> 2;
    this.invariants = selectInvariants(model, opts.invariants);
    this.canon = opts.symmetry && model.symmetry?.length ? new Canonicalizer(layout, model.symmetry) : null;
    this.pass = PassAnalyses.of(model, opts.analyses, this.canon !== null);
    this.fpMask = opts.fingerprintMask ?? 0xffffffff;
    // Lock order is checked in the pass or by an observer of every transition (its own pass): the lock fields are then visible.
    this.por = opts.por ? PartialOrderReduction.of(model, this.invariants, !!this.pass?.lockEdges || observe !== undefined) : null;
    this.view = new StateView(layout);
    this.constraint = model.constraint ? model.constraint.bind(model) : null;
    this.isTerminal = model.isTerminal ? model.isTerminal.bind(model) : null;
    const lockEdges = this.pass?.lockEdges ?? null;
    this.observe =
      observe && lockEdges
        ? (id, a, s, d) => {
            observe(id, a, s, d);
            lockEdges.observe(id, a, s, d);
          }
        : (observe ?? (lockEdges ? (id, a, s, d) => lockEdges.observe(id, a, s, d) : null));
  }

  /**
   * Fire action `a` of state `srcId` (vector `src`); `dst` holds a copy of
   * `src` and `dstWords` is a Uint32Array over the same bytes. Returns
   * DISABLED, PRUNED or SUCCESSOR (see above).
   */
  fire(srcId: number, a: number, src: Uint8Array, dst: Uint8Array, dstWords: Uint32Array): number {
    if (!this.model.step(a, src, dst)) return DISABLED;
    if (this.observe !== null) this.observe(srcId, a, src, dst);
    if (this.canon !== null) this.canon.canonicalize(dst);
    if (this.constraint !== null && !this.constraint(StateView.point(this.view, dst))) return PRUNED;
    fingerprint(dstWords, 0, this.nWords);
    if (this.fpMask !== 0xffffffff) maskFingerprint(this.fpMask);
    return SUCCESSOR;
  }

  /**
   * The initial states a search starts from, in order: each must fit the
   * layout; those failing the constraint are dropped; each is replaced by its
   * representative, with its fingerprint in fpOut when `each` is called.
   */
  initial(dst: Uint8Array, dstWords: Uint32Array, each: (index: number) => void): Uint8Array[] {
    const model = this.model;
    const inits = model.initialStates();
    inits.forEach((init, index) => {
      if (init.length !== model.layout.stride || !model.layout.inDomain(init)) {
        throw new Error(`internal error: ${model.name} initial state #${index} does not fit its layout`);
      }
      if (this.constraint !== null && !this.constraint(StateView.point(this.view, init))) return;
      dst.set(init);
      this.canon?.canonicalize(dst);
      fingerprint(dstWords, 0, this.nWords);
      if (this.fpMask !== 0xffffffff) maskFingerprint(this.fpMask);
      each(index);
    });
    return inits;
  }

  /**
   * The first invariant from `from` on that is still open (open[i] true or
   * non-zero) and fails in the state at vec[off..], or -1.
   */
  violated(vec: Uint8Array, off: number, open: ArrayLike<boolean | number>, from = 0): number {
    const invs = this.invariants;
    const view = StateView.point(this.view, vec, off);
    for (let i = from; i < invs.length; i++) if (open[i] && !invs[i].holds(view)) return i;
    return -1;
  }

  /**
   * A state with no enabled action (`id`, vector `src`): whether it is a
   * deadlock (it is not terminal; false without asking when the caller does
   * not want to know). Also tells the in-pass liveness analysis,
   * for which any such state stutters.
   */
  stuck(id: number, src: Uint8Array, wantDeadlock: boolean): boolean {
    if (this.pass !== null) this.pass.onStutter(id, src);
    if (!wantDeadlock) return false;
    return this.isTerminal === null || !this.isTerminal(StateView.point(this.view, src));
  }
}

// The model interface: everything the engine knows about a system.
//
// Like stateright's Model or LTSmin's PINS, a model is a fixed set of
// numbered actions (transition groups) over packed state vectors. The engine
// asks each action in turn whether it is enabled in a state and, if so, for
// the successor; it never looks inside a vector except to hash, store and
// hand it back through a read-only StateView.

import type { Layout } from './layout.js';
import type { StateView } from './state-view.js';
import type { SymmetryGroup } from './symmetry.js';
import type { PartialOrderDecl } from './por-decl.js';

/** How an action is shown in traces and exports. */
export interface ActionLabel {
  /** The actor: a thread, process or philosopher name. */
  readonly thread: string;
  /** Short action name, e.g. `take-first` or `loop_clr_fd`. */
  readonly action: string;
  /** The step inside the action, e.g. `read disk_openers == 1`. */
  readonly step?: string;
  /** Parameters of the action, if any. */
  readonly params?: Readonly<Record<string, string | number>>;
  /**
   * The system runs this step and the same actor's next step back to back
   * (nothing between them can sleep or block): steps of other actors in
   * between need this one to be stalled. Reports list such stall windows.
   */
  readonly backToBack?: boolean;
}

export interface Invariant {
  /** Stable identifier, e.g. `stacked-no-teardown`. */
  readonly name: string;
  /** One line shown by `list` and printed under a violation. */
  readonly description: string;
  holds(s: StateView): boolean;
}

/**
 * A liveness property of the "every started thing eventually finishes" kind:
 * for each obligation k (say, thread k), always (pending(k) implies
 * eventually not pending(k)). Checked over the whole state graph under the
 * model's fairness (liveness.ts); a violation is a lasso.
 */
export interface LivenessProperty {
  readonly name: string;
  readonly description: string;
  /** How many obligations there are (at most 32), e.g. one per thread. */
  readonly obligations: number;
  /** Who owes obligation k, e.g. the thread's name. */
  obligationName(k: number): string;
  /** Whether obligation k is outstanding in state s (e.g. thread k is inside a system call). */
  pending(s: StateView, k: number): boolean;
}

/**
 * Weak fairness: each group (say, one thread's actions) that stays enabled
 * forever is eventually taken. Actions whose group is -1 are not fair.
 */
export interface Fairness {
  /** Group names, at most 32. */
  readonly groups: readonly string[];
  groupOf(action: number): number;
}

export interface Model {
  readonly name: string;
  readonly layout: Layout;
  /** Actions are numbered 0 .. actionCount-1 (at most 65536). */
  readonly actionCount: number;
  /** The initial states, each a vector of layout.stride bytes. */
  initialStates(): Uint8Array[];
  /**
   * Try action `a` in state `src`. On entry `dst` holds a copy of `src`.
   * If `a` is enabled, write the successor into `dst` and return true;
   * otherwise return false and leave `dst` untouched. Must be deterministic:
   * one action, one successor (nondeterminism = several actions).
   */
  step(a: number, src: Uint8Array, dst: Uint8Array): boolean;
  /** Label of action `a` taken in state `src` (trace printing only). */
  label(a: number, src: Uint8Array): ActionLabel;
  /** All invariants the model offers. */
  readonly invariants: readonly Invariant[];
  /** States in which having no enabled action is not a deadlock. */
  isTerminal?(s: StateView): boolean;
  /** State constraint: states failing it are neither stored nor checked (as TLC's CONSTRAINT). */
  constraint?(s: StateView): boolean;
  /**
   * Interchangeable members (see symmetry.ts), used only when the search is
   * asked for symmetry reduction. The declaration must be sound: permuting
   * members maps transitions to transitions and preserves every invariant.
   */
  readonly symmetry?: readonly SymmetryGroup[];
  /**
   * What partial-order reduction (por.ts) needs to know: each action's actor
   * and which fields are private to an actor or guarded by a lock. Used only
   * when the search is asked for it (--por); like a symmetry declaration it
   * must be sound, and tests check it against every step the model takes.
   */
  readonly partialOrder?: PartialOrderDecl;
  /** Liveness properties the model offers (checked only over the full, unreduced graph). */
  readonly liveness?: readonly LivenessProperty[];
  /**
   * The model's claim that its reachable state graph has no cycle (every run
   * ends: bounded work, no retries). Liveness is then decided in the safety
   * search's pass, with no state graph (in-search.ts). Like a symmetry
   * declaration, it must be sound; tests check it against the graph.
   */
  readonly acyclic?: boolean;
  /** Weak fairness assumed by liveness checks (none when absent). */
  readonly fairness?: Fairness;
  /**
   * Optional fast form of `held` for the lock-order analysis, which reads it
   * on every transition: resource r is held by actor i when
   * byte `fields[r]` is 1 + i (0 = free). Must say exactly what `held` says.
   */
  readonly lockFields?: {
    readonly fields: readonly number[];
    readonly names: readonly string[];
    actorName(i: number): string;
  };
  /** For traces: resources (locks) each actor holds in a state, by actor name. */
  held?(s: StateView): Readonly<Record<string, readonly string[]>>;
  /**
   * For traces: the actors in the middle of an operation (a system call) in
   * state s. A trace in which no actor steps while another is busy ran every
   * operation whole; otherwise its racing windows are where one was cut in.
   */
  busy?(s: StateView): readonly string[];
  /**
   * The class of a resource named by `held`, as lockdep groups locks: every
   * instance of one lock (say, one per device) is one class, and the
   * lock-order analysis finds cycles between classes. Absent: each resource
   * is its own class.
   */
  lockClass?(resource: string): string;
}

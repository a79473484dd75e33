// Types of a search's options and outcome, shared by the engine, the CLI,
// the exporters and the tests.

import type { ActionLabel } from './model.js';

export type Verdict = 'holds' | 'violated' | 'incomplete';

/** Why a search stopped. Only `exhausted` and `all-violated` are complete. */
export type StopReason =
  | 'exhausted'
  | 'all-violated'
  | 'max-states'
  | 'max-depth'
  | 'time-limit'
  | 'max-memory'
  | 'interrupted';

/** The pseudo-invariant name under which deadlocks are reported. */
export const DEADLOCK = 'deadlock';

export interface ExploreOptions {
  /** Invariant names to check (default: all the model offers). */
  readonly invariants?: readonly string[];
  /** Report states with no enabled action that the model does not mark terminal (default true). */
  readonly checkDeadlock?: boolean;
  readonly maxStates?: number;
  /** Maximum BFS depth; the initial states are depth 1 (as SPIN and TLC count). */
  readonly maxDepth?: number;
  /** Seconds. */
  readonly timeLimit?: number;
  /** Stop when the process's resident memory exceeds this many bytes. */
  readonly maxMemoryBytes?: number;
  /** Called every progressEvery seconds with the figures so far. */
  readonly onProgress?: (p: Progress) => void;
  readonly progressEvery?: number;
  /** Reduce by the model's declared symmetry (ignored when it declares none). */
  readonly symmetry?: boolean;
  /**
   * Partial-order reduction (por.ts): expand one actor's independent steps
   * where the model's declaration allows it (ignored when it declares none).
   */
  readonly por?: boolean;
  /** Store full state vectors: no state can be lost to a fingerprint collision. */
  readonly exact?: boolean;
  /** Testing aid: keep only these bits of each fingerprint word (default all). */
  readonly fingerprintMask?: number;
  /** Polled with the progress clock; returning true stops the search (interrupted). */
  readonly shouldStop?: () => boolean;
  /**
   * Analyses to settle in the search's own pass where they can be (in-search.ts);
   * their rows then follow the invariants' in the result, and what the pass
   * could not settle is left to the separate passes (analyses.ts).
   */
  readonly analyses?: InSearchRequest;
}

/** What a search is asked to check besides its invariants (plain data: it travels to workers). */
export interface InSearchRequest {
  /** Liveness property names; settled in the pass only on a model declared acyclic. */
  readonly liveness: readonly string[];
  readonly lockOrder: boolean;
}

/** The options of a pass that explores without checking invariants (the analyses): limits, stop and progress. */
export type PassOptions = Pick<ExploreOptions, 'por' | 'maxStates' | 'maxDepth' | 'timeLimit' | 'maxMemoryBytes' | 'shouldStop' | 'onProgress' | 'progressEvery'>;

export interface Progress {
  /** Which pass is running when it is not the safety search, e.g. `liveness graph`. */
  readonly phase?: string;
  readonly states: number;
  readonly transitions: number;
  readonly depth: number;
  readonly queue: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  readonly rssBytes: number;
}

export interface Stats {
  /** Distinct states stored. */
  readonly states: number;
  /** Transitions (enabled action firings) computed. */
  readonly transitions: number;
  /** Deepest BFS level reached (initial = 1). */
  readonly depth: number;
  readonly seconds: number;
  readonly statesPerSecond: number;
  /** Peak resident set size of the process, bytes. */
  readonly peakRssBytes: number;
  /** Estimated probability that a fingerprint collision omitted a state (0 in exact mode). */
  readonly collisionProbability: number;
  /** Whether full vectors were stored (--exact). */
  readonly exact: boolean;
  /** Whether `states` counts symmetry-reduced representatives. */
  readonly symmetry: boolean;
  /**
   * Whether partial-order reduction ran (ExploreOptions.por on a model that
   * declares it): states are then those of the reduced graph, and a
   * counterexample is shortest within it, not necessarily overall.
   */
  readonly partialOrder?: boolean;
  /** Seconds spent in the analyses after the search (liveness, lock order), when any ran. */
  readonly analysisSeconds?: number;
}

export interface TraceStep {
  /** Action number; for step 0 (the initial state) the initial-state index. */
  readonly action: number;
  readonly label: ActionLabel | null;
  readonly state: Uint8Array;
}

/**
 * A path from an initial state; steps[0] is the initial state (label null).
 * A lasso (a liveness counterexample) also has `loop`: the run goes on
 * forever by repeating steps loop+1 .. last, because the last state equals
 * steps[loop].state; loop = last index means the last state stutters (no
 * step is enabled).
 */
export interface Trace {
  readonly steps: readonly TraceStep[];
  readonly loop?: number;
  /**
   * Found under partial-order reduction: a real run of the model, shortest
   * within the reduced graph but not necessarily overall.
   */
  readonly reduced?: boolean;
}

/** The one line every report prints above a counterexample found under --por. */
export const REDUCED_TRACE_NOTE = 'found under partial-order reduction (--por): a real run, but not necessarily the shortest; run without --por for the shortest';

/** The same, short enough for a one-line message or a diagram's title. */
export const REDUCED_TRACE_MARK = 'found under --por: not necessarily the shortest';

/** traceTo, with its traces marked as found under partial-order reduction when `reduced`. */
export function markReduced(traceTo: (id: number) => Trace, reduced: boolean): (id: number) => Trace {
  return reduced ? (id) => ({ ...traceTo(id), reduced: true }) : traceTo;
}

export interface InvariantOutcome {
  readonly invariant: string;
  readonly description: string;
  readonly verdict: Verdict;
  /** Shortest counterexample when violated. */
  readonly trace: Trace | null;
  /** One line saying more about a violation (e.g. who waits forever in a lasso). */
  readonly detail?: string;
  /** Further traces behind the same violation (the other edges of a lock-order cycle). */
  readonly related?: readonly { readonly title: string; readonly trace: Trace }[];
}

export interface ExploreResult {
  readonly model: string;
  readonly complete: boolean;
  readonly stopReason: StopReason;
  readonly stats: Stats;
  readonly outcomes: readonly InvariantOutcome[];
}

// Messages between the parallel coordinator and its workers. One BFS level
// is three phases: `expand` (successors of a range of the level, filtered
// against the visited tables and binned by owning worker), `insert` (each
// owner adds its candidates in key order to its own table and keeps the keys
// of the new ones), and, once the coordinator has merged those keys into
// positions, `write` (each owner recomputes its new states, writes them into
// the next level at their positions and checks the invariants on them).

import type { TableRef } from '../exact-set.js';
import type { ModelRecipe } from '../recipe.js';
import type { ExploreOptions, ExploreResult, Progress } from '../result.js';
import type { RecordsRef } from './records.js';

/** Sent to a pooled worker to start one search. */
export interface WorkerInit {
  readonly type: 'init';
  readonly recipe: ModelRecipe;
  readonly index: number;
  readonly workers: number;
  /** Names of the invariants to check, in result order. */
  readonly invariants: readonly string[];
  readonly checkDeadlock: boolean;
  readonly exact: boolean;
  readonly symmetry: boolean;
  readonly fingerprintMask: number;
  /** Shared Int32 flags: [0] = stop requested. */
  readonly control: SharedArrayBuffer;
}

/**
 * Candidate record: fp lo, fp hi, parent index within the level, action.
 * No vector: the owner recomputes the few new ones from parent and action,
 * which keeps the candidate bins at 16 bytes per successor.
 */
export const CAND_WORDS = 4;
/** New-state record: parent index within the level, action (no vector: see `write`). */
export const FRESH_WORDS = 2;

export interface ExpandMsg {
  readonly type: 'expand';
  readonly level: SharedArrayBuffer;
  readonly from: number;
  readonly to: number;
  /** Visited table buffer of every owner, by worker index. */
  readonly tables: readonly TableRef[];
  readonly atDepthLimit: boolean;
  readonly deadlockOpen: boolean;
}

export interface ExpandedMsg {
  readonly type: 'expanded';
  /** Candidates for each owner, in key order. */
  readonly bins: readonly RecordsRef[];
  readonly transitions: number;
  /** First level index in range with no enabled action (not terminal), or -1. */
  readonly deadlockAt: number;
  /** With atDepthLimit: whether some successor is new. */
  readonly hiddenByDepth: boolean;
  readonly stopped: boolean;
}

export interface InsertMsg {
  readonly type: 'insert';
  /** The level the candidates' parents are in (exact mode recomputes vectors to compare them). */
  readonly level: SharedArrayBuffer;
  /** Initial states: `level` holds the candidates themselves (parent index = initial-state index). */
  readonly initial: boolean;
  /** This owner's bin from every expander, in expander order (= key order). */
  readonly bins: readonly RecordsRef[];
}

export interface InsertedMsg {
  readonly type: 'inserted';
  readonly fresh: RecordsRef;
  /** Own table buffers (they change when the table grows). */
  readonly table: TableRef;
  readonly tableBytes: number;
  readonly stopped: boolean;
}

export interface WriteMsg {
  readonly type: 'write';
  /** The level the new states' parents are in (as in the insert). */
  readonly level: SharedArrayBuffer;
  readonly initial: boolean;
  /** The next level, to write into. */
  readonly next: SharedArrayBuffer;
  /** Int32 per entry of this owner's `fresh` list: its position in `next`, or -1 (cut by a limit). */
  readonly positions: SharedArrayBuffer;
  /** Per invariant: still unviolated (worth checking). */
  readonly open: readonly boolean[];
}

export interface WrittenMsg {
  readonly type: 'written';
  /** Per invariant: the least position in `next` of a violating state, or -1. */
  readonly violations: readonly number[];
  readonly stopped: boolean;
}

/**
 * With a single worker: run the whole sequential search in the worker (the
 * two-phase protocol only pays off when phases run side by side).
 */
export interface SequentialMsg {
  readonly type: 'sequential';
  readonly recipe: ModelRecipe;
  readonly options: Omit<ExploreOptions, 'onProgress' | 'shouldStop'>;
  readonly progress: boolean;
  /** Shared Int32 flags: [0] = stop requested. */
  readonly control: SharedArrayBuffer;
}

export type ToWorker = WorkerInit | ExpandMsg | InsertMsg | WriteMsg | SequentialMsg;
export type FromWorker =
  | { type: 'ready'; table: TableRef }
  | { type: 'progress'; progress: Progress }
  | { type: 'result'; result: ExploreResult }
  | ExpandedMsg
  | InsertedMsg
  | WrittenMsg
  | { type: 'error'; message: string; capacity?: boolean };

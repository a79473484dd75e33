// Messages between the parallel coordinator and its workers. One BFS level
// is three phases, each a message to every worker and a reply from each:
// `expand` (workers take chunks of the level in turn, drop successors already
// in the shared visited table and claim the rest in the level's claim table),
// `settle` (each worker keeps, per chunk it expanded, the records its chunk
// still holds and publishes their count; when the visited table has to
// grow, workers also move its entries meanwhile), and, once the coordinator has
// turned those counts into positions, `write` (each worker writes its new
// states into the next level, the parent and action columns and the visited
// table, and checks the invariants on them). See coordinator.ts.

import type { TableRef } from '../exact-set.js';
import type { ModelRecipe } from '../recipe.js';
import type { EdgeSighting } from '../lock-edges.js';
import type { ExploreOptions, ExploreResult, InSearchRequest, Progress } from '../result.js';

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
  /** Partial-order reduction (por.ts). */
  readonly por: boolean;
  readonly fingerprintMask: number;
  /** Analyses to settle in the search's pass (in-search.ts), if any. */
  readonly analyses?: InSearchRequest;
  /** Shared Int32 words, indexed by the C_ constants. */
  readonly control: SharedArrayBuffer;
}

/** control[C_STOP] != 0: stop requested. */
export const C_STOP = 0;
/** Next chunk to take in `expand`. */
export const C_NEXT = 1;
/** States claimed in the level table so far (flushed in batches of CLAIM_BATCH). */
export const C_CLAIMED = 2;
/** The level table is too full: the level's expansion is abandoned and redone with a larger one. */
export const C_OVERFLOW = 3;
export const CONTROL_WORDS = 4;
export const CLAIM_BATCH = 64;
/** Chunk-relative parent indices take 16 bits of a record word (the action the other 16). */
export const MAX_CHUNK = 1 << 16;

export interface ExpandMsg {
  readonly type: 'expand';
  readonly level: SharedArrayBuffer;
  readonly count: number;
  /** Id of the level's first state (analyses name sources by id). */
  readonly levelBase: number;
  /** States per chunk (at most MAX_CHUNK); chunk k is [k * chunk, min(count, (k + 1) * chunk)). */
  readonly chunk: number;
  readonly table: TableRef;
  /** The level table (Int32, zeroed) and how many claims it may take. */
  readonly claims: SharedArrayBuffer;
  readonly claimLimit: number;
  readonly atDepthLimit: boolean;
  readonly deadlockOpen: boolean;
  /** Per invariant: still unviolated (worth checking on the states claimed). */
  readonly open: readonly boolean[];
}

export interface ExpandedMsg {
  readonly type: 'expanded';
  readonly transitions: number;
  /** Least level index with no enabled action (not terminal) among this worker's chunks, or -1. */
  readonly deadlockAt: number;
  /** With atDepthLimit: whether some successor is new. */
  readonly hiddenByDepth: boolean;
  readonly stopped: boolean;
  readonly overflow: boolean;
  /** Slots this worker took in the claim table: its share of the level's new states. */
  readonly claimed: number;
  /** This worker's in-pass analyses so far (in-search.ts): first sightings, merged by the coordinator. */
  readonly analyses: { readonly edges: readonly EdgeSighting[]; readonly stutterAt: readonly number[]; readonly stutterObligation: readonly number[] } | null;
}

export interface SettleMsg {
  readonly type: 'settle';
  readonly claims: SharedArrayBuffer;
  /** Int32 per chunk: the worker that expanded it writes its number of new states. */
  readonly counts: SharedArrayBuffer;
  /**
   * The visited table has just grown from oldCap slots: this worker moves
   * the entries of old slots from..to into place meanwhile (shared-table.ts).
   */
  readonly regrow: { readonly table: TableRef; readonly oldCap: number; readonly from: number; readonly to: number } | null;
}

export interface SettledMsg {
  readonly type: 'settled';
  /** Entries the regrowth could not place side by side (see regrowRange). */
  readonly deferred: number[];
}

export interface WriteMsg {
  readonly type: 'write';
  /** Int32 per chunk: position in the next level of its first new state. */
  readonly offsets: SharedArrayBuffer;
  /** New states beyond this position are cut by the state limit. */
  readonly room: number;
  readonly levelBase: number;
  readonly nextBase: number;
  readonly next: SharedArrayBuffer;
  readonly parents: readonly SharedArrayBuffer[];
  readonly actions: readonly SharedArrayBuffer[];
  readonly table: TableRef;
  /** Claim table to zero for the next level: all of it (each worker a share) or only the claimed slots. */
  readonly claims: SharedArrayBuffer;
  readonly clearAll: boolean;
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
 * phased protocol only pays off when phases run side by side).
 */
export interface SequentialMsg {
  readonly type: 'sequential';
  readonly recipe: ModelRecipe;
  readonly options: Omit<ExploreOptions, 'onProgress' | 'shouldStop'>;
  readonly progress: boolean;
  /** Shared Int32 flags: [0] = stop requested. */
  readonly control: SharedArrayBuffer;
}

export type ToWorker = WorkerInit | ExpandMsg | SettleMsg | WriteMsg | SequentialMsg;
export type FromWorker =
  | { type: 'ready' }
  | SettledMsg
  | { type: 'progress'; progress: Progress }
  | { type: 'result'; result: ExploreResult }
  | ExpandedMsg
  | WrittenMsg
  | { type: 'error'; message: string; capacity?: boolean };

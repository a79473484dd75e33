// Executes planned runs: builds each model through its family, runs the
// engine, and collects the outcome rows the reporters print. Also owns the
// mapping from outcomes to the process exit code.

import type { Model } from '../engine/model.js';
import { explore } from '../engine/bfs.js';
import { SearchPool, exploreParallel } from '../engine/parallel/coordinator.js';
import { registeredRecipe } from './recipe.js';
import { FAMILIES } from './registry.js';
import { interrupted } from './interrupt.js';
import { replayTrace } from '../export/replay.js';
import { withAnalyses, type AnalysisRequest } from '../engine/analyses.js';
import { analyseInWorker } from '../engine/analysis-job.js';
import { LOCK_ORDER } from '../engine/properties.js';
import { DEADLOCK, type ExploreResult, type Progress } from '../engine/result.js';
import { EXIT, UsageError } from './errors.js';
import type { PlannedRun } from './plan.js';

export interface Limits {
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly timeLimit?: number;
  /** Search worker threads (default 1). */
  readonly workers?: number;
  /** Stop a search when resident memory exceeds this many MiB. */
  readonly maxMemory?: number;
  /** Store full state vectors instead of fingerprints. */
  readonly exact?: boolean;
  /** Reduce by the model's declared symmetry. */
  readonly symmetry?: boolean;
}

export interface CompletedRun {
  readonly run: PlannedRun;
  readonly model: Model;
  readonly result: ExploreResult;
}

export function buildModel(run: PlannedRun): Model {
  try {
    return run.family.build({
      params: run.params,
      ...(run.strategy !== null ? { strategy: run.strategy } : {}),
      ...(run.scenario !== null ? { scenario: run.scenario } : {}),
    });
  } catch (e) {
    throw new UsageError(`cannot build ${run.family.name}${run.strategy ? ` ${run.strategy}` : ''}${run.scenario ? ` ${run.scenario}` : ''}: ${(e as Error).message}`);
  }
}

/**
 * What a run checks on its model: the selected invariants the model offers
 * (all when none were named), whether deadlock was selected, and the
 * liveness properties and lock-order analysis to run after the search.
 */
export function checksFor(run: PlannedRun, model: Model): { invariants?: string[]; checkDeadlock: boolean } & AnalysisRequest {
  const live = model.liveness ?? [];
  if (!run.invariants) return { checkDeadlock: true, liveness: live, lockOrder: !!model.held };
  const offered = new Set(model.invariants.map((i) => i.name));
  return {
    invariants: run.invariants.filter((i) => offered.has(i)),
    checkDeadlock: run.invariants.includes(DEADLOCK),
    liveness: live.filter((p) => run.invariants!.includes(p.name)),
    lockOrder: !!model.held && run.invariants.includes(LOCK_ORDER),
  };
}

/** Above this many states (found by the safety search), analyses move to a worker thread. */
export const MAIN_THREAD_ANALYSIS_STATES = 50_000;

/** Runs one planned search. Async so the search can move to worker threads. */
export async function executeRun(
  run: PlannedRun,
  limits: Limits,
  onProgress?: (p: Progress) => void,
  pool?: SearchPool,
): Promise<CompletedRun> {
  const model = buildModel(run);
  const { invariants, checkDeadlock, ...analyses } = checksFor(run, model);
  const opts = {
    invariants,
    checkDeadlock,
    maxStates: limits.maxStates,
    maxDepth: limits.maxDepth,
    timeLimit: limits.timeLimit,
    maxMemoryBytes: limits.maxMemory !== undefined ? limits.maxMemory * 2 ** 20 : undefined,
    shouldStop: interrupted,
    exact: limits.exact ?? false,
    symmetry: limits.symmetry ?? false,
    onProgress,
    progressEvery: 1,
    analyses: { liveness: analyses.liveness.map((p) => p.name), lockOrder: analyses.lockOrder },
  };
  // Workers rebuild the model through the registry; an unregistered family
  // (a test fixture) is searched on this thread.
  const registered = FAMILIES.includes(run.family);
  const workers = registered ? (pool ?? limits.workers ?? 1) : 1;
  const safety =
    typeof workers !== 'number' || workers > 1
      ? await exploreParallel(
          model,
          registeredRecipe(run.family.name, { ...run.params }, run.strategy, run.scenario),
          workers,
          opts,
        )
      : explore(model, opts);
  // Analyses of a large graph run in a worker thread (when the model can be
  // rebuilt there), so that the main thread stays free to notice Ctrl-C and
  // print progress; a small one takes well under a second here.
  const wanted = analyses.liveness.length > 0 || analyses.lockOrder;
  const result = !wanted
    ? safety
    : registered && safety.stats.states > MAIN_THREAD_ANALYSIS_STATES && !interrupted()
      ? await analyseInWorker(
          registeredRecipe(run.family.name, { ...run.params }, run.strategy, run.scenario),
          safety,
          { liveness: analyses.liveness.map((p) => p.name), lockOrder: analyses.lockOrder },
          opts,
        )
      : withAnalyses(model, safety, analyses, opts);
  validateTraces(run, result);
  return { run, model, result };
}

/**
 * Runs planned searches one after another on one pool of search worker
 * threads (one thread too: the main thread then stays free to notice Ctrl-C).
 */
export async function executeRuns(
  runs: readonly PlannedRun[],
  limits: Limits,
  onProgress?: (p: Progress) => void,
  afterEach?: (r: CompletedRun) => void,
): Promise<CompletedRun[]> {
  const done: CompletedRun[] = [];
  let pool = new SearchPool(limits.workers ?? 1);
  try {
    for (const run of runs) {
      if (pool.broken) {
        await pool.close();
        pool = new SearchPool(limits.workers ?? 1);
      }
      const r = await executeRun(run, limits, onProgress, pool);
      afterEach?.(r);
      done.push(r);
    }
  } finally {
    await pool.close();
  }
  return done;
}

/**
 * Every counterexample is replayed against a freshly built model before
 * anything shows or writes it; one that does not replay is an internal
 * error, never a result.
 */
function validateTraces(run: PlannedRun, result: ExploreResult): void {
  const fresh = buildModel(run);
  for (const o of result.outcomes) {
    if (!o.trace) continue;
    for (const t of [o.trace, ...(o.related ?? []).map((x) => x.trace)]) {
      const r = replayTrace(fresh, t, o.invariant, o.description);
      if (!r.ok) {
        throw new Error(`the counterexample for ${o.invariant} in ${fresh.name} does not replay (step ${r.step}: ${r.reason})`);
      }
    }
  }
}

/** 1 if anything is violated, else 3 if anything is incomplete, else 0. */
export function exitCodeFor(runs: readonly CompletedRun[]): number {
  const verdicts = runs.flatMap((r) => r.result.outcomes.map((o) => o.verdict));
  if (verdicts.includes('violated')) return EXIT.violation;
  if (verdicts.includes('incomplete') || runs.some((r) => !r.result.complete)) return EXIT.incomplete;
  return EXIT.ok;
}

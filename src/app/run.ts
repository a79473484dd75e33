// The runner every command shares (verify, compare, init, the config gate):
// builds each planned model through its family, searches it on worker
// threads (never on the main thread, which stays free for Ctrl-C), runs the
// analyses there too, replays every counterexample before anyone sees it,
// and maps outcomes to an exit code.

import type { Model } from '../engine/model.js';
import { explore } from '../engine/bfs.js';
import { SearchPool, exploreParallel } from '../engine/parallel/coordinator.js';
import { isRegistered, recipeOf } from './recipe.js';
import { interrupted } from './interrupt.js';
import { replayTrace } from './replay.js';
import { remaining, withAnalyses, type AnalysisRequest } from '../engine/analyses.js';
import { JobWorker, runJob } from './job.js';
import { JobMemory } from './peak-memory.js';
import { LOCK_ORDER } from '../engine/properties.js';
import { DEADLOCK, type ExploreResult, type Progress, type Trace } from '../engine/result.js';
import { MAX_LIVENESS_BITS } from '../engine/state-graph.js';
import { mergeSimulations, simulate, type SimulateOptions, type SimulationResult } from '../engine/simulate.js';
import { lockOrder, type LockOrderResult } from '../engine/lock-order.js';
import { EXIT, ReplayFailure, UsageError } from './errors.js';
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
  /** Partial-order reduction (engine/por.ts), where the model declares what it needs. */
  readonly por?: boolean;
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

/**
 * Checks every run before any search starts: each model builds, and the
 * liveness properties selected fit the liveness checker's masks (found
 * after a long search otherwise). Throws UsageError.
 */
function preflight(runs: readonly PlannedRun[]): void {
  for (const run of runs) {
    const model = buildModel(run);
    const groups = model.fairness?.groups.length ?? 0;
    for (const p of checksFor(run, model).liveness) {
      if (groups > MAX_LIVENESS_BITS) {
        throw new UsageError(`${p.name} on ${model.name}: the liveness check handles at most ${MAX_LIVENESS_BITS} fairness groups, this model has ${groups} (use a smaller instance, or select other properties with --invariant)`);
      }
      if (p.obligations > MAX_LIVENESS_BITS) {
        throw new UsageError(`${p.name} on ${model.name}: the liveness check handles at most ${MAX_LIVENESS_BITS} obligations, this property has ${p.obligations}`);
      }
    }
  }
}

/**
 * Partial-order reduction keeps every invariant's verdict, deadlock freedom,
 * lock order, and liveness on a model declared acyclic (decided at the states
 * with nothing enabled, all of which the reduced graph keeps). Liveness on a
 * cyclic graph needs every interleaving: refused before any search. Throws UsageError.
 */
export function refuseUnpreserved(run: PlannedRun, model: Model): void {
  const live = checksFor(run, model).liveness;
  if (live.length > 0 && !model.acyclic && model.partialOrder) {
    throw new UsageError(`--por does not preserve liveness on ${model.name}, whose state graph may have cycles (${live.map((p) => p.name).join(', ')}): drop --por, or select other properties with --invariant`);
  }
}

/** Runs one planned search. Async so the search can move to worker threads. */
export async function executeRun(
  run: PlannedRun,
  limits: Limits,
  onProgress?: (p: Progress) => void,
  pool?: SearchPool,
  jobs?: JobWorker,
): Promise<CompletedRun> {
  // The memory column: the whole job (search and analyses), not the search alone.
  const memory = new JobMemory();
  try {
    const done = await searchAndAnalyse(run, limits, onProgress, pool, jobs);
    return { ...done, result: { ...done.result, stats: { ...done.result.stats, peakRssBytes: memory.stop() } } };
  } finally {
    memory.stop(); // a job that threw stops sampling too
  }
}

/** executeRun without the memory measurement around it. */
async function searchAndAnalyse(
  run: PlannedRun,
  limits: Limits,
  onProgress: ((p: Progress) => void) | undefined,
  pool: SearchPool | undefined,
  jobs: JobWorker | undefined,
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
    por: limits.por ?? false,
    onProgress,
    progressEvery: 1,
    analyses: { liveness: analyses.liveness.map((p) => p.name), lockOrder: analyses.lockOrder },
  };
  // Workers rebuild the model through the registry; only an unregistered
  // family (a test fixture, which no worker can rebuild) is searched here.
  const registered = isRegistered(run.family);
  const recipe = recipeOf(run);
  const safety = registered ? await exploreParallel(model, recipe, pool ?? limits.workers ?? 1, opts) : explore(model, opts);
  // The analyses run in a worker thread too, so that the main thread stays
  // free to notice Ctrl-C and print progress. After an interruption they
  // stop at once (their rows are incomplete), so no thread is started for them.
  // Whatever the search settled in its own pass (lock order, liveness of an acyclic graph) is not redone.
  const left = remaining(safety, analyses);
  const wanted = left.liveness.length > 0 || left.lockOrder;
  const request = {
    kind: 'analyse',
    base: safety,
    liveness: left.liveness.map((p) => p.name),
    lockOrder: left.lockOrder,
    limits: { maxStates: opts.maxStates, maxDepth: opts.maxDepth, timeLimit: opts.timeLimit, maxMemoryBytes: opts.maxMemoryBytes, progressEvery: opts.progressEvery, por: opts.por },
  } as const;
  const result = !wanted
    ? safety
    : registered && !interrupted()
      ? jobs
        ? await jobs.run(recipe, request, onProgress)
        : await runJob(recipe, request)
      : withAnalyses(model, safety, analyses, opts);
  validateTraces(run, result.outcomes);
  return { run, model, result };
}

/**
 * Runs planned searches one after another on one pool of search worker
 * threads (one thread too: the main thread then stays free to notice Ctrl-C).
 * `limits` may differ per run (a config's runs carry their own); the worker
 * count is the first run's.
 */
export async function executeRuns(
  runs: readonly PlannedRun[],
  limits: Limits | ((run: PlannedRun, index: number) => Limits),
  onProgress?: (p: Progress) => void,
  afterEach?: (r: CompletedRun) => void,
): Promise<CompletedRun[]> {
  preflight(runs);
  const limitsOf = typeof limits === 'function' ? limits : () => limits;
  runs.forEach((run, i) => limitsOf(run, i).por && refuseUnpreserved(run, buildModel(run)));
  const workers = runs.length > 0 ? (limitsOf(runs[0], 0).workers ?? 1) : 1;
  const done: CompletedRun[] = [];
  let pool = new SearchPool(workers);
  const jobs = new JobWorker();
  try {
    for (const [i, run] of runs.entries()) {
      if (pool.broken) {
        await pool.close();
        pool = new SearchPool(workers);
      }
      const r = await executeRun(run, limitsOf(run, i), onProgress, pool, jobs);
      afterEach?.(r);
      done.push(r);
    }
  } finally {
    await Promise.all([pool.close(), jobs.close()]);
  }
  return done;
}

/** What simulate asks of one model (the runner adds the worker's share and the stop flag). */
export type SimulationRequest = Omit<SimulateOptions, 'shouldStop' | 'runOffset' | 'runStride'>;

/**
 * The random walks of one planned run on `workers` job worker threads: run
 * number r goes to worker r mod W, and the merged result is the same for any
 * worker count (engine/simulate.ts). A family no worker can rebuild (a test
 * fixture) runs its shares here, one after another.
 */
export async function executeSimulation(run: PlannedRun, request: SimulationRequest, workers: number): Promise<SimulationResult> {
  const n = Math.max(1, Math.min(workers, request.runs));
  const share = (w: number) => ({ ...request, runOffset: w, runStride: n });
  if (!isRegistered(run.family)) {
    const model = buildModel(run);
    return mergeSimulations(Array.from({ length: n }, (_, w) => simulate(model, { ...share(w), shouldStop: interrupted })), request.runs);
  }
  const recipe = recipeOf(run);
  const pool = Array.from({ length: n }, () => new JobWorker());
  try {
    const parts = await Promise.all(pool.map((job, w) => job.run(recipe, { kind: 'simulate', options: share(w) })));
    return mergeSimulations(parts, request.runs);
  } finally {
    await Promise.all(pool.map((job) => job.close()));
  }
}

/** What lock-order asks of one model. */
export type LockOrderRequest = { readonly maxStates?: number; readonly timeLimit?: number; readonly maxMemoryBytes?: number };

/**
 * The lock-order analyses of planned runs, up to `workers` at a time, each
 * on a job worker thread (one analysis is one search; the runs are
 * independent, so the results, in plan order, are the same for any count).
 */
export async function executeLockOrders(runs: readonly PlannedRun[], request: LockOrderRequest, workers: number): Promise<LockOrderResult[]> {
  const results: LockOrderResult[] = new Array(runs.length);
  let next = 0;
  const pool = Array.from({ length: Math.max(1, Math.min(workers, runs.length)) }, () => new JobWorker());
  try {
    await Promise.all(
      pool.map(async (job) => {
        for (let i = next++; i < runs.length; i = next++) {
          const run = runs[i];
          results[i] = isRegistered(run.family)
            ? await job.run(recipeOf(run), { kind: 'lock-order', options: request })
            : lockOrder(buildModel(run), { ...request, shouldStop: interrupted });
        }
      }),
    );
  } finally {
    await Promise.all(pool.map((job) => job.close()));
  }
  return results;
}

/**
 * Every counterexample is replayed against a freshly built model before
 * anything shows or writes it; one that does not replay is an internal
 * error, never a result.
 */
export function validateTraces(
  run: PlannedRun,
  found: readonly { readonly invariant: string; readonly description: string; readonly trace: Trace | null; readonly related?: readonly { readonly trace: Trace }[] }[],
): void {
  const fresh = buildModel(run);
  for (const o of found) {
    if (!o.trace) continue;
    for (const t of [o.trace, ...(o.related ?? []).map((x) => x.trace)]) {
      const r = replayTrace(fresh, t, o.invariant, o.description);
      if (!r.ok) {
        throw new ReplayFailure(`the counterexample for ${o.invariant} in ${fresh.name} does not replay (step ${r.step}: ${r.reason})`);
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

/** When searches were cut short but the exit code is 1 (a violation), a line that says both; else null. */
export function incompleteNote(done: readonly CompletedRun[], code: number): string | null {
  const cut = done.filter((r) => !r.result.complete).length;
  if (code !== EXIT.violation || cut === 0) return null;
  return `${cut} of ${done.length} search${done.length === 1 ? ' was' : 'es were'} cut short (incomplete); exit 1 for the violation found`;
}

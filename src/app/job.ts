// The application's worker thread for work that is one engine call per
// model — the analyses after a search (liveness, lock order), `simulate`'s
// random walks and `lock-order`'s lockdep-style analysis — so that no such
// call runs on the main thread, which stays free to notice Ctrl-C. One
// worker serves every call of a command in turn (starting a thread costs
// more than most calls), rebuilding each model from its recipe. An
// interruption sets a per-call shared stop flag that the engine polls; the
// call then ends as interrupted and its partial result comes back like any
// other.

import type { Worker } from 'node:worker_threads';
import type { LockOrderResult } from '../engine/lock-order.js';
import type { ModelRecipe } from '../engine/recipe.js';
import type { ExploreOptions, ExploreResult, Progress } from '../engine/result.js';
import type { SimulateOptions, SimulationResult } from '../engine/simulate.js';
import { spawnBeside } from '../engine/spawn.js';
import { interrupted } from './interrupt.js';

export type AnalysisLimits = Pick<ExploreOptions, 'por' | 'maxStates' | 'maxDepth' | 'timeLimit' | 'maxMemoryBytes' | 'progressEvery'>;

export type JobRequest =
  | { readonly kind: 'simulate'; readonly options: Omit<SimulateOptions, 'shouldStop'> }
  | { readonly kind: 'lock-order'; readonly options: { readonly maxStates?: number; readonly timeLimit?: number; readonly maxMemoryBytes?: number } }
  | { readonly kind: 'analyse'; readonly base: ExploreResult; readonly liveness: readonly string[]; readonly lockOrder: boolean; readonly limits: AnalysisLimits };

export interface JobMessage {
  readonly recipe: ModelRecipe;
  readonly request: JobRequest;
  /** One Int32: 1 = stop. */
  readonly stop: SharedArrayBuffer;
}

export type JobReply =
  | { readonly kind: 'progress'; readonly progress: Progress }
  | { readonly kind: 'done'; readonly result: unknown }
  | { readonly kind: 'error'; readonly message: string; readonly capacity: boolean };

type ResultOf<R extends JobRequest> = R extends { kind: 'simulate' } ? SimulationResult : R extends { kind: 'lock-order' } ? LockOrderResult : ExploreResult;

/** A worker thread that runs jobs one at a time; close() ends it. */
export class JobWorker {
  private worker: Worker | null = null;

  /** Runs `request` on the model of `recipe`; a worker that fails is replaced for the next call. */
  run<R extends JobRequest>(recipe: ModelRecipe, request: R, onProgress?: (p: Progress) => void): Promise<ResultOf<R>> {
    const worker = (this.worker ??= spawnBeside(import.meta.url, 'job-worker'));
    const stop = new SharedArrayBuffer(4);
    const flag = new Int32Array(stop);
    return new Promise((resolve, reject) => {
      let settled = false;
      const poll = setInterval(() => {
        if (interrupted()) Atomics.store(flag, 0, 1);
      }, 50);
      const finish = (f: () => void, broken = false) => {
        if (settled) return;
        settled = true;
        clearInterval(poll);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (broken) this.discard();
        f();
      };
      const onMessage = (m: JobReply) => {
        if (m.kind === 'progress') onProgress?.(m.progress);
        else if (m.kind === 'done') finish(() => resolve(m.result as ResultOf<R>));
        else if (m.capacity && request.kind === 'analyse') finish(() => resolve({ ...request.base, complete: false, stopReason: 'max-memory' } as ResultOf<R>), true);
        else finish(() => reject(new Error(m.message)), true);
      };
      const onError = (e: Error) => finish(() => reject(new Error(`${request.kind} worker failed: ${e.message}`)), true);
      const onExit = (code: number) => finish(() => reject(new Error(`${request.kind} worker exited (code ${code}) without a result`)), true);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      const message: JobMessage = { recipe, request, stop };
      worker.postMessage(message);
    });
  }

  private discard(): void {
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

/** Runs one request in a worker of its own (simulate, lock-order: one call per model). */
export async function runJob<R extends JobRequest>(recipe: ModelRecipe, request: R, worker?: JobWorker): Promise<ResultOf<R>> {
  const own = worker ?? new JobWorker();
  try {
    return await own.run(recipe, request);
  } finally {
    if (!worker) await own.close();
  }
}

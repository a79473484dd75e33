// Running the analyses (analyses.ts) in a worker thread for a model named by
// a recipe: the messages both sides exchange, and the main-thread side, which
// forwards progress, turns an interruption into the shared stop flag, and
// returns the merged result.

import type { ExploreOptions, ExploreResult, Progress } from './result.js';
import type { ModelRecipe } from './recipe.js';
import { spawnBeside } from './spawn.js';
import { remaining } from './analyses.js';

export interface AnalysisJob {
  readonly recipe: ModelRecipe;
  readonly base: ExploreResult;
  readonly liveness: readonly string[];
  readonly lockOrder: boolean;
  readonly limits: Pick<ExploreOptions, 'maxStates' | 'maxDepth' | 'timeLimit' | 'maxMemoryBytes' | 'progressEvery'>;
  /** One Int32: set to 1 to stop (the run then ends as interrupted). */
  readonly stop: SharedArrayBuffer;
}

export type AnalysisReply =
  | { readonly kind: 'progress'; readonly progress: Progress }
  | { readonly kind: 'done'; readonly result: ExploreResult }
  | { readonly kind: 'error'; readonly message: string; readonly capacity: boolean };

/** withAnalyses() in a worker thread; `opts.shouldStop` is polled here and passed on. */
export function analyseInWorker(
  recipe: ModelRecipe,
  base: ExploreResult,
  req: { readonly liveness: readonly string[]; readonly lockOrder: boolean },
  opts: ExploreOptions,
): Promise<ExploreResult> {
  // Whatever the search settled in its own pass is not redone.
  const left = remaining(base, { liveness: req.liveness.map((name) => ({ name })), lockOrder: req.lockOrder });
  if (left.liveness.length === 0 && !left.lockOrder) return Promise.resolve(base);
  req = { liveness: left.liveness.map((p) => p.name), lockOrder: left.lockOrder };
  const stop = new SharedArrayBuffer(4);
  const flag = new Int32Array(stop);
  const worker = spawnBeside(import.meta.url, 'analysis-worker');
  const job: AnalysisJob = {
    recipe,
    base,
    liveness: req.liveness,
    lockOrder: req.lockOrder,
    limits: { maxStates: opts.maxStates, maxDepth: opts.maxDepth, timeLimit: opts.timeLimit, maxMemoryBytes: opts.maxMemoryBytes, progressEvery: opts.progressEvery },
    stop,
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const poll = setInterval(() => {
      if (opts.shouldStop?.()) Atomics.store(flag, 0, 1);
    }, 50);
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      void worker.terminate();
      f();
    };
    worker.on('message', (m: AnalysisReply) => {
      if (m.kind === 'progress') opts.onProgress?.(m.progress);
      else if (m.kind === 'done') finish(() => resolve(m.result));
      else if (m.capacity) finish(() => resolve({ ...base, complete: false, stopReason: 'max-memory' }));
      else finish(() => reject(new Error(`analysis worker failed: ${m.message}`)));
    });
    worker.on('error', (e) => finish(() => reject(new Error(`analysis worker failed: ${e.message}`))));
    worker.on('exit', (code) => finish(() => reject(new Error(`analysis worker exited (code ${code}) without a result`))));
    worker.postMessage(job);
  });
}

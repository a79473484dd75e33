// Worker-thread entry for the analyses after a search (analyses.ts): the
// liveness graph and lock order are long synchronous loops, and running them
// here keeps the main thread free to notice Ctrl-C and print progress. The
// model is rebuilt from its recipe, as the search workers do.

import { parentPort } from 'node:worker_threads';
import { withAnalyses } from './analyses.js';
import { isCapacityError } from './bfs.js';
import { loadModel } from './recipe.js';
import type { AnalysisJob, AnalysisReply } from './analysis-job.js';

const port = parentPort;
if (!port) throw new Error('analysis-worker.ts must run in a worker thread');

port.once('message', async (job: AnalysisJob) => {
  const send = (m: AnalysisReply) => port.postMessage(m);
  try {
    const model = await loadModel(job.recipe);
    const stop = new Int32Array(job.stop);
    const result = withAnalyses(
      model,
      job.base,
      { liveness: (model.liveness ?? []).filter((p) => job.liveness.includes(p.name)), lockOrder: job.lockOrder },
      {
        ...job.limits,
        shouldStop: () => Atomics.load(stop, 0) === 1,
        onProgress: (p) => send({ kind: 'progress', progress: p }),
      },
    );
    send({ kind: 'done', result });
  } catch (e) {
    send({ kind: 'error', message: (e as Error).message, capacity: isCapacityError(e) });
  }
});

// Worker-thread entry of app/job.ts: for each message, rebuilds the model
// from its recipe and runs one analysis, simulation or lock-order call,
// polling the message's stop flag.

import { parentPort } from 'node:worker_threads';
import { withAnalyses } from '../engine/analyses.js';
import { isCapacityError } from '../engine/bfs.js';
import { lockOrder } from '../engine/lock-order.js';
import { loadModel } from '../engine/recipe.js';
import { simulate } from '../engine/simulate.js';
import type { JobMessage, JobReply } from './job.js';

const port = parentPort;
if (!port) throw new Error('job-worker.ts must run in a worker thread');

port.on('message', async ({ recipe, request, stop }: JobMessage) => {
  const send = (m: JobReply) => port.postMessage(m);
  try {
    const model = await loadModel(recipe);
    const flag = new Int32Array(stop);
    const shouldStop = () => Atomics.load(flag, 0) === 1;
    let result: unknown;
    if (request.kind === 'simulate') result = simulate(model, { ...request.options, shouldStop });
    else if (request.kind === 'lock-order') result = lockOrder(model, { ...request.options, shouldStop });
    else {
      const liveness = (model.liveness ?? []).filter((p) => request.liveness.includes(p.name));
      result = withAnalyses(model, request.base, { liveness, lockOrder: request.lockOrder }, {
        ...request.limits,
        shouldStop,
        onProgress: (p) => send({ kind: 'progress', progress: p }),
      });
    }
    send({ kind: 'done', result });
  } catch (e) {
    send({ kind: 'error', message: (e as Error).message, capacity: isCapacityError(e) });
  }
});

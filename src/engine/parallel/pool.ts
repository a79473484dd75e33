// The pool of search worker threads: started once per run and reused by
// every search of it, with request/reply messaging and failure handling (a
// failed or crashed worker rejects the pending request and breaks the pool,
// so a run fails clearly instead of hanging).

import type { Worker } from 'node:worker_threads';
import { spawnBeside } from '../spawn.js';
import { availableParallelism } from 'node:os';
import type { Progress } from '../result.js';
import type { FromWorker, ToWorker } from './protocol.js';

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** A worker ran out of addressable memory: the search ends as incomplete (max-memory). */
export class CapacityFailure extends Error {}

/**
 * Search worker threads, started once and reused by every search of a run
 * (starting a thread and compiling the model in it costs a fraction of a
 * second). A worker failure breaks the pool: the current search rejects and
 * so does every later one.
 */
export class SearchPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, (m: FromWorker) => void>();
  private failure: Error | null = null;
  private onFailure: ((e: Error) => void) | null = null;
  private closed = false;
  /** Receives progress reports of a sequential search running in a worker. */
  onProgress: ((p: Progress) => void) | null = null;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const w = spawnBeside(import.meta.url, 'worker');
      w.on('message', (m: FromWorker) => {
        if (m.type === 'error') {
          const msg = `search worker ${i} failed: ${m.message}`;
          return this.fail(m.capacity ? new CapacityFailure(msg) : new Error(msg));
        }
        if (m.type === 'progress') return this.onProgress?.(m.progress);
        const k = this.waiting.get(i);
        this.waiting.delete(i);
        k?.(m);
      });
      w.on('error', (e) => this.fail(new Error(`search worker ${i} crashed: ${e.message}`)));
      w.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`search worker ${i} exited with code ${code}`));
      });
      this.workers.push(w);
    }
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    this.onFailure?.(e);
  }

  /** The failure that broke the pool, if any (a broken pool rejects every request). */
  get broken(): Error | null {
    return this.failure;
  }

  /** Send a message to worker i only and wait for its reply. */
  ask<T extends FromWorker>(i: number, msg: ToWorker): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.onFailure = reject;
      this.waiting.set(i, (m) => resolve(m as T));
      this.workers[i].postMessage(msg);
    });
  }

  /** Send a message to every worker and wait for each one's reply. */
  collect<T extends FromWorker>(send: (i: number) => ToWorker): Promise<T[]> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.onFailure = reject;
      const out: T[] = new Array(this.workers.length);
      let pending = this.workers.length;
      this.workers.forEach((w, i) => {
        this.waiting.set(i, (m) => {
          out[i] = m as T;
          if (--pending === 0) resolve(out);
        });
        w.postMessage(send(i));
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.onFailure = null;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

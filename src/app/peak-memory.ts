// The memory a whole job took: its search and the analyses after it.
//
// The engine stamps a search's result with the process's peak RSS when the
// search ends, before the liveness and lock-order analyses that follow it
// (in a worker thread) build their own state graphs — so the memory column
// left those out. A job is measured here instead, from its start to its end:
// when the process reaches a new peak during the job, the kernel's maximum
// RSS is exactly the job's peak; otherwise (an earlier job went higher) the
// largest RSS sampled while the job ran is.

/** Milliseconds between RSS samples while a job runs. */
const SAMPLE_EVERY_MS = 20;

const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;

export class JobMemory {
  readonly #maxBefore = maxRssBytes();
  #sampled = process.memoryUsage.rss();
  readonly #timer: ReturnType<typeof setInterval>;

  constructor() {
    this.#timer = setInterval(() => this.#sample(), SAMPLE_EVERY_MS);
    this.#timer.unref();
  }

  #sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.#sampled) this.#sampled = rss;
  }

  /** Stops sampling; the job's peak RSS in bytes. */
  stop(): number {
    clearInterval(this.#timer);
    this.#sample();
    const maxAfter = maxRssBytes();
    return maxAfter > this.#maxBefore ? maxAfter : this.#sampled;
  }
}

// Whether the user asked the run to stop (Ctrl-C or SIGTERM). main.ts sets
// it from its signal handlers; searches poll it and end as `interrupted`
// (incomplete), so partial results are still reported. A wait that no poll
// can reach (reading a FIFO or a terminal) races against it instead.

import { Interrupted } from './errors.js';

let requested = false;
const listeners = new Set<() => void>();

export function requestInterrupt(): void {
  requested = true;
  for (const l of [...listeners]) l();
}

export function interrupted(): boolean {
  return requested;
}

/** `p`, or an Interrupted error (`what` says what was cut short) as soon as an interruption is requested. */
export function unlessInterrupted<T>(p: Promise<T>, what: string): Promise<T> {
  if (requested) return Promise.reject(new Interrupted(`interrupted while ${what}`));
  return new Promise<T>((resolve, reject) => {
    const onStop = () => {
      listeners.delete(onStop);
      reject(new Interrupted(`interrupted while ${what}`));
    };
    listeners.add(onStop);
    p.then(
      (v) => {
        listeners.delete(onStop);
        resolve(v);
      },
      (e) => {
        listeners.delete(onStop);
        reject(e);
      },
    );
  });
}

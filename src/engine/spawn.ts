// Starting a worker thread from a module next to the caller: the compiled
// .js file, or, when the caller runs from TypeScript source (the test
// runner), the .ts file loaded through tsx's loader registered inside the
// new thread.

import { Worker } from 'node:worker_threads';

/** A worker running `name` (without extension), resolved against `base` (the caller's import.meta.url). */
export function spawnBeside(base: string, name: string): Worker {
  if (!base.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, base));
  const entry = JSON.stringify(new URL(`./${name}.ts`, base).href);
  const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${entry}); })`;
  return new Worker(boot, { eval: true });
}

// A model recipe: how a worker thread builds the same model as the main
// thread. Functions cannot cross threads, so a model is named by the ES
// module that builds it, the export to call and plain-data arguments.

import type { Model } from './model.js';

export interface ModelRecipe {
  /** URL (file:) of an ES module. */
  readonly module: string;
  /** Name of an exported function returning a Model (or a promise of one). */
  readonly export: string;
  /** Structured-cloneable arguments. */
  readonly args: readonly unknown[];
}

export async function loadModel(recipe: ModelRecipe): Promise<Model> {
  const mod = (await import(recipe.module)) as Record<string, unknown>;
  const fn = mod[recipe.export];
  if (typeof fn !== 'function') throw new Error(`${recipe.module} has no function export ${recipe.export}`);
  return (await (fn as (...a: unknown[]) => Model | Promise<Model>)(...recipe.args)) as Model;
}

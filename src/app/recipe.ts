// Builds a registered model from plain data, so that search workers can
// construct the same model as the main thread (see engine/recipe.ts).

import type { Model } from '../engine/model.js';
import type { ModelFamily } from '../engine/catalog.js';
import type { ModelRecipe } from '../engine/recipe.js';
import { FAMILIES } from './registry.js';
import { ensurePlugins, loadedPlugins } from './plugins.js';

export function buildRegistered(
  family: string,
  params: Record<string, number>,
  strategy: string | null,
  scenario: string | null,
): Model {
  const fam = FAMILIES.find((f) => f.name === family);
  if (!fam) throw new Error(`unknown model family ${family}`);
  return fam.build({
    params,
    ...(strategy !== null ? { strategy } : {}),
    ...(scenario !== null ? { scenario } : {}),
  });
}

/** In a worker thread: load the main thread's plugin files, then build as buildRegistered. */
export async function buildWithPlugins(
  plugins: readonly string[],
  family: string,
  params: Record<string, number>,
  strategy: string | null,
  scenario: string | null,
): Promise<Model> {
  await ensurePlugins(plugins);
  return buildRegistered(family, params, strategy, scenario);
}

export function registeredRecipe(
  family: string,
  params: Record<string, number>,
  strategy: string | null,
  scenario: string | null,
): ModelRecipe {
  const plugins = loadedPlugins().map((p) => p.file);
  if (plugins.length === 0) return { module: import.meta.url, export: 'buildRegistered', args: [family, params, strategy, scenario] };
  return { module: import.meta.url, export: 'buildWithPlugins', args: [plugins, family, params, strategy, scenario] };
}

/** Whether a worker thread can rebuild the family's models (it is in the registry). */
export function isRegistered(family: ModelFamily): boolean {
  return FAMILIES.includes(family);
}

/** The recipe of a planned run's model. */
export function recipeOf(run: { readonly family: ModelFamily; readonly params: Readonly<Record<string, number>>; readonly strategy: string | null; readonly scenario: string | null }): ModelRecipe {
  return registeredRecipe(run.family.name, { ...run.params }, run.strategy, run.scenario);
}

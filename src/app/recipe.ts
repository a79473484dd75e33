// Builds a registered model from plain data, so that search workers can
// construct the same model as the main thread (see engine/recipe.ts).

import type { Model } from '../engine/model.js';
import type { ModelRecipe } from '../engine/recipe.js';
import { FAMILIES } from './registry.js';

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

export function registeredRecipe(
  family: string,
  params: Record<string, number>,
  strategy: string | null,
  scenario: string | null,
): ModelRecipe {
  return { module: import.meta.url, export: 'buildRegistered', args: [family, params, strategy, scenario] };
}

// The model families loopcheck knows, for every command and the CI gate:
// each family carries its strategies and scenarios. Adding a model is one
// import and one entry here; the engine never imports models.

import type { ModelFamily } from '../engine/catalog.js';
import { loopFamily } from '../../models/loop/index.js';
import { philosophersFamily, philosophersValuesFamily } from '../../models/philosophers/index.js';

const families: ModelFamily[] = [loopFamily, philosophersFamily, philosophersValuesFamily];

/** Every family, built-in and loaded from plugin files (see plugins.ts). */
export const FAMILIES: readonly ModelFamily[] = families;

/** The family `verify` runs when no --model is given (a live binding: plugins may extend it). */
export let DEFAULT_FAMILY: ModelFamily = loopFamily;

/** Plugins: replace a family by its extended self (same name), or add a new one. */
export function registerFamily(family: ModelFamily): void {
  const i = families.findIndex((f) => f.name === family.name);
  if (i >= 0) {
    if (families[i] === DEFAULT_FAMILY) DEFAULT_FAMILY = family;
    families[i] = family;
  } else {
    families.push(family);
  }
}

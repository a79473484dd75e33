// The model families loopcheck knows, for every command and the CI gate:
// each family carries its strategies and scenarios. Adding a model is one
// import and one entry here; the engine never imports models.

import type { ModelFamily } from '../engine/catalog.js';
import { loopFamily } from '../../models/loop/index.js';
import { philosophersFamily } from '../../models/philosophers/index.js';

export const FAMILIES: readonly ModelFamily[] = [loopFamily, philosophersFamily];

/** The family `verify` runs when no --model is given. */
export const DEFAULT_FAMILY = FAMILIES.find((f) => f.name === 'loop') ?? FAMILIES[0];

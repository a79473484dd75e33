// Strategy registry. Adding a strategy = one new file + one line here.

import type { Strategy } from './types.js';
import { prePatch } from './pre-patch.js';
import { postPatch } from './post-patch.js';

export const STRATEGIES: readonly Strategy[] = [prePatch, postPatch];

export type { Strategy, StrategyFns } from './types.js';

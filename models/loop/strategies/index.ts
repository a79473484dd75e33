// Strategy registry. Adding a strategy = one new file + one line here.

import type { Strategy } from './types.js';
import { prePatch } from './pre-patch.js';
import { postPatch } from './post-patch.js';
import { v5_17 } from './v5-17.js';
import { v6_11 } from './v6-11.js';

export const STRATEGIES: readonly Strategy[] = [prePatch, postPatch, v5_17, v6_11];

export type { Strategy, StrategyFns } from './types.js';

// Command-line option plumbing shared by the commands: parsers for numeric
// options (each rejects junk with a UsageError instead of letting NaN or a
// negative bound reach the engine), the repeatable-option collector, and the
// flag shapes for selecting models and limiting searches.

import { UsageError } from './errors.js';

export function positiveInt(flag: string) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw.trim())) throw new UsageError(`${flag} needs a positive integer, got '${raw}'`);
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag} needs a positive integer, got '${raw}'`);
    return n;
  };
}

export function nonNegativeInt(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new UsageError(`${flag} needs a non-negative integer, got '${raw}'`);
    return n;
  };
}

/**
 * The longest --time-limit, in seconds: timers hold at most 2^31 - 1 ms, and a
 * longer one fires at once (Node warns and uses 1 ms), which would stop the
 * search immediately as incomplete.
 */
export const MAX_TIME_LIMIT_S = 2_147_483;

export function positiveNumber(flag: string, max = Infinity) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} needs a positive number, got '${raw}'`);
    if (n > max) throw new UsageError(`${flag} needs a positive number up to ${max}, got '${raw}'`);
    return n;
  };
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** What commands that run models take to select them (commander's parsed flags). */
export interface SelectionFlags {
  model?: string;
  param?: string[];
  strategy?: string[];
  scenario?: string[];
  invariant?: string[];
}

/** The search limits shared by verify, compare and init. */
export interface LimitFlags {
  maxStates?: number;
  maxDepth?: number;
  timeLimit?: number;
}

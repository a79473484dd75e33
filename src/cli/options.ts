// Parsers for numeric command-line options. Each rejects junk with a
// UsageError instead of letting NaN or a negative bound reach the engine.

import { UsageError } from './errors.js';

export function positiveInt(flag: string) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw.trim())) throw new UsageError(`${flag} needs a positive integer, got '${raw}'`);
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag} needs a positive integer, got '${raw}'`);
    return n;
  };
}

export function positiveNumber(flag: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} needs a positive number, got '${raw}'`);
    return n;
  };
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

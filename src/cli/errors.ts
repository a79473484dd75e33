// The one error type that means "the user asked for something impossible":
// main.ts prints its message as a single line and exits with code 2.

export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT = {
  ok: 0,
  violation: 1,
  usage: 2,
  incomplete: 3,
} as const;

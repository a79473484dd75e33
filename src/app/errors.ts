// The errors that end a command with their own exit code (exit-codes.ts).
// Every command throws these; main.ts prints the message as one line and
// exits with the code the error's class names. Anything else is an internal
// error. Errors crossing a worker thread arrive as plain messages, so a model
// bound is also recognised by its wording (see isModelBoundMessage).

import { EXIT } from './exit-codes.js';

export { EXIT } from './exit-codes.js';

/** The user asked for something impossible: bad option, name, path or input file (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A report, trace file or stdout could not be written (exit 4). `file` names it ('stdout' for stdout). */
export class OutputError extends Error {
  override name = 'OutputError';
  constructor(
    readonly file: string,
    cause: string,
  ) {
    super(`cannot write ${file}: ${cause}`);
  }
}

/** A counterexample the search found does not replay against a fresh model (exit 6). */
export class ReplayFailure extends Error {
  override name = 'ReplayFailure';
}

/** The run was interrupted (Ctrl-C, SIGTERM) where no partial result can be shown (exit 3). */
export class Interrupted extends Error {
  override name = 'Interrupted';
}

/**
 * A model says a bound of its own was too small for the run (the loop
 * model's struct file table, a call stack depth). Models throw plain errors
 * whose message says "model bound too small"; the call-stack depth message
 * is recognised too.
 */
export function isModelBoundMessage(message: string): boolean {
  return /model bound too small|call stack deeper than \d+ frames/.test(message);
}

/** The exit code for an error thrown by a command. */
export function exitCodeForError(e: unknown): number {
  if (e instanceof UsageError) return EXIT.usage;
  if (e instanceof OutputError) return EXIT.output;
  if (e instanceof ReplayFailure) return EXIT.replayFailed;
  if (e instanceof Interrupted) return EXIT.incomplete;
  if (isModelBoundMessage((e as Error)?.message ?? '')) return EXIT.modelBound;
  return EXIT.internal;
}

/** A one-word description of an errno-style failure (ENOSPC: no space left on device). */
export function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const known: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EISDIR: 'is a directory',
    ENOTDIR: 'a parent is not a directory',
    ENOSPC: 'no space left on device',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    ENAMETOOLONG: 'file name too long',
    EPIPE: 'broken pipe',
    EDQUOT: 'disk quota exceeded',
    EFBIG: 'file too large',
    EIO: 'input/output error',
  };
  return (err?.code && known[err.code]) ?? err?.code ?? err?.message ?? String(e);
}

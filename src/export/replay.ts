// Replaying a trace file read back from disk (`replay`, `export`): the
// loaded file's trace against the model it names, by the application
// core's replay check (app/replay.ts).

import { replayTrace, type ReplayOutcome } from '../app/replay.js';
import type { LoadedTrace } from './trace-json.js';

export type { FieldDiff, ReplayOutcome } from '../app/replay.js';

export function replay(loaded: LoadedTrace): ReplayOutcome {
  return replayTrace(loaded.model, loaded.recorded, loaded.file.invariant, loaded.description);
}

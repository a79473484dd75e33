// C data tables for an InitDesc, shared by the probe and the reproducers.
//
// Exists so both generators describe a scenario's initial state the same way
// (struct init_desc of runtime.ts) and respect the same size limits.

import type { InitDesc } from '../../../models/loop/scenarios/types.js';

/** The fixed array sizes of the C runtime (MAXDEV, MAXTAB, MAXSLOT). */
export const LIMITS = { devices: 8, tables: 8, slots: 8 } as const;

/** Emits `<prefix>_bound`, `<prefix>_files`, `<prefix>_fds` and a `#define <prefix>_init { … }` initializer. */
export function initTables(prefix: string, init: InitDesc): string {
  const bound = init.bound.map((b) => `{ ${b.dev}, ${b.backing === 'regular' ? -1 : b.backing.file}, ${b.ro ? 1 : 0}, ${b.partscan ? 1 : 0} }`);
  const fds = init.fds.map((f) => `{ ${f.table}, ${f.slot}, ${f.file} }`);
  if (init.files.length > LIMITS.slots * LIMITS.tables) throw new Error(`too many initial struct files (${init.files.length})`);
  return [
    `static const struct init_bound ${prefix}_bound[] = { ${bound.length > 0 ? bound.join(', ') : '{ 0, 0, 0, 0 }'} };`,
    `static const int ${prefix}_files[] = { ${init.files.length > 0 ? init.files.join(', ') : '0'} };`,
    `static const struct init_fd ${prefix}_fds[] = { ${fds.length > 0 ? fds.join(', ') : '{ 0, 0, 0 }'} };`,
    `#define ${prefix}_init { ${init.bound.length}, ${prefix}_bound, ${init.files.length}, ${prefix}_files, ${init.fds.length}, ${prefix}_fds }`,
    '',
  ].join('\n');
}

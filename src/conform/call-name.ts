// Names of probe calls for people (reports, reproducer comments), covering the
// calls conform runs beyond the model's Call (probe-plan.ts, ExtraCall).

import { callName, type Call } from '../../models/loop/calls.js';
import type { ProbeOp } from './probe-plan.js';

export function probeCallName(c: ProbeOp): string {
  if (c.op === 'configure')
    return `ioctl(fd${c.fd}, LOOP_CONFIGURE, ${c.backing === 'regular' ? 'regular file' : `fd${c.backing}`}${c.flags.length > 0 ? `, ${c.flags.map((f) => f.toUpperCase()).join('|')}` : ''})`;
  // The probe opens a partition with op 'open' and a part; the model's Call names that 'open_part'.
  if (c.op === 'open' && 'part' in c && c.part) return callName({ op: 'open_part', dev: c.dev, part: c.part, fd: c.fd });
  return callName(c as Call);
}

// Names of probe calls for people (reports, reproducer comments), covering the
// calls conform runs beyond the model's Call (probe-plan.ts, ExtraCall).

import { callName, type Call } from '../../models/loop/calls.js';
import type { ProbeOp } from './probe-plan.js';

const dn = (x: number): string => String.fromCharCode(65 + x);
const node = (dev: number, part: number | undefined): string => `/dev/loop${dn(dev)}${part ? `p${part}` : ''}`;

export function probeCallName(c: ProbeOp): string {
  if (c.op === 'configure')
    return `ioctl(fd${c.fd}, LOOP_CONFIGURE, ${c.backing === 'regular' ? 'regular file' : `fd${c.backing}`}${c.flags.length > 0 ? `, ${c.flags.map((f) => f.toUpperCase()).join('|')}` : ''})`;
  if ('part' in c && c.part) {
    switch (c.op) {
      case 'open':
        return `open(${node(c.dev, c.part)}) -> fd${c.fd}`;
      case 'mount':
        return `mount(${node(c.dev, c.part)})`;
      case 'umount':
        return `umount(${node(c.dev, c.part)})`;
      case 'mount_read':
        return `read via mount of ${node(c.dev, c.part).slice(5)}`;
    }
  }
  return callName(c as Call);
}

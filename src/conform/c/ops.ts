// The op → C mapping of the probe: one row per Call op.
//
// Exists so adding a system call (issue #13: LOOP_CONFIGURE, partition opens,
// partition mounts) is one new row here: its C enum name, how the Call's
// fields become the three integer arguments of a `struct pcall`, and the C
// handler that performs it and writes the canonical outcome string.
//
// Handler contract (C): `static void NAME(struct ctx *c, const struct pcall *p, char *out)`
// with p->table (fd table), p->a, p->b, p->c (op-specific), out (>= 64 bytes).
// Helpers available: slot_fd, set_slot, node_of, mnt_of, set_err, classify,
// open_backing, dev_pattern, part_pattern, file_pattern (see runtime.ts).
// A read through a partition's fd is compared with partition 1's data.

import type { LoopFlag, ProbeOp } from '../probe-plan.js';

export interface OpSpec {
  /** C enum constant. */
  readonly cEnum: string;
  /** The three integer arguments (a, b, c) of the call. */
  args(call: ProbeOp): readonly [number, number, number];
  /** The C handler's definition. */
  readonly cHandler: string;
  readonly cName: string;
}

/** Backing argument: a table slot, or -1 for the regular backing file. */
export const backingArg = (b: number | 'regular'): number => (b === 'regular' ? -1 : b);

function op<O extends ProbeOp['op']>(
  name: O,
  args: (c: Extract<ProbeOp, { op: O }>) => readonly [number, number, number],
  body: string,
): OpSpec {
  const cName = `op_${name}`;
  return {
    cEnum: `OP_${name.toUpperCase()}`,
    cName,
    args: (c) => args(c as Extract<ProbeOp, { op: O }>),
    cHandler: `static void ${cName}(struct ctx *c, const struct pcall *p, char *out)\n{\n${body}\n}\n`,
  };
}

/** Shared body of LOOP_SET_FD / LOOP_CHANGE_FD: a slot's fd, or the regular file opened for the call. */
const bindBody = (request: string): string => `\
\tint bfd = p->b < 0 ? open_backing(O_RDWR) : slot_fd(c, p->table, p->b);
\tint r = ioctl(slot_fd(c, p->table, p->a), ${request}, bfd);
\tint e = errno;
\tif (p->b < 0 && bfd >= 0) close(bfd);
\tif (r < 0) { set_err(out, e); return; }
\tstrcpy(out, "ok");
\tint dev = c->fddev[p->table][p->a];
\tif (dev >= 0) c->origin[dev] = backing_origin(c, p->table, p->b);`;

/** LO_FLAGS_* bits of the flags a configure call names. */
export const LOOP_FLAG_BITS: Readonly<Record<LoopFlag, number>> = { read_only: 1, autoclear: 4, partscan: 8 };
const flagBits = (flags: readonly LoopFlag[]): number => flags.reduce((n, f) => n | LOOP_FLAG_BITS[f], 0);
const partOf = (c: object): number => ('part' in c && typeof c.part === 'number' ? c.part : 0);

/** open(2) of the device node, or of partition p->c of it (the model's open_part). */
const OPEN_BODY = `\
\tchar node[64];
\tpart_node_of(node, c->idx[p->b], p->c);
\tint fd = open(node, O_RDWR);
\tif (fd < 0) { set_err(out, errno); return; }
\tset_slot(c, p->table, p->a, fd);
\tc->fdpart[p->table][p->a] = p->c;
\tc->fddev[p->table][p->a] = p->b;
\tstrcpy(out, "ok");`;

export const OPS: { readonly [K in ProbeOp['op']]: OpSpec } = {
  open: op('open', (c) => [c.fd, c.dev, partOf(c)], OPEN_BODY),
  open_part: op('open_part', (c) => [c.fd, c.dev, c.part], OPEN_BODY),
  close: op('close', (c) => [c.fd, 0, 0], `\
\tint fd = slot_fd(c, p->table, p->a);
\tc->fdt[p->table][p->a] = -1;
\tif (close(fd) < 0) set_err(out, errno); else strcpy(out, "ok");`),
  clr: op('clr', (c) => [c.fd, 0, 0], `\
\tif (ioctl(slot_fd(c, p->table, p->a), LOOP_CLR_FD, 0) < 0) set_err(out, errno); else strcpy(out, "ok");`),
  set_fd: op('set_fd', (c) => [c.fd, backingArg(c.backing), 0], bindBody('LOOP_SET_FD')),
  change_fd: op('change_fd', (c) => [c.fd, backingArg(c.backing), 0], bindBody('LOOP_CHANGE_FD')),
  read: op('read', (c) => [c.fd, 0, 0], `\
\tunsigned char buf[BUFSZ];
\tssize_t n = pread(slot_fd(c, p->table, p->a), buf, BUFSZ, 0);
\tint e = errno;
\tclassify(out, n, e, buf, slot_pattern(c, p->table, p->a));`),
  mount: op('mount', (c) => [c.dev, partOf(c), 0], `\
\tchar node[64], mnt[64];
\tpart_node_of(node, c->idx[p->a], p->b);
\tpart_mnt_of(mnt, c->idx[p->a], p->b);
\tmkdir(mnt, 0755);
\tif (mount(node, mnt, FS_TYPE, MS_RDONLY, NULL) < 0) { set_err(out, errno); return; }
\tc->mounted[p->a] = 1;
\tstrcpy(out, "ok");`),
  umount: op('umount', (c) => [c.dev, partOf(c), 0], `\
\tchar mnt[64];
\tpart_mnt_of(mnt, c->idx[p->a], p->b);
\tif (umount2(mnt, 0) < 0) { set_err(out, errno); return; }
\tc->mounted[p->a] = 0;
\tstrcpy(out, "ok");`),
  mount_read: op('mount_read', (c) => [c.dev, partOf(c), 0], `\
\tchar path[96];
\tpart_mnt_of(path, c->idx[p->a], p->b);
\tstrcat(path, "/" DATA_NAME);
\tint fd = open(path, O_RDONLY);
\tif (fd < 0) { set_err(out, errno); return; }
\tposix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
\tunsigned char buf[BUFSZ];
\tssize_t n = pread(fd, buf, BUFSZ, 0);
\tint e = errno;
\tclose(fd);
\tclassify(out, n, e, buf, file_pattern);`),
  configure: op('configure', (c) => [c.fd, backingArg(c.backing), flagBits(c.flags)], `\
\tstruct loop_config cfg;
\tmemset(&cfg, 0, sizeof cfg);
\tcfg.fd = p->b < 0 ? open_backing((p->c & LO_FLAGS_READ_ONLY) ? O_RDONLY : O_RDWR) : slot_fd(c, p->table, p->b);
\tcfg.info.lo_flags = (uint32_t)p->c;
\tint r = ioctl(slot_fd(c, p->table, p->a), LOOP_CONFIGURE, &cfg);
\tint e = errno;
\tif (p->b < 0 && (int)cfg.fd >= 0) close((int)cfg.fd);
\tif (r < 0) { set_err(out, e); return; }
\tstrcpy(out, "ok");
\tint dev = c->fddev[p->table][p->a];
\tif (dev >= 0) c->origin[dev] = backing_origin(c, p->table, p->b);`),
};

export const OP_ORDER = Object.keys(OPS) as (keyof typeof OPS)[];

/** The call record every handler receives (op, calling thread, its fd table, three op arguments). */
export const C_PCALL = 'struct pcall { int op, thread, table, a, b, c; };\n';

/** The enum of ops (needed before the handlers), then the handlers and their dispatch table. */
export const cOpEnum = (): string => `enum { ${OP_ORDER.map((o) => OPS[o].cEnum).join(', ')} };\n`;
export const cOpHandlers = (): string =>
  [
    ...OP_ORDER.map((o) => OPS[o].cHandler),
    `static void (*const op_table[])(struct ctx *, const struct pcall *, char *) = { ${OP_ORDER.map((o) => OPS[o].cName).join(', ')} };\n`,
  ].join('\n');

/** A C initializer row of struct pcall. */
export function cCallRow(thread: number, table: number, call: ProbeOp): string {
  const [a, b, c] = OPS[call.op].args(call);
  return `{ ${OPS[call.op].cEnum}, ${thread}, ${table}, ${a}, ${b}, ${c} }`;
}

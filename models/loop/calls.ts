// The system calls a thread can issue, as plain data.
//
// Exists so scenarios (scripts and the explore menu) can be written without
// touching program code: the driver turns each Call into a SyscallItem (a
// program entry plus static arguments).

/** A backing-file argument: an fd slot of the caller's table, or a regular file. */
export type Backing = number | 'regular';

/** LOOP_CONFIGURE flags (lo_flags bits a caller can set at bind time). */
export type ConfigureFlag = 'autoclear' | 'partscan' | 'read_only';

export type Call =
  | { readonly op: 'open'; readonly dev: number; readonly fd: number }
  | { readonly op: 'open_part'; readonly dev: number; readonly part: number; readonly fd: number }
  | { readonly op: 'close'; readonly fd: number }
  | { readonly op: 'clr'; readonly fd: number }
  | { readonly op: 'set_fd'; readonly fd: number; readonly backing: Backing }
  | { readonly op: 'change_fd'; readonly fd: number; readonly backing: Backing }
  | { readonly op: 'configure'; readonly fd: number; readonly backing: Backing; readonly flags: readonly ConfigureFlag[] }
  | { readonly op: 'read'; readonly fd: number }
  | { readonly op: 'mount'; readonly dev: number; readonly part?: number }
  | { readonly op: 'umount'; readonly dev: number; readonly part?: number }
  | { readonly op: 'mount_read'; readonly dev: number; readonly part?: number }
  /** LOOP_CTL_REMOVE of a device, through /dev/loop-control (no fd of the device needed). */
  | { readonly op: 'remove'; readonly dev: number };

const dn = (x: number): string => String.fromCharCode(65 + x);
const node = (x: number, part?: number): string => `/dev/loop${dn(x)}${part ? `p${part}` : ''}`;
const bk = (b: Backing): string => (b === 'regular' ? 'regular file' : `fd${b}`);

export function callName(c: Call): string {
  switch (c.op) {
    case 'open':
      return `open(${node(c.dev)}) -> fd${c.fd}`;
    case 'open_part':
      return `open(${node(c.dev, c.part)}) -> fd${c.fd}`;
    case 'close':
      return `close(fd${c.fd})`;
    case 'clr':
      return `ioctl(fd${c.fd}, LOOP_CLR_FD)`;
    case 'set_fd':
      return `ioctl(fd${c.fd}, LOOP_SET_FD, ${bk(c.backing)})`;
    case 'change_fd':
      return `ioctl(fd${c.fd}, LOOP_CHANGE_FD, ${bk(c.backing)})`;
    case 'configure':
      return `ioctl(fd${c.fd}, LOOP_CONFIGURE, ${bk(c.backing)}, flags=${c.flags.length ? c.flags.join('|') : '0'})`;
    case 'read':
      return `read(fd${c.fd})`;
    case 'mount':
      return `mount(${node(c.dev, c.part)})`;
    case 'umount':
      return `umount(${node(c.dev, c.part)})`;
    case 'mount_read':
      return `read via mount of ${node(c.dev, c.part).slice(5)}`;
    case 'remove':
      return `ioctl(/dev/loop-control, LOOP_CTL_REMOVE, ${node(c.dev)})`;
  }
}

// The system calls a thread can issue, as plain data.
//
// Exists so scenarios (scripts and the explore menu) can be written without
// touching program code: the driver turns each Call into a SyscallItem (a
// program entry plus static arguments).

/** A backing-file argument: an fd slot of the caller's table, or a regular file. */
export type Backing = number | 'regular';

export type Call =
  | { readonly op: 'open'; readonly dev: number; readonly fd: number }
  | { readonly op: 'close'; readonly fd: number }
  | { readonly op: 'clr'; readonly fd: number }
  | { readonly op: 'set_fd'; readonly fd: number; readonly backing: Backing }
  | { readonly op: 'change_fd'; readonly fd: number; readonly backing: Backing }
  | { readonly op: 'read'; readonly fd: number }
  | { readonly op: 'mount'; readonly dev: number }
  | { readonly op: 'umount'; readonly dev: number }
  | { readonly op: 'mount_read'; readonly dev: number };

const dn = (x: number): string => String.fromCharCode(65 + x);
const bk = (b: Backing): string => (b === 'regular' ? 'regular file' : `fd${b}`);

export function callName(c: Call): string {
  switch (c.op) {
    case 'open':
      return `open(/dev/loop${dn(c.dev)}) -> fd${c.fd}`;
    case 'close':
      return `close(fd${c.fd})`;
    case 'clr':
      return `ioctl(fd${c.fd}, LOOP_CLR_FD)`;
    case 'set_fd':
      return `ioctl(fd${c.fd}, LOOP_SET_FD, ${bk(c.backing)})`;
    case 'change_fd':
      return `ioctl(fd${c.fd}, LOOP_CHANGE_FD, ${bk(c.backing)})`;
    case 'read':
      return `read(fd${c.fd})`;
    case 'mount':
      return `mount(/dev/loop${dn(c.dev)})`;
    case 'umount':
      return `umount(/dev/loop${dn(c.dev)})`;
    case 'mount_read':
      return `read via mount of loop${dn(c.dev)}`;
  }
}

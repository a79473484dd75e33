// The host tools conform needs, and installing them when we may.
//
// Exists so a missing tool is either installed (root) or reported as one line
// naming the Debian package (not root), which the CLI maps to exit 2.

import { accessSync, closeSync, constants, existsSync, openSync, readSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { run } from './exec.js';

/** A tool, the Debian package that provides it, and how to tell it is there. */
export interface ToolNeed {
  readonly what: string;
  readonly pkg: string;
  readonly present: () => boolean;
}

export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** Where busybox-static puts its binary (busybox from the dynamic package would not run in the initramfs). */
export const STATIC_BUSYBOX = '/bin/busybox';

export const TOOL_NEEDS: readonly ToolNeed[] = [
  { what: 'qemu-system-x86_64', pkg: 'qemu-system-x86', present: () => onPath('qemu-system-x86_64') !== undefined },
  { what: 'static busybox', pkg: 'busybox-static', present: () => isStaticBusybox() },
  { what: 'cpio', pkg: 'cpio', present: () => onPath('cpio') !== undefined },
  { what: 'xz', pkg: 'xz-utils', present: () => onPath('xz') !== undefined },
  { what: 'gcc', pkg: 'gcc', present: () => onPath('gcc') !== undefined },
  {
    what: 'static libc (libc.a)',
    pkg: 'libc6-dev',
    present: () => existsSync('/usr/lib/x86_64-linux-gnu/libc.a') || existsSync('/usr/lib/libc.a'),
  },
  { what: 'dpkg-deb', pkg: 'dpkg', present: () => onPath('dpkg-deb') !== undefined },
  { what: 'mkfs.minix', pkg: 'util-linux', present: () => mkfsMinix() !== undefined },
];

/** mkfs.minix (util-linux), also looked for in the sbin directories a non-root PATH may lack. */
export function mkfsMinix(): string | undefined {
  return onPath('mkfs.minix') ?? ['/usr/sbin/mkfs.minix', '/sbin/mkfs.minix'].find((p) => existsSync(p));
}

let staticBusybox: boolean | undefined;
function isStaticBusybox(): boolean {
  if (staticBusybox) return true;
  // busybox-static ships /bin/busybox; the dynamic `busybox` package uses the same path,
  // so tell them apart by the ELF: a static executable has no PT_INTERP program header.
  if (!existsSync(STATIC_BUSYBOX)) return false;
  staticBusybox = !elfHasInterp(STATIC_BUSYBOX);
  return staticBusybox;
}

function elfHasInterp(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const h = Buffer.alloc(64);
    readSync(fd, h, 0, 64, 0);
    if (h.readUInt32BE(0) !== 0x7f454c46) return true;
    const phoff = Number(h.readBigUInt64LE(32));
    const phentsize = h.readUInt16LE(54);
    const phnum = h.readUInt16LE(56);
    const ph = Buffer.alloc(phentsize * phnum);
    readSync(fd, ph, 0, ph.length, phoff);
    for (let i = 0; i < phnum; i++) if (ph.readUInt32LE(i * phentsize) === 3) return true; // PT_INTERP
    return false;
  } finally {
    closeSync(fd);
  }
}

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** Thrown when something is missing and cannot be installed: one line naming the package. */
export class MissingError extends Error {}

let aptUpdated = false;
/** `apt-get update`, once per process. */
export async function aptUpdateOnce(log?: (line: string) => void): Promise<void> {
  if (aptUpdated) return;
  log?.('apt-get update');
  const r = await run('apt-get', ['update'], { env: aptEnv() });
  if (r.code !== 0) throw new MissingError(`apt-get update failed: ${r.stderr.trim().split('\n').slice(-1)[0]}`);
  aptUpdated = true;
}

/** Force the next aptUpdateOnce to run (after adding a source). */
export function aptSourcesChanged(): void {
  aptUpdated = false;
}

export function aptEnv(): NodeJS.ProcessEnv {
  return { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
}

/** Check every tool; as root install what is missing, otherwise throw MissingError naming the first package. */
export async function ensureTools(log?: (line: string) => void): Promise<void> {
  const missing = TOOL_NEEDS.filter((t) => !t.present());
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((t) => t.pkg))];
  if (!isRoot()) {
    throw new MissingError(`conform needs ${missing[0].what}: install the Debian package ${pkgs.join(' ')} (apt-get install ${pkgs.join(' ')})`);
  }
  await aptUpdateOnce(log);
  log?.(`apt-get install ${pkgs.join(' ')}`);
  const r = await run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '--no-install-recommends', ...pkgs], { env: aptEnv() });
  staticBusybox = undefined;
  const still = TOOL_NEEDS.filter((t) => !t.present());
  if (r.code !== 0 || still.length > 0) {
    throw new MissingError(`could not install ${pkgs.join(' ')}: ${(r.stderr.trim().split('\n').slice(-1)[0] ?? '') || `still missing ${still.map((t) => t.pkg).join(' ')}`}`);
  }
}

// The initramfs of one boot: busybox-static and its applets, the kernel's
// modules, the compiled probe, and an /init that runs it and powers off.
//
// Exists so each boot gets a fresh, self-contained userland: /init mounts
// proc, sysfs and devtmpfs, silences the console log level (records must not
// be split by kernel messages), loads the modules in dependency order, runs
// the probe with the console as its stdout, then powers the machine off at
// once. The backing file arrives as an empty minix image (made on the host by
// backing.ts); the probe fills it inside the guest.

import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runOk } from './exec.js';
import { STATIC_BUSYBOX } from './tools.js';

export interface InitramfsInput {
  /** Staging directory (created). */
  readonly dir: string;
  /** Where the cpio archive goes. */
  readonly out: string;
  /** Static programs placed at the root of the initramfs, by name (e.g. { probe: '/tmp/…/probe' }). */
  readonly programs: Readonly<Record<string, string>>;
  /** Shell commands /init runs after loading the modules (default: the probe). */
  readonly commands?: readonly string[];
  /** .ko files in load order. */
  readonly modules: readonly string[];
  /** Files placed at the root of the initramfs (e.g. the backing image), by name. */
  readonly extra?: Readonly<Record<string, string>>;
}

export function initScript(moduleNames: readonly string[], commands: readonly string[] = ['/probe', 'echo "probe exit $?"']): string {
  return [
    '#!/bin/busybox sh',
    '/bin/busybox --install -s /bin',
    'export PATH=/bin',
    'mount -t proc proc /proc',
    'mount -t sysfs sysfs /sys',
    'mount -t devtmpfs devtmpfs /dev',
    'echo "1 4 1 7" > /proc/sys/kernel/printk',
    ...moduleNames.map((m) => `insmod /modules/${m} || echo "insmod ${m} failed"`),
    ...commands,
    'poweroff -f',
    'echo o > /proc/sysrq-trigger',
    '',
  ].join('\n');
}

/** Stage the files and write a newc cpio archive to `out`. */
export async function buildInitramfs(input: InitramfsInput): Promise<void> {
  const { dir } = input;
  for (const d of ['bin', 'proc', 'sys', 'dev', 'mnt', 'tmp', 'modules']) mkdirSync(join(dir, d), { recursive: true });
  copyFileSync(STATIC_BUSYBOX, join(dir, 'bin', 'busybox'));
  chmodSync(join(dir, 'bin', 'busybox'), 0o755);
  const names = input.modules.map((m) => basename(m));
  input.modules.forEach((m, i) => copyFileSync(m, join(dir, 'modules', names[i])));
  for (const [name, src] of Object.entries(input.programs)) {
    copyFileSync(src, join(dir, name));
    chmodSync(join(dir, name), 0o755);
  }
  for (const [name, src] of Object.entries(input.extra ?? {})) copyFileSync(src, join(dir, name));
  writeFileSync(join(dir, 'init'), initScript(names, input.commands));
  chmodSync(join(dir, 'init'), 0o755);
  await runOk('sh', ['-c', 'find . -print | cpio -o -H newc --quiet > "$0"', input.out], { cwd: dir });
}

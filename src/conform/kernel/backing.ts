// The regular backing file of every scenario, made on the host.
//
// Exists because Debian's busybox-static has no mkfs applet for a file system
// the kernels ship as a small module; util-linux's mkfs.minix (always on a
// Debian host) makes an empty minix image here, and the probe writes its data
// file into it inside the guest (runtime.ts, prepare_backing).

import { closeSync, openSync, ftruncateSync } from 'node:fs';
import { IMAGE_BYTES } from '../c/runtime.js';
import { runOk } from './exec.js';
import { mkfsMinix } from './tools.js';

export async function makeBackingImage(path: string): Promise<void> {
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, IMAGE_BYTES);
  } finally {
    closeSync(fd);
  }
  const mkfs = mkfsMinix();
  if (!mkfs) throw new Error('mkfs.minix not found (Debian package util-linux)');
  await runOk(mkfs, [path]);
}

// The uncompressed kernel inside a bzImage, booted through its PVH entry.
//
// Exists because under software emulation decompressing the kernel costs more
// than booting it (measured: about 20 s of a 28 s boot of Debian's 6.1 at a
// load of 13 on 2 cores). QEMU boots an ELF vmlinux that carries the Xen PVH
// entry note directly, skipping the decompressor. When the payload cannot be
// extracted (no xz/zstd, an unknown format, no PVH note) the caller boots the
// bzImage as it is.

import { readFileSync, writeFileSync } from 'node:fs';
import { runBinary } from './exec.js';
import { onPath } from './tools.js';

const FORMATS = [
  { tool: 'xz', magic: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) },
  { tool: 'zstd', magic: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]) },
] as const;

/** Whether an ELF64 image has a PT_NOTE with the Xen PVH entry (name "Xen", type 18). */
export function hasPvhNote(elf: Buffer): boolean {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2) return false;
  const phoff = Number(elf.readBigUInt64LE(32));
  const phentsize = elf.readUInt16LE(54);
  const phnum = elf.readUInt16LE(56);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + 56 > elf.length || elf.readUInt32LE(ph) !== 4) continue; // PT_NOTE
    let off = Number(elf.readBigUInt64LE(ph + 8));
    const end = off + Number(elf.readBigUInt64LE(ph + 32));
    while (off + 12 <= end && end <= elf.length) {
      const namesz = elf.readUInt32LE(off);
      const descsz = elf.readUInt32LE(off + 4);
      const type = elf.readUInt32LE(off + 8);
      const name = elf.subarray(off + 12, off + 12 + namesz).toString('latin1');
      if (name === 'Xen\0' && type === 18) return true;
      off += 12 + Math.ceil(namesz / 4) * 4 + Math.ceil(descsz / 4) * 4;
    }
  }
  return false;
}

/** Write the PVH-bootable vmlinux of `vmlinuz` to `out`; false when that is not possible. */
export async function extractVmlinux(vmlinuz: string, out: string): Promise<boolean> {
  const image = readFileSync(vmlinuz);
  for (const f of FORMATS) {
    if (onPath(f.tool) === undefined) continue;
    for (let at = image.indexOf(f.magic); at >= 0; at = image.indexOf(f.magic, at + 1)) {
      // Trailing bytes after the stream make the tool exit non-zero; the output is what counts.
      const r = await runBinary(f.tool, ['-dc'], image.subarray(at));
      if (r.stdout.length > 1 << 20 && hasPvhNote(r.stdout)) {
        writeFileSync(out, r.stdout);
        return true;
      }
    }
  }
  return false;
}

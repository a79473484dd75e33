import { describe, expect, it } from 'vitest';
import { hasPvhNote } from '../../src/conform/kernel/vmlinux.js';

/** A minimal ELF64 with one PT_NOTE holding one note (name, type). */
function elfWithNote(name: string, type: number): Buffer {
  const nameBytes = Buffer.from(`${name}\0`, 'latin1');
  const namePad = Math.ceil(nameBytes.length / 4) * 4;
  const note = Buffer.alloc(12 + namePad + 8);
  note.writeUInt32LE(nameBytes.length, 0);
  note.writeUInt32LE(8, 4);
  note.writeUInt32LE(type, 8);
  nameBytes.copy(note, 12);
  const elf = Buffer.alloc(64 + 56 + note.length);
  elf.writeUInt32BE(0x7f454c46, 0);
  elf[4] = 2; // ELFCLASS64
  elf[5] = 1;
  elf.writeBigUInt64LE(64n, 32); // e_phoff
  elf.writeUInt16LE(56, 54); // e_phentsize
  elf.writeUInt16LE(1, 56); // e_phnum
  elf.writeUInt32LE(4, 64); // PT_NOTE
  elf.writeBigUInt64LE(120n, 64 + 8); // p_offset
  elf.writeBigUInt64LE(BigInt(note.length), 64 + 32); // p_filesz
  note.copy(elf, 120);
  return elf;
}

describe('PVH entry detection of an extracted vmlinux', () => {
  it('accepts the Xen PHYS32_ENTRY note (type 18) and nothing else', () => {
    expect(hasPvhNote(elfWithNote('Xen', 18))).toBe(true);
    expect(hasPvhNote(elfWithNote('Xen', 6))).toBe(false);
    expect(hasPvhNote(elfWithNote('GNU', 18))).toBe(false);
    expect(hasPvhNote(Buffer.from('not an elf at all, just bytes of text here, long enough to pass the size check'))).toBe(false);
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPS, OP_ORDER } from '../../src/conform/c/ops.js';
import { generateProbe } from '../../src/conform/c/probe-gen.js';
import { initScript } from '../../src/conform/kernel/initramfs.js';
import { sampleScenario, scriptedScenarioNames, serialSchedules } from './sample-plan.js';
import type { ProbeScenario } from '../../src/conform/probe-plan.js';
import { HAVE_STATIC_GCC, compile } from './gcc.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const all = (): ProbeScenario[] => scriptedScenarioNames().map(sampleScenario);

describe('serial schedules used to drive the probe by hand', () => {
  it('interleave whole calls: C(8,2) = 28 for stack-independent (2 + 6 calls), thread order kept', () => {
    const sc = sampleScenario('stack-independent');
    expect(sc.schedules).toHaveLength(28);
    expect(serialSchedules([[{ op: 'clr', fd: 0 }, { op: 'close', fd: 0 }], [{ op: 'read', fd: 0 }, { op: 'close', fd: 0 }, { op: 'open', dev: 0, fd: 0 }]], [0, 1])).toHaveLength(10);
    for (const sh of sc.schedules) {
      const t1 = sh.calls.filter((c) => c.thread === 0).map((c) => c.call.op);
      expect(t1).toEqual(['clr', 'close']);
    }
    expect(new Set(sc.schedules.map((s) => JSON.stringify(s.calls))).size).toBe(28);
  });
});

describe('probe generator', () => {
  it('emits one call row per scheduled call, in order, through the op table', () => {
    const sc = sampleScenario('change-fd');
    const src = generateProbe([sc]);
    const sh = sc.schedules[5];
    const row = new RegExp(`static const struct pcall sc0_s${sh.id}\\[\\] = \\{ (.*) \\};`).exec(src);
    expect(row).not.toBeNull();
    const rows = [...row![1].matchAll(/\{ (OP_[A-Z_]+), (\d+), (\d+), (-?\d+), (-?\d+), (-?\d+) \}/g)];
    expect(rows.map((r) => r[1])).toEqual(sh.calls.map((c) => OPS[c.call.op].cEnum));
    expect(rows.map((r) => Number(r[3]))).toEqual(sh.calls.map((c) => c.table));
    // the enum order and the dispatch table order are the same list
    expect(src).toContain(`enum { ${OP_ORDER.map((o) => OPS[o].cEnum).join(', ')} };`);
    expect(src).toContain(`= { ${OP_ORDER.map((o) => OPS[o].cName).join(', ')} };`);
    // B is bound read-only to the regular file; A to it read-write
    expect(src).toContain('static const struct init_bound sc0_bound[] = { { 0, -1, 0, 0 }, { 1, -1, 1, 0 } };');
  });

  it('encodes a regular backing as -1 and a slot as its number', () => {
    expect(OPS.set_fd.args({ op: 'set_fd', fd: 1, backing: 'regular' })).toEqual([1, -1, 0]);
    expect(OPS.change_fd.args({ op: 'change_fd', fd: 0, backing: 1 })).toEqual([0, 1, 0]);
    expect(OPS.open.args({ op: 'open', dev: 1, fd: 0 })).toEqual([0, 1, 0]);
  });

  it('refuses scenario names that would break the protocol, and sizes past the C limits', () => {
    const sc = sampleScenario('udev');
    expect(() => generateProbe([{ ...sc, name: 'two words' }])).toThrow(/must be letters/);
    expect(() => generateProbe([{ ...sc, devices: 9 }])).toThrow(/at most 8 devices/);
  });

  it('has an /init that loads the modules in the given order before the probe and powers off', () => {
    const s = initScript(['loop.ko', 'minix.ko']);
    expect(s.indexOf('insmod /modules/loop.ko')).toBeLessThan(s.indexOf('insmod /modules/minix.ko'));
    expect(s.indexOf('insmod /modules/minix.ko')).toBeLessThan(s.indexOf('/probe'));
    expect(s).toMatch(/mount -t devtmpfs/);
    expect(s.trimEnd().split('\n').slice(-2)).toEqual(['poweroff -f', 'echo o > /proc/sysrq-trigger']);
  });
});

describe.skipIf(!HAVE_STATIC_GCC)('the generated probe compiles', () => {
  it('gcc -static -O1 accepts the probe for every scripted scenario with all serial schedules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopcheck-probe-'));
    dirs.push(dir);
    const c = join(dir, 'probe.c');
    writeFileSync(c, generateProbe(all()));
    const warnings = compile(c, join(dir, 'probe'));
    expect(warnings).not.toMatch(/error/);
    const elf = readFileSync(join(dir, 'probe'));
    expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
  }, 60_000);
});

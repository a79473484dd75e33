import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateReproducer, type ReproducerSpec } from '../../src/conform/c/reproducer.js';
import { stackSharedFd, mountScenario } from '../../models/loop/scenarios/scripted.js';
import { HAVE_STATIC_GCC, compile } from './gcc.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** stack-shared-fd as a serial trace: T2 stacks B on A, T1 clears A, T2 reads B. */
function sharedFdSpec(mode: ReproducerSpec['mode']): ReproducerSpec {
  const s = stackSharedFd.setup({});
  const [t1, t2] = s.scripts!;
  return {
    scenario: 'stack-shared-fd',
    devices: s.devices,
    tableOf: s.tableOf,
    slots: s.slots,
    init: s.init,
    calls: [
      { thread: 1, call: t2[0] },
      { thread: 1, call: t2[1] },
      { thread: 0, call: t1[0] },
      { thread: 0, call: t1[1] },
      { thread: 1, call: t2[2] },
      { thread: 1, call: t2[3] },
    ],
    bad: [{ call: 4, outcome: '-EIO' }],
    mode,
    notes: ['syscall-serial: every call runs whole'],
  };
}

describe('C reproducer generator', () => {
  it('serial: a turn counter orders the calls; the trace and bad outcome are in the header', () => {
    const src = generateReproducer(sharedFdSpec({ kind: 'serial' }));
    expect(src).toContain('#define SERIAL 1');
    expect(src).toContain('#define NTHREADS 2');
    expect(src).toContain('#define NTAB 1'); // threads of one process share one fd array
    expect(src).toMatch(/while \(turn != i\) pthread_cond_wait/);
    expect(src).toContain(' *   5. T2 read(fd1)');
    expect(src).toContain('Bad outcome: read(fd1) (call 5) => -EIO');
    // the read is T2's call on table 0; set_fd passes slot 0 as the backing
    expect(src).toContain('{ OP_READ, 1, 0, 1, 0, 0 }');
    expect(src).toContain('{ OP_SET_FD, 1, 0, 1, 0, 0 }');
    expect(src).toContain('#define NEED_FS 0');
  });

  it('race: bounded by iterations and seconds, reports hits/iterations', () => {
    const src = generateReproducer(sharedFdSpec({ kind: 'race', iterations: 500, seconds: 20 }));
    expect(src).toContain('#define SERIAL 0');
    expect(src).toContain('#define RACE_ITERATIONS 500');
    expect(src).toContain('#define RACE_SECONDS 20');
    expect(src).toContain('out("%d/%d hits: %s", hits, runs, BAD_TEXT);');
  });

  it('refuses a bad outcome naming a call the trace does not have, and an unknown thread', () => {
    expect(() => generateReproducer({ ...sharedFdSpec({ kind: 'serial' }), bad: [{ call: 6, outcome: '-EIO' }] })).toThrow(/call 6/);
    const spec = sharedFdSpec({ kind: 'serial' });
    expect(() => generateReproducer({ ...spec, calls: [...spec.calls, { thread: 2, call: { op: 'close', fd: 0 } }] })).toThrow(/unknown thread T3/);
  });
});

describe.skipIf(!HAVE_STATIC_GCC)('C reproducers compile', () => {
  it('serial, race and a mount trace compile with gcc -static -pthread', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopcheck-repro-'));
    dirs.push(dir);
    const m = mountScenario.setup({});
    const mountSpec: ReproducerSpec = {
      scenario: 'mount',
      devices: m.devices,
      tableOf: m.tableOf,
      slots: m.slots,
      init: m.init,
      calls: [
        { thread: 1, call: m.scripts![1][0] },
        { thread: 0, call: m.scripts![0][0] },
        { thread: 1, call: m.scripts![1][1] },
      ],
      bad: [{ call: 2, outcome: '-EIO' }],
      mode: { kind: 'race', iterations: 100, seconds: 5 },
    };
    const specs = [sharedFdSpec({ kind: 'serial' }), sharedFdSpec({ kind: 'race', iterations: 10, seconds: 1 }), mountSpec];
    specs.forEach((spec, i) => {
      const c = join(dir, `r${i}.c`);
      writeFileSync(c, generateReproducer(spec));
      expect(generateReproducer(spec)).toContain(spec === mountSpec ? '#define NEED_FS 1' : '#define NEED_FS 0');
      compile(c, join(dir, `r${i}`));
    });
  }, 60_000);
});

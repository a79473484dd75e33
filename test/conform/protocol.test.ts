import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { C_EMIT } from '../../src/conform/c/emit.js';
import { C_HEADERS } from '../../src/conform/c/runtime.js';
import { ConsoleParser, crc32, frameRecord, scanLine } from '../../src/conform/kernel/protocol.js';
import { HAVE_STATIC_GCC, compile } from './gcc.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('console record framing', () => {
  it('crc32 is the IEEE one (check value of "123456789")', () => {
    expect(crc32(Buffer.from('123456789')).toString(16)).toBe('cbf43926');
  });

  it('finds a record after boot noise and drops trailing noise by its length', () => {
    const line = `[    3.2] random: crng init done${frameRecord('C 0 3 1 ok R/0/ok')}[    3.3] trailing`;
    expect(scanLine(line)).toEqual({ kind: 'record', payload: 'C 0 3 1 ok R/0/ok' });
  });

  it('rejects a record whose payload a kernel message was written into', () => {
    const framed = frameRecord('C 0 3 1 -EBUSY R/1/ok -/0/ok');
    const cut = framed.indexOf('-EBUSY');
    const damaged = `${framed.slice(0, cut)}[ 9.1] loop16: detected capacity change${framed.slice(cut)}`;
    expect(scanLine(damaged).kind).toBe('corrupt');
    // Same length, one byte changed: the checksum catches it.
    expect(scanLine(framed.replace('EBUSY', 'EBUSX')).kind).toBe('corrupt');
    expect(scanLine('no record here').kind).toBe('none');
  });
});

/** A console transcript as the probe would print it, with noise. */
function transcript(): string {
  const r = (p: string): string => `\r\n${frameRecord(p)}\r\n`;
  return [
    'SeaBIOS (version 1.16.2)\r\nBooting from ROM..\x1b[2J',
    r('H start'),
    r('H uptime 3.91'),
    r('H release 6.12.117+deb12-amd64'),
    r('H param max_part 0'),
    '[    4.000001] loop: module loaded\r\n',
    r('N 0 2 stack-independent'),
    r('S 0 0 R/0/ok -/0/ok'),
    r('C 0 0 0 ok R/1/-ENXIO -/0/ok'),
    r('C 0 0 1 ok:zeros A/0/ok/1 ?/tmp/x_(deleted)/0/-EIO'),
    r('E 0 0 2 0'),
    r('S 0 1 R/0/ok -/0/ok'),
    r('C 0 1 0 -EBUSY R/0/ok -/0/ok'),
    // the end record of schedule 1 never comes (e.g. the probe hung)
    r('N 1 1 udev'),
    r('F 1 0 init bind A: EBUSY'),
    r('H uptime 9.5'),
    r('H done 2'),
    '[   10.0] sysrq: Power Off\r\n',
  ].join('');
}

describe('ConsoleParser', () => {
  it('parses a transcript fed in arbitrary chunks into schedule observations', () => {
    const text = transcript();
    for (const size of [1, 7, 64, text.length]) {
      const p = new ConsoleParser();
      for (let i = 0; i < text.length; i += size) p.feed(text.slice(i, i + size));
      p.end();
      expect(p.started).toBe(true);
      expect(p.release).toBe('6.12.117+deb12-amd64');
      expect(p.params.get('max_part')).toBe('0');
      expect(p.uptimes).toEqual([3.91, 9.5]);
      expect(p.done).toBe(2);
      expect(p.corrupt).toEqual([]);
      expect(p.malformed).toEqual([]);
      expect(p.finished).toEqual([
        {
          scenario: 'stack-independent',
          schedule: 0,
          initial: [
            { backing: 'regular', autoclear: false, open: 'ok' },
            { backing: null, autoclear: false, open: 'ok' },
          ],
          calls: [
            {
              outcome: 'ok',
              devices: [
                { backing: 'regular', autoclear: true, open: '-ENXIO' },
                { backing: null, autoclear: false, open: 'ok' },
              ],
            },
            {
              outcome: 'ok:zeros',
              devices: [
                { backing: 'A', autoclear: false, open: 'ok', partitions: 1 },
                { backing: '?/tmp/x_(deleted)', autoclear: false, open: '-EIO' },
              ],
            },
          ],
        },
        { scenario: 'udev', schedule: 0, calls: [], setupError: 'init bind A: EBUSY' },
      ]);
      expect(p.unfinished()).toEqual([
        {
          scenario: 'stack-independent',
          schedule: 1,
          initial: [
            { backing: 'regular', autoclear: false, open: 'ok' },
            { backing: null, autoclear: false, open: 'ok' },
          ],
          calls: [{ outcome: '-EBUSY', devices: [{ backing: 'regular', autoclear: false, open: 'ok' }, { backing: null, autoclear: false, open: 'ok' }] }],
          incomplete: true,
        },
      ]);
    }
  });

  it('counts damaged records and keeps a schedule with a lost call record unfinished', () => {
    const p = new ConsoleParser();
    const damaged = frameRecord('C 0 0 0 ok R/0/ok').replace(' ok R', ' ok[ 5.0] oops R');
    p.feed(`${frameRecord('N 0 1 s')}\n${frameRecord('S 0 0 R/0/ok')}\n${damaged}\n${frameRecord('C 0 0 1 ok -/0/ok')}\n${frameRecord('E 0 0 2 0')}\n`);
    p.end();
    expect(p.corrupt).toHaveLength(1);
    // call 1 arrives while call 0 is missing: out of protocol, and the end record does not close the schedule
    expect(p.malformed).toEqual(['C 0 0 1 ok -/0/ok', 'E 0 0 2 0']);
    expect(p.finished).toEqual([]);
    expect(p.unfinished()).toHaveLength(1);
  });
});

describe.skipIf(!HAVE_STATIC_GCC)('the C writer and the TypeScript parser agree', () => {
  it('records framed by the compiled C emit() parse back exactly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopcheck-emit-'));
    dirs.push(dir);
    const payloads = ['H start', 'C 12 345 6 -ENXIO R/1/ok A/0/-ENXIO', 'H release 6.1.0-57-amd64', `N 0 3 ${'x'.repeat(300)}`];
    const main = `int main(void)\n{\n${payloads.map((p) => `\temit("%s", ${JSON.stringify(p)});`).join('\n')}\n\treturn 0;\n}\n`;
    writeFileSync(join(dir, 'emit.c'), `${C_HEADERS}\n${C_EMIT}\n${main}`);
    compile(join(dir, 'emit.c'), join(dir, 'emit'));
    const out = execFileSync(join(dir, 'emit'), { encoding: 'latin1' });
    const p = new ConsoleParser();
    // interleave noise between the records as a console would
    const got = p.feed(out.replace(/\n/g, '\n[ 1.0] noise\n'));
    p.end();
    expect(got).toEqual(payloads);
    expect(p.corrupt).toEqual([]);
  }, 60_000);
});

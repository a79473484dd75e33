// Stable file names, format lists, atomic writes and --trace-dir checks.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/app/errors.js';
import { parseFormats, prepareTraceDir, traceFileName, writeTraceFiles } from '../../src/export/formats.js';
import { writeFileAtomic as writeAtomic } from '../../src/app/write-file.js';
import { philosophersDeadlock, toyContext } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'loopcheck-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('formats', () => {
  it('names files <strategy>.<scenario>.<invariant>.<ext>, or <model>.<invariant>.<ext>', () => {
    expect(traceFileName({ family: 'loop', strategy: 'pre-patch', scenario: 'stack-independent', invariant: 'single-teardown' }, 'json')).toBe(
      'pre-patch.stack-independent.single-teardown.json',
    );
    expect(traceFileName({ family: 'philosophers', strategy: null, scenario: null, invariant: 'deadlock' }, 'itf')).toBe('philosophers.deadlock.itf.json');
    expect(traceFileName({ family: 'x', strategy: 'a/b', scenario: null, invariant: 'i' }, 'md')).toBe('a_b.i.md');
  });

  it('parses comma-separated and repeated lists, and all', () => {
    expect(parseFormats(['json,md', 'md', 'html'])).toEqual(['json', 'md', 'html']);
    expect(parseFormats(['all'])).toEqual(['json', 'itf', 'md', 'mermaid', 'dot', 'html']);
    expect(() => parseFormats(['pdf'])).toThrow(/unknown --trace-format 'pdf'/);
  });

  it('writes atomically: the final file only, no temporary left behind', () => {
    const sub = join(dir, 'atomic');
    prepareTraceDir(sub);
    const paths = writeTraceFiles(sub, toyContext('crossed', 'deadlock'), ['json', 'md']);
    expect(readdirSync(sub).sort()).toEqual(['crossed.s1.deadlock.json', 'crossed.s1.deadlock.md']);
    expect(paths.map((p) => p.slice(sub.length + 1))).toEqual(['crossed.s1.deadlock.json', 'crossed.s1.deadlock.md']);
    writeAtomic(paths[0], 'replaced');
    expect(readFileSync(paths[0], 'utf8')).toBe('replaced');
    expect(readdirSync(sub)).toHaveLength(2);
    // a failing write leaves the old file intact and no temporary
    expect(() => writeAtomic(join(sub, 'crossed.s1.deadlock.md', 'x.json'), 'x')).toThrow(/cannot write/);
    expect(readdirSync(sub)).toHaveLength(2);
  });

  it('--trace-dir: created when missing; a file or a path under a file is a UsageError', () => {
    expect(prepareTraceDir(join(dir, 'new', 'deeper'))).toBe(join(dir, 'new', 'deeper'));
    const file = join(dir, 'f');
    writeFileSync(file, '');
    expect(() => prepareTraceDir(file)).toThrow(UsageError);
    expect(() => prepareTraceDir(file)).toThrow(/is not a directory/);
    expect(() => prepareTraceDir(join(file, 'sub'))).toThrow(UsageError);
  });

  it('every format renders for a model without strategies', () => {
    const sub = join(dir, 'all');
    prepareTraceDir(sub);
    writeTraceFiles(sub, philosophersDeadlock(), parseFormats(['all']));
    expect(readdirSync(sub)).toHaveLength(6);
  });
});

// Trace file names stay distinct when a config runs the same model, strategy
// and scenario more than once, and every edge of a lock-order cycle gets its
// own file; each file written replays.

import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.js';

describe('trace file names', () => {
  it('tell runs apart by the parameters that differ, and lock-order edges by number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loopcheck-names-'));
    const config = join(dir, 'c.json');
    const run = (n: number) => ({
      model: 'philosophers',
      params: { N: n, lefty: 1 },
      invariants: ['deadlock', 'lock-order'],
      expect: { deadlock: 'violated', 'lock-order': 'violated' },
    });
    writeFileSync(config, JSON.stringify({ runs: [run(3), run(4)] }));
    const out = join(dir, 'traces');
    const r = cli(['verify', '--config', config, '--trace-dir', out, '--trace-format', 'json']);
    expect(r.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toEqual(
      [
        'philosophers.deadlock.N=3.json',
        'philosophers.deadlock.N=4.json',
        'philosophers.lock-order.N=3.json',
        'philosophers.lock-order.N=3.edge2.json',
        'philosophers.lock-order.N=3.edge3.json',
        'philosophers.lock-order.N=4.json',
        'philosophers.lock-order.N=4.edge2.json',
        'philosophers.lock-order.N=4.edge3.json',
        'philosophers.lock-order.N=4.edge4.json',
      ].sort(),
    );
    for (const f of files) expect(cli(['replay', join(out, f)]).code, f).toBe(0);
  });
});

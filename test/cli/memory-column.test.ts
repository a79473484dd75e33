// The memory column counts a job's analyses, not only its search: the
// liveness check after a search builds a state graph with every transition,
// which the search alone never holds, so a run asking for it must report
// more memory than the same search without it.

import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, cli } from './run-cli.js';

const base = ['verify', '--no-config', '--model', 'philosophers', '--param', 'N=8', '--workers', '1', '--json', '--invariant', 'eating-holds-forks'];

function peak(args: string[]): number {
  const r = cli(args);
  expect(r.code, r.stderr).toBe(r.stdout.includes('"violated"') ? 1 : 0);
  const doc = JSON.parse(r.stdout) as { results: { stats: { peakRssBytes: number } }[] };
  const peaks = new Set(doc.results.map((x) => x.stats.peakRssBytes));
  expect(peaks.size).toBe(1); // one job, one figure on every row
  return [...peaks][0];
}

describe('memory column', () => {
  it('includes the liveness analysis that runs after the search', () => {
    const searchOnly = peak(base);
    const withLiveness = peak([...base, 'hungry-eats']);
    // N=8: about 100 MB for the search, about 45 MB more for the liveness graph.
    expect(withLiveness).toBeGreaterThan(searchOnly * 1.25);
  }, 240_000);

  it.skipIf(!existsSync('/usr/bin/time'))('is the process peak of a one-job run, analyses included (as /usr/bin/time measures it)', () => {
    const r = spawnSync('/usr/bin/time', ['-f', 'maxrss-kib=%M', process.execPath, BIN, ...base, 'hungry-eats'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 1 << 26,
    });
    const maxRss = Number(/maxrss-kib=(\d+)/.exec(r.stderr)![1]) * 1024;
    const doc = JSON.parse(r.stdout) as { results: { stats: { peakRssBytes: number } }[] };
    expect(doc.results[0].stats.peakRssBytes).toBeGreaterThan(maxRss * 0.9);
    expect(doc.results[0].stats.peakRssBytes).toBeLessThanOrEqual(maxRss * 1.01);
  }, 240_000);
});

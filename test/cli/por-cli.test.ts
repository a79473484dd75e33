// --por from the command line: what it refuses (liveness on a model whose
// graph may have cycles: exit 2 before any search, one line), what it keeps
// (verdicts), and what it says about its counterexamples (not necessarily
// the shortest) in text, JSON, Markdown and trace files, which replay.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'loopcheck-por-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verify --por', () => {
  it('refuses liveness on a cyclic model with exit 2 and one line, before any search', () => {
    const r = cli(['verify', '--no-config', '--model', 'philosophers', '--param', 'N=4', '--invariant', 'hungry-eats', '--por']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^loopcheck: error: --por does not preserve liveness on philosophers\[N=4,M=3\], whose state graph may have cycles \(hungry-eats\)/);
    expect(r.stdout).toBe('');
  }, 120_000);

  it('keeps the invariant and deadlock verdicts of the full search where it may run', () => {
    for (const lefty of ['0', '1']) {
      const args = ['verify', '--no-config', '--model', 'philosophers', '--param', 'N=4', '--param', `lefty=${lefty}`, '--invariant', 'eating-holds-forks', 'deadlock', '--json'];
      const full = cli(args);
      const por = cli([...args, '--por']);
      expect(por.code, por.stderr).toBe(full.code);
      const verdicts = (out: string) => JSON.parse(out).results.map((x: { invariant: string; status: string }) => [x.invariant, x.status]);
      expect(verdicts(por.stdout)).toEqual(verdicts(full.stdout));
      expect(JSON.parse(por.stdout).results[0].stats.partialOrderReduced).toBe(true);
    }
  }, 120_000);

  it('marks a loop counterexample as possibly not the shortest, and its trace file replays', () => {
    const args = ['verify', '--no-config', '--strategy', 'pre-patch', '--scenario', 'stack-independent', '--invariant', 'stacked-no-teardown', '--por'];
    const text = cli([...args, '--trace-dir', dir, '--trace-format', 'json,md']);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toContain('found under partial-order reduction (--por): a real run, but not necessarily the shortest');
    const json = cli([...args, '--json']);
    const row = JSON.parse(json.stdout).results.find((x: { invariant: string }) => x.invariant === 'stacked-no-teardown');
    expect(row.shortest).toBe(false);
    const file = join(dir, 'pre-patch.stack-independent.stacked-no-teardown.json');
    expect(JSON.parse(readFileSync(file, 'utf8')).shortest).toBe(false);
    expect(readFileSync(join(dir, 'pre-patch.stack-independent.stacked-no-teardown.md'), 'utf8')).toContain('not necessarily the shortest');
    const replay = cli(['replay', file]);
    expect(replay.code, replay.stderr + replay.stdout).toBe(0);
  }, 120_000);
});

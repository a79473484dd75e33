// Every trace rendering of a counterexample found under --por says it may not
// be the shortest, where a reader of the format looks: the HTML page under its
// heading, the ITF's top #meta, the Mermaid title, the DOT graph label, the C
// reproducer's header comment; a trace file read back keeps it (export,
// replay --print). `compare --por` reduces like verify, refuses what verify
// refuses, and marks its counterexamples. Each check also runs without --por
// and expects the note absent.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../ci/helpers.js';
import { cli } from './run-cli.js';

const NOTE = 'found under partial-order reduction (--por): a real run, but not necessarily the shortest; run without --por for the shortest';
const MARK = 'found under --por: not necessarily the shortest';
const BASE = 'pre-patch.stack-independent.stacked-no-teardown';

/** The scripted race stack-independent on pre-patch: stacked-no-teardown is violated (a small search, about a second). */
const VERIFY = ['verify', '--no-config', '--workers', '1', '--strategy', 'pre-patch', '--scenario', 'stack-independent', '--invariant', 'stacked-no-teardown'];

function traceFiles(por: boolean): string {
  const dir = tempDir();
  const r = cli([...VERIFY, ...(por ? ['--por'] : []), '--trace-dir', dir, '--trace-format', 'all,c']);
  expect(r.code, r.stderr).toBe(1);
  return dir;
}

let reducedDir: string;
let fullDir: string;

describe('trace files of a --por counterexample', () => {
  beforeAll(() => {
    reducedDir = traceFiles(true);
    fullDir = traceFiles(false);
  }, 120_000);

  const read = (dir: string, ext: string) => readFileSync(join(dir, `${BASE}.${ext}`), 'utf8');

  it('HTML: a note right under the heading', () => {
    const html = read(reducedDir, 'html');
    const note = html.indexOf(`<p class="reduced" id="reduced-note">${NOTE}</p>`);
    expect(note).toBeGreaterThan(html.indexOf('</h1>'));
    expect(note).toBeLessThan(html.indexOf('<p class="banner">'));
    expect(read(fullDir, 'html')).not.toContain('reduced-note');
    expect(read(fullDir, 'html')).not.toContain('not necessarily the shortest');
    // The page's title (a browser tab, a bookmark) says so too.
    const title = (h: string) => /<title>([^<]*)<\/title>/.exec(h)![1];
    expect(title(html)).toContain('found under --por: not necessarily the shortest');
    expect(title(read(fullDir, 'html'))).not.toContain('--por');
  });

  it('ITF: shortest false and the note in the top #meta', () => {
    expect(JSON.parse(read(reducedDir, 'itf.json'))['#meta']).toMatchObject({ shortest: false, note: NOTE });
    const meta = JSON.parse(read(fullDir, 'itf.json'))['#meta'];
    expect(meta.shortest).toBeUndefined();
    expect(meta.note).toBeUndefined();
  });

  it('Mermaid and DOT: the title and the graph label', () => {
    expect(read(reducedDir, 'mmd').split('\n')[1]).toMatch(new RegExp(`^  title .*\\(\\d+ steps, ${MARK}\\)$`));
    expect(read(reducedDir, 'dot')).toMatch(new RegExp(`^  label=".*\\(\\d+ steps, ${MARK}\\)";$`, 'm'));
    expect(read(fullDir, 'mmd')).not.toContain(MARK);
    expect(read(fullDir, 'dot')).not.toContain(MARK);
  });

  it('C reproducer: a line of its header comment', () => {
    const header = (dir: string) => read(dir, 'c').slice(0, read(dir, 'c').indexOf('*/'));
    expect(header(reducedDir)).toContain(` * ${NOTE}\n`);
    expect(header(fullDir)).not.toContain('not necessarily the shortest');
  });

  it('read back: export, replay and replay --print keep the note of a --por trace file, and add none to another', () => {
    for (const [dir, reduced] of [
      [reducedDir, true],
      [fullDir, false],
    ] as const) {
      const file = join(dir, `${BASE}.json`);
      const html = cli(['export', file, '--format', 'html']);
      expect(html.code, html.stderr).toBe(0);
      expect(html.stdout.includes('id="reduced-note"')).toBe(reduced);
      const md = cli(['export', file, '--format', 'md']);
      expect(md.code, md.stderr).toBe(0);
      expect(md.stdout.includes(NOTE)).toBe(reduced);
      const text = cli(['replay', '--print', file]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout.includes(NOTE)).toBe(reduced);
      // Without --print, the OK line is followed by the note (once), or by nothing.
      const ok = cli(['replay', file]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout.split(NOTE).length - 1).toBe(reduced ? 1 : 0);
    }
  }, 120_000);
});

describe('compare --por', () => {
  const COMPARE = ['compare', '--workers', '1', '--scenario', 'stack-independent', '--invariant', 'stacked-no-teardown'];

  it('refuses liveness on a model whose graph may have cycles: one line, exit 2, before any search', () => {
    const r = cli(['compare', '--workers', '1', '--model', 'philosophers', '--param', 'N=4', '--invariant', 'hungry-eats', '--por']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^loopcheck: error: --por does not preserve liveness on philosophers\[N=4,M=3\], whose state graph may have cycles \(hungry-eats\)/);
  }, 120_000);

  it('gives the full search verdicts, and marks its counterexample in the text, --json and the trace files', () => {
    const dir = tempDir();
    const text = cli([...COMPARE, '--por', '--trace-dir', dir, '--trace-format', 'json,html']);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/partial-order reduction: 4 of 4 searches count states of the reduced graph/);
    expect(text.stdout).toMatch(new RegExp(`pre-patch VIOLATED \\(\\d+ steps, ${MARK}\\) — trace: `));
    expect(JSON.parse(readFileSync(join(dir, `${BASE}.json`), 'utf8')).shortest).toBe(false);
    expect(readFileSync(join(dir, `${BASE}.html`), 'utf8')).toContain('id="reduced-note"');

    const verdicts = (out: string) => JSON.parse(out).rows.map((r: { cells: Record<string, { status: string }> }) => Object.values(r.cells).map((c) => c.status));
    const reduced = cli([...COMPARE, '--por', '--json']);
    const full = cli([...COMPARE, '--json']);
    expect(reduced.code, reduced.stderr).toBe(1);
    expect(full.code, full.stderr).toBe(1);
    expect(verdicts(reduced.stdout)).toEqual(verdicts(full.stdout));
    const cell = (out: string) => JSON.parse(out).rows[0].cells['pre-patch'];
    expect(cell(reduced.stdout)).toMatchObject({ status: 'violated', shortest: false, note: NOTE });
    // The command it names prints the same trace: the same search, reduced.
    expect(cell(reduced.stdout).command).toMatch(/ --por$/);
    expect(JSON.parse(reduced.stdout).stats.every((s: { partialOrderReduced: boolean }) => s.partialOrderReduced)).toBe(true);

    expect(cell(full.stdout).shortest).toBeUndefined();
    expect(cell(full.stdout).command).not.toContain('--por');
    expect(JSON.parse(full.stdout).stats.some((s: { partialOrderReduced: boolean }) => s.partialOrderReduced)).toBe(false);
    const plain = cli(COMPARE);
    expect(plain.code).toBe(1);
    expect(plain.stdout).not.toContain('partial-order reduction');
    expect(plain.stdout).not.toContain(MARK);
  }, 120_000);
});

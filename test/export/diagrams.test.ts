// Mermaid and DOT sequence diagrams: DOT is rendered by Graphviz itself
// (@viz-js/viz, Graphviz compiled to WebAssembly), Mermaid by the mermaid
// package inside headless Chromium, loaded from node_modules (no network).

import { createRequire } from 'node:module';
import { instance } from '@viz-js/viz';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { toDot } from '../../src/export/dot.js';
import { mermaidText, toMermaid } from '../../src/export/mermaid.js';
import { buildSequence } from '../../src/export/sequence.js';
import { traceData, type TraceContext } from '../../src/report/trace-data.js';
import { HAVE_CHROMIUM, launch } from './browser.js';
import { counterContext, philosophersDeadlock, toyContext } from './fixtures.js';

const cases: [string, () => TraceContext][] = [
  ['philosophers deadlock', philosophersDeadlock],
  ['toy crossed deadlock', () => toyContext('crossed', 'deadlock')],
  ['toy ordered (releases)', () => toyContext('ordered', 't1-never-done')],
  ['counter (no locks)', counterContext],
];

describe('sequence', () => {
  it('has a lifeline per thread and lock, acquisitions and releases from held()', () => {
    const seq = buildSequence(traceData(toyContext('ordered', 't1-never-done')));
    expect(seq.participants.filter((p) => p.kind === 'thread').map((p) => p.label)).toEqual(['T1']);
    expect(seq.participants.filter((p) => p.kind === 'lock').map((p) => p.label).sort()).toEqual(['lockA', 'lockB']);
    const kinds = seq.events.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'acquire').length).toBeGreaterThanOrEqual(2);
    expect(kinds.filter((k) => k === 'release').length).toBeGreaterThanOrEqual(2);
    expect(kinds[kinds.length - 1]).toBe('violation');
  });

  it('object changes go to the object, a thread\'s own fields to a note', () => {
    const seq = buildSequence(traceData(philosophersDeadlock()));
    expect(seq.events.some((e) => e.kind === 'note' && e.text.includes('pc[0]: thinking → hungry'))).toBe(true);
    const counter = buildSequence(traceData(counterContext()));
    expect(counter.participants.map((p) => p.label)).toEqual(['C', 'counter']);
    expect(counter.events.some((e) => e.kind === 'change' && e.text === 'x: 0 → 3')).toBe(true);
  });

  it('Mermaid text never carries statement separators or entity starts', () => {
    expect(mermaidText('a;b#c\nd')).toBe('a#59;b#35;c d');
  });
});

describe('DOT renders with Graphviz', () => {
  it.each(cases)('%s', async (_n, make) => {
    const viz = await instance();
    const d = traceData(make());
    const dot = toDot(d);
    const r = viz.render(dot, { format: 'svg' });
    expect(r.errors.filter((e) => e.level === 'error')).toEqual([]);
    expect(r.status).toBe('success');
    if (r.status !== 'success') return;
    const svg = r.output.replace(/&#(\d+);/g, (_m, c) => String.fromCharCode(Number(c)));
    for (const t of d.threads) expect(svg).toContain(`>${t}<`);
    for (const l of d.locks) expect(svg).toContain(`>${l}<`);
    expect(svg).toContain(`violates ${d.invariant}`);
  });

  it('rejects broken DOT (the check has teeth)', async () => {
    const viz = await instance();
    expect(viz.render('digraph { a -> ; }', { format: 'svg' }).status).toBe('failure');
  });
});

describe.skipIf(!HAVE_CHROMIUM)('Mermaid renders in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launch();
    page = await browser.newPage();
    await page.setContent('<!DOCTYPE html><html><body><div id="out"></div></body></html>');
    const require = createRequire(import.meta.url);
    await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
    await page.evaluate(() => (globalThis as any).mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }));
  });
  afterAll(async () => {
    await browser?.close();
  });

  const render = (text: string) =>
    page.evaluate(async (t) => {
      const m = (globalThis as any).mermaid;
      try {
        await m.parse(t);
        const { svg } = await m.render(`d${Math.floor(Math.random() * 1e9)}`, t);
        return { ok: true, svg: svg as string };
      } catch (e) {
        return { ok: false, svg: String((e as Error).message ?? e) };
      }
    }, text);

  it.each(cases)('%s', async (_n, make) => {
    const d = traceData(make());
    const r = await render(toMermaid(d));
    expect(r.ok, r.svg.slice(0, 300)).toBe(true);
    expect(r.svg.slice(0, 300)).not.toMatch(/error/i);
    for (const t of d.threads) expect(r.svg).toContain(`>${t}<`);
    expect(r.svg).toContain('violates');
  });

  it('rejects broken Mermaid (the check has teeth)', async () => {
    expect((await render('sequenceDiagram\n  A->>: hi\n  participant\n')).ok).toBe(false);
  });
});

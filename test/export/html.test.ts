// The HTML viewer in real headless Chromium: it is self-contained (no
// request leaves the page), draws a swimlane per thread, lock ownership and
// object state over time, the slider moves through every step, and clicking
// a step shows its state diff.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { toHtml } from '../../src/export/html.js';
import { traceData, type TraceContext } from '../../src/report/trace-data.js';
import { HAVE_CHROMIUM, launch } from './browser.js';
import { philosophersDeadlock, toyContext } from './fixtures.js';

describe('HTML is self-contained', () => {
  it('has no external reference and embeds the trace', () => {
    const html = toHtml(traceData(philosophersDeadlock()));
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('id="trace-data"');
    expect(html).toContain("default-src 'none'");
  });

  it('cannot be broken out of by data containing </script>', () => {
    const ctx = philosophersDeadlock();
    const html = toHtml({ ...traceData(ctx), description: '</script><script>alert(1)</script>' });
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });
});

describe.skipIf(!HAVE_CHROMIUM)('HTML viewer in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  const requests: string[] = [];
  const errors: string[] = [];

  async function open(ctx: TraceContext, name: string): Promise<Page> {
    const file = join(dir, name);
    writeFileSync(file, toHtml(traceData(ctx)));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready="1"]');
    return page;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loopcheck-html-'));
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders swimlanes, lock ownership and state timelines for every step', async () => {
    const ctx = philosophersDeadlock();
    const page = await open(ctx, 'phil.html');
    const n = ctx.trace.steps.length - 1;
    expect(await page.locator('tr.lane').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-thread')))).toEqual(['P0', 'P1', 'P2']);
    expect(await page.locator('td.act').count()).toBe(n);
    expect(await page.locator('tr.lane[data-thread="P2"] td.act').last().getAttribute('data-step')).toBe(String(n));
    expect(await page.locator('tr.lock').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-lock')))).toEqual(['fork[0]', 'fork[1]', 'fork[2]']);
    expect(await page.locator(`tr.lock[data-lock="fork[1]"] td[data-step="${n}"]`).textContent()).toBe('P1');
    expect(await page.locator('tr.timeline').count()).toBe(3);
    expect(await page.locator('thead th.viol').textContent()).toBe(String(n));
    await page.screenshot({ path: join(dir, 'phil.png'), fullPage: true });
    await page.close();
  });

  it('the slider moves through every step and the panel follows', async () => {
    const ctx = philosophersDeadlock();
    const page = await open(ctx, 'slider.html');
    const n = ctx.trace.steps.length - 1;
    expect(await page.locator('#diff').getAttribute('data-step')).toBe('0');
    expect(await page.locator('#diff h2').textContent()).toBe('Step 0: initial state');
    const slider = page.locator('#slider');
    for (let k = 1; k <= n; k++) {
      await slider.fill(String(k));
      expect(await page.locator('#step-label').textContent()).toMatch(new RegExp(`^step ${k} / ${n}`));
      expect(await page.locator('#diff').getAttribute('data-step')).toBe(String(k));
      expect(await page.locator('td.cur[data-step]').first().getAttribute('data-step')).toBe(String(k));
    }
    expect(await page.locator('#diff .violation').textContent()).toContain('violates deadlock');
    // keyboard and buttons
    await slider.focus();
    await page.keyboard.press('ArrowLeft');
    expect(await page.locator('#diff').getAttribute('data-step')).toBe(String(n - 1));
    await page.locator('#prev').click();
    expect(await page.locator('#diff').getAttribute('data-step')).toBe(String(n - 2));
    await page.close();
  });

  it('clicking a step shows its state diff', async () => {
    const page = await open(toyContext('ordered', 't1-never-done'), 'toy.html');
    await page.locator('tr.lane[data-thread="T1"] td.act[data-step="3"]').click();
    expect(await page.locator('#slider').inputValue()).toBe('3');
    const rows = await page.locator('#diff tr.change').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    );
    expect(rows).toEqual([
      ['T1.pc', 'state', '2', '3'],
      ['lockA', 'state', '2', '0'],
      ['lockB', 'state', '2', '0'],
    ]);
    expect(await page.locator('#diff .held').textContent()).toContain('none');
    await page.locator('thead th[data-step="2"]').click();
    expect(await page.locator('#diff .held').textContent()).toContain('T1{lockA, lockB}');
    await page.close();
  });

  it('made no network request and raised no error', () => {
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
  });
});

// The repository's own loopcheck.config.json (written by `loopcheck init`
// from the verdicts loopcheck found) must pass: a change to the loop model or
// the engine that changes any verdict fails `npm test` until the config is
// regenerated (`npx loopcheck init --force`) and the change reviewed.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lc } from './helpers.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

describe('loopcheck.config.json', () => {
  it('verify --config loopcheck.config.json passes, with every cell listed', () => {
    const r = lc(['verify', '--config', 'loopcheck.config.json', '--json'], { cwd: REPO });
    expect(r.stderr).toContain('loopcheck: using config loopcheck.config.json');
    const doc = JSON.parse(r.stdout);
    const cells = doc.expectations.cells as { run: string; cell: string; listed: boolean; status: string }[];
    expect(cells.filter((c) => c.status !== 'as-expected'), 'cells not as expected').toEqual([]);
    expect(cells.filter((c) => !c.listed).map((c) => c.cell), 'cells without an expectation').toEqual([]);
    expect(r.code).toBe(0);
    const models = new Set(doc.results.map((x: { model: string }) => x.model));
    expect(models).toContain('loop');
  });
});

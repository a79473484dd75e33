// The README's verdict matrix is today's run, not a hand-kept table: every
// row (scenario, invariant, one cell per strategy: "holds" or "VIOLATED (n)"
// with n the shortest counterexample's steps) must match the default
// `loopcheck verify --json` (the repository's config), and every cell the
// matrix does not list must hold, as the README says under the table.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const HEADER = '| scenario | invariant | pre-patch | post-patch | v5.17 | v6.11 |';

interface Cell {
  readonly model: string;
  readonly strategy: string;
  readonly scenario: string;
  readonly invariant: string;
  readonly status: string;
  readonly trace?: readonly unknown[];
}

/** The matrix rows: [scenarios, invariant or "(all…)", one cell text per strategy]. */
function matrixRows(): { scenarios: string[]; invariant: string; cells: string[] }[] {
  const text = readFileSync(README, 'utf8');
  const at = text.indexOf(HEADER);
  expect(at, 'README has the verdict matrix').toBeGreaterThanOrEqual(0);
  const lines = text.slice(at).split('\n').slice(2);
  const rows = lines.slice(0, lines.findIndex((l) => !l.startsWith('|')));
  return rows.map((l) => {
    const [scenarios, invariant, ...cells] = l.split('|').slice(1, -1).map((c) => c.trim().replace(/\*\*/g, ''));
    return { scenarios: scenarios.split(',').map((s) => s.trim()), invariant, cells };
  });
}

describe('README verdict matrix', () => {
  it('matches the default verify run cell for cell, and every unlisted cell holds', () => {
    const r = cli(['verify', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const results = (JSON.parse(r.stdout) as { results: Cell[] }).results.filter((c) => c.model === 'loop');
    const strategies = HEADER.split('|').slice(3, -1).map((s) => s.trim());
    const actual = new Map(results.map((c) => [`${c.strategy}|${c.scenario}|${c.invariant}`, c.status === 'violated' ? `VIOLATED (${c.trace!.length - 1})` : c.status]));
    const invariantsOf = (scenario: string) => [...new Set(results.filter((c) => c.scenario === scenario).map((c) => c.invariant))];
    const listed = new Set<string>();
    const wrong: string[] = [];
    for (const row of matrixRows()) {
      for (const scenario of row.scenarios) {
        const names = row.invariant === '(all others)'
          ? invariantsOf(scenario).filter((i) => !listed.has(`${scenario}|${i}`))
          : row.invariant.startsWith('(all')
            ? invariantsOf(scenario)
            : [row.invariant];
        expect(names.length, `${scenario}: a scenario of the default run`).toBeGreaterThan(0);
        for (const inv of names) {
          strategies.forEach((strategy, k) => {
            const got = actual.get(`${strategy}|${scenario}|${inv}`);
            if (got !== row.cells[k]) wrong.push(`${strategy} / ${scenario} / ${inv}: README ${row.cells[k]}, run ${got}`);
          });
          listed.add(`${scenario}|${inv}`);
        }
      }
    }
    for (const [key, got] of actual) {
      const [, scenario, inv] = key.split('|');
      if (!listed.has(`${scenario}|${inv}`) && got !== 'holds') wrong.push(`${key.replaceAll('|', ' / ')}: not in the README, run ${got}`);
    }
    expect(wrong).toEqual([]);
    expect(listed.size).toBeGreaterThan(50);
  }, 120_000);
});

// The library entry as a user imports it: `import … from 'loopcheck'`
// resolved through package.json `exports` (Node's self-reference), running
// the compiled dist/ with its shipped declarations.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

function node(code: string) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: REPO, encoding: 'utf8' });
}

describe("import from 'loopcheck'", () => {
  it('a value model written against the package entry is searched by its explore()', () => {
    const r = node(`
      import { valueModel, action, intRange, listOf, explore } from 'loopcheck';
      // Two counters that may each go up to 3; an invariant that fails when both reach 3.
      const fields = { c: listOf(2, intRange(0, 3)) };
      const m = valueModel({
        name: 'counters', fields,
        init: () => ({ c: [0, 0] }),
        actions: { inc: action({ params: { i: intRange(0, 1) }, actor: ({ i }) => 'C' + i,
          next: (s, { i }) => s.c.get(i) < 3 ? s.set('c', s.c.set(i, s.c.get(i) + 1)) : null }) },
        invariants: [{ name: 'not-both-full', description: 'x', holds: (s) => !(s.c.get(0) === 3 && s.c.get(1) === 3) }],
        isTerminal: () => true,
      });
      const r = explore(m);
      const o = r.outcomes.find((x) => x.invariant === 'not-both-full');
      console.log(JSON.stringify({ states: r.stats.states, verdict: o.verdict, steps: o.trace.steps.length - 1 }));
    `);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ states: 16, verdict: 'violated', steps: 6 });
  });

  it('exports the loop family, its strategies, scenarios and building blocks', () => {
    const r = node(`
      import * as lc from 'loopcheck';
      console.log(JSON.stringify({
        strategies: lc.STRATEGIES.map((s) => s.name),
        scenarios: lc.SCENARIOS.map((s) => s.name),
        fns: [typeof lc.Program, typeof lc.teardownTail, typeof lc.openersCheck, typeof lc.exploreParallel, typeof lc.checkLiveness],
        family: lc.loopFamily.name,
      }));
    `);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.strategies).toEqual(expect.arrayContaining(['pre-patch', 'post-patch']));
    expect(out.scenarios).toContain('stack-independent');
    expect(out.fns).toEqual(['function', 'function', 'function', 'function', 'function']);
    expect(out.family).toBe('loop');
  });

  it('ships declarations for the entry named by package.json', () => {
    const pkg = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8'));
    expect(pkg.exports['.'].types).toBe(pkg.types);
    const dts = readFileSync(`${REPO}${pkg.types}`, 'utf8');
    for (const name of ["from './values/index.js'", 'explore', 'Strategy', 'Model', 'SCENARIOS', 'ExploreResult']) expect(dts).toContain(name);
    expect(existsSync(`${REPO}dist/src/values/define.d.ts`)).toBe(true);
  });
});

// Proof that the loop tests are driven by the strategy registry: a copy of
// post-patch under a new name, loaded through the plugin path (which runs
// the step contract), is picked up by the test files when named in
// LOOPCHECK_TEST_PLUGINS, and every per-strategy check fails naming it
// until its golden rows, grammar and facts are declared, while it measures
// exactly as the strategy it copies.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPlugin, registeredLoopStrategies } from '../../src/app/plugins.js';
import { strategySource } from '../../src/cli/new-strategy.js';
import { explore } from '../../src/engine/bfs.js';
import { GOLDEN, goldenRow } from '../loop/golden.js';
import { grammar } from '../loop/grammar.js';
import { SCRIPTED, loopFamilyNow } from '../loop/helpers.js';
import { factsOf } from '../loop/strategy-facts.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NAME = 'post-patch-copy';
const dir = mkdtempSync(join(tmpdir(), 'loopcheck-fifth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, `${NAME}.ts`);
writeFileSync(file, strategySource('post-patch', NAME));

describe('a fifth strategy, registered as a plugin', () => {
  it('is registered (after the step contract) and builds', async () => {
    await loadPlugin(file, 'strategy');
    expect(registeredLoopStrategies().map((s) => s.name)).toContain(NAME);
    expect(loopFamilyNow().strategies.map((s) => s.name)).toContain(NAME);
  }, 120_000);

  it('has no golden rows, grammar or facts yet, and each lookup says so by name', () => {
    expect(goldenRow(NAME, SCRIPTED[0])).toBe(`no golden rows for the registered strategy ${NAME}: add them to test/loop/golden.ts`);
    expect(grammar(NAME, 2)).toMatch(new RegExp(`^no step grammar for the registered strategy ${NAME}`));
    expect(factsOf(NAME)).toMatch(new RegExp(`^no facts for the registered strategy ${NAME}`));
  });

  it('measures, in every scripted scenario, exactly the golden counts of the strategy it copies (so rows copied from post-patch would pass)', () => {
    const loop = loopFamilyNow();
    for (const scenario of SCRIPTED) {
      const r = explore(loop.build({ strategy: NAME, scenario, params: {} }), {});
      const row = GOLDEN['post-patch'][scenario];
      expect([r.stats.states, r.stats.transitions, r.stats.depth], scenario).toEqual([row.states, row.transitions, row.depth]);
    }
  });

  it('named in LOOPCHECK_TEST_PLUGINS, the registry-driven test files test it and fail naming what is missing', () => {
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', 'test/loop/registry.test.ts', 'test/loop/legal-steps.test.ts',
        // one worker, modules shared between the files: the plugin loads (and its step contract runs) once
        '--maxWorkers', '1', '--no-isolate', '--testTimeout', '120000',
        // the tests that name the copy, and of the random runs only the first scenario's
        '-t', `${NAME}( has| builds|$| × ${SCRIPTED[0]} \\{\\})`,
        '--reporter', 'json',
      ],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LOOPCHECK_TEST_PLUGINS: file }, timeout: 240_000, maxBuffer: 1 << 26 },
    );
    const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as {
      testResults: { assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
    };
    const results = report.testResults.flatMap((f) => f.assertionResults).filter((a) => a.status !== 'skipped' && a.status !== 'pending');
    const failed = (re: RegExp) => results.filter((a) => a.status === 'failed' && a.failureMessages.some((m) => re.test(m))).map((a) => a.fullName);
    expect(r.status).toBe(1);
    // contract-tested and golden-counted: the registry test searches every scripted scenario and fails for want of rows
    // (verdicts.test.ts looks its rows up with the same goldenRow)
    expect(failed(new RegExp(`no golden rows for the registered strategy ${NAME}`))).toEqual([
      `every registered loop strategy ${NAME} has golden state counts for every scripted scenario`,
      `every registered loop strategy ${NAME} builds on every scenario, searches each scripted one to the golden count, and its counterexamples replay`,
    ]);
    // grammar-checked: legal-steps wants its grammar
    expect(failed(new RegExp(`no step grammar for the registered strategy ${NAME}`))).toEqual(
      expect.arrayContaining([`every registered strategy has a step grammar ${NAME}`, `random complete runs consist of legal kernel steps and end in a terminal state ${NAME} × ${SCRIPTED[0]} {}`]),
    );
    // only tests of the copy ran
    expect(results.length).toBeGreaterThanOrEqual(4);
    expect(results.every((a) => a.fullName.includes(NAME))).toBe(true);
  }, 240_000);
});

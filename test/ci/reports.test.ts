// --junit, --sarif and GitHub Actions output. The JUnit file is read back by
// test-results-parser (the parser of the TestBeats CI reporter), the SARIF
// file validated against the SARIF 2.1.0 JSON schema that Microsoft ships in
// @microsoft/jest-sarif.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { parse as parseTestResults } from 'test-results-parser';
import { describe, expect, it } from 'vitest';
import { lc, philosophersConfig, tempDir, writeConfig } from './helpers.js';

const require = createRequire(import.meta.url);
const REPO = new URL('../../', import.meta.url).pathname;

function sarifValidator() {
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('--junit', () => {
  it('test cases carry their own times: the search split over the invariants, the analysis time over liveness and lock order', () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, { runs: [{ model: 'philosophers', params: { N: 5 }, invariants: ['eating-holds-forks', 'deadlock', 'hungry-eats'], expect: { 'hungry-eats': 'violated' } }] }, 'c.json');
    const out = join(dir, 'junit.xml');
    expect(lc(['verify', '--config', cfg, '--junit', out, '--json'], {}).code).toBe(0);
    const xml = readFileSync(out, 'utf8');
    const time = (name: string) => Number(new RegExp(`<testcase name="${name}"[^>]* time="([\\d.]+)"`).exec(xml)![1]);
    const suite = Number(/<testsuite [^>]*time="([\d.]+)"/.exec(xml)![1]);
    const search = time('eating-holds-forks');
    expect(time('deadlock')).toBe(search);
    expect(time('hungry-eats')).toBeGreaterThan(0);
    expect(time('hungry-eats')).not.toBe(search);
    expect(Math.abs(2 * search + time('hungry-eats') - suite)).toBeLessThan(0.01);
  });

  it('one test case per cell; a mismatch is a failure with expected/actual and the Markdown trace', () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, philosophersConfig({ leftyDeadlock: 'holds' }), 'c.json');
    const out = join(dir, 'reports', 'junit.xml'); // parent created on write
    const r = lc(['verify', '--config', cfg, '--junit', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`wrote JUnit report ${out}`);
    const res = parseTestResults({ type: 'junit', files: [out] });
    expect(res.total).toBe(4);
    expect(res.failed).toBe(1);
    expect(res.passed).toBe(3);
    expect(res.suites.map((s) => s.name)).toEqual(['calm', 'lefty']);
    const failed = res.suites.flatMap((s) => s.cases).filter((c) => c.status === 'FAIL');
    expect(failed.map((c) => c.name)).toEqual(['deadlock']);
    expect(failed[0].failure).toBe('lefty: deadlock: expected holds, got violated (8-step counterexample)');
    expect(failed[0].stack_trace).toContain('expected: holds\nactual: violated');
    expect(failed[0].stack_trace).toContain('### Counterexample: deadlock after 8 steps');
    expect(failed[0].stack_trace).toMatch(/\| \*\*8\*\* ⚠ \| P3 \| `take-first\(fork=3\)` \*\*← violates `deadlock`\*\*/);
    // Written atomically: no temporary file left behind.
    expect(readdirSync(join(dir, 'reports'))).toEqual(['junit.xml']);
  });

  it('an incomplete cell is an error; without a config every cell must hold', () => {
    const dir = tempDir();
    const out = join(dir, 'j.xml');
    const r = lc(['verify', '--no-config', '--model', 'philosophers', '--param', 'N=5', '--max-states', '50', '--junit', out]);
    expect(r.code).toBe(3);
    const res = parseTestResults({ type: 'junit', files: [out] });
    expect(res.total).toBe(2);
    expect(res.errors).toBe(2);
    expect(readFileSync(out, 'utf8')).toContain('<error message="philosophers: deadlock: expected holds (not listed), got incomplete (search stopped: max-states)" type="incomplete">');
  });

  it('a bad report path is a one-line exit-2 error before any search', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    for (const [flag, path, msg] of [
      ['--junit', join(dir, 'file', 'x.xml'), /is not a directory/],
      ['--sarif', dir, /is a directory/],
    ] as const) {
      const r = lc(['verify', '--model', 'philosophers', '--param', 'N=64', flag, path]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
  });
});

describe('--sarif', () => {
  it('validates against the SARIF 2.1.0 schema: one result per unexpected violation, thread flows per actor', () => {
    const dir = tempDir();
    const cfg = writeConfig(dir, {
      runs: [
        ...philosophersConfig({ leftyDeadlock: 'holds' }).runs,
        { name: 'expected', model: 'philosophers', params: { N: 3, lefty: 1 }, expect: { deadlock: 'violated' } },
        { name: 'gone', model: 'philosophers', params: { N: 3 }, expect: { deadlock: 'violated' } },
      ],
    }, 'c.json');
    const out = join(dir, 'loopcheck.sarif');
    const r = lc(['verify', '--config', cfg, '--sarif', out]);
    expect(r.code).toBe(1);
    const log = JSON.parse(readFileSync(out, 'utf8'));
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('loopcheck');
    expect(run.results).toHaveLength(1); // the expected violation is not a result
    const res = run.results[0];
    expect(res.ruleId).toBe('deadlock');
    expect(run.tool.driver.rules[res.ruleIndex].id).toBe('deadlock');
    expect(res.message.text).toContain('lefty: deadlock');
    const flows = res.codeFlows[0].threadFlows;
    expect(flows.map((f: { id: string }) => f.id).sort()).toEqual(['P0', 'P1', 'P2', 'P3']);
    const steps = flows.flatMap((f: { locations: { executionOrder: number }[] }) => f.locations.map((l) => l.executionOrder)).sort((a: number, b: number) => a - b);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const f of flows) {
      for (const l of f.locations) {
        const uri = l.location.physicalLocation.artifactLocation.uri as string;
        expect(uri).toMatch(/^models\/philosophers\//);
        expect(existsSync(join(REPO, uri))).toBe(true);
        expect(l.location.physicalLocation.region.startLine).toBeGreaterThan(0);
      }
    }
    // The expected violation that vanished is reported as a notification.
    const notes = run.invocations[0].toolExecutionNotifications;
    expect(notes).toHaveLength(1);
    expect(notes[0].message.text).toBe('gone: deadlock: expected violated, got holds');
  });

  it('is valid with no result at all', () => {
    const dir = tempDir();
    const out = join(dir, 's.sarif');
    const r = lc(['verify', '--no-config', '--model', 'philosophers', '--param', 'N=3', '--sarif', out]);
    expect(r.code).toBe(0);
    const log = JSON.parse(readFileSync(out, 'utf8'));
    expect(sarifValidator()(log)).toBe(true);
    expect(log.runs[0].results).toEqual([]);
  });
});

describe('GitHub Actions', () => {
  it('prints ::error for unexpected verdicts only and appends a Markdown summary', () => {
    const dir = tempDir();
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, 'earlier step\n');
    const cfg = writeConfig(dir, {
      runs: [
        ...philosophersConfig({ leftyDeadlock: 'holds' }).runs,
        { name: 'expected', model: 'philosophers', params: { N: 3, lefty: 1 }, expect: { deadlock: 'violated' } },
      ],
    }, 'c.json');
    const r = lc(['verify', '--config', cfg], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    expect(r.code).toBe(1);
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^::error file=models\/philosophers\/[\w/.-]+\.ts,line=\d+,title=loopcheck%3A lefty%3A deadlock::lefty: deadlock: expected holds, got violated \(8-step counterexample\)/,
    );
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('earlier step\n## loopcheck: ❌ 1 verdict differs from the expectations')).toBe(true);
    expect(md).toContain('| search | eating-holds-forks | deadlock | states | seconds |');
    expect(md).toContain('| ✅ holds | ❌ **violated** (expected holds) |');
    expect(md).toContain('<details open><summary>❌ lefty: deadlock: 8-step counterexample (unexpected)</summary>');
    // Unexpected first (listed, then its trace), then the matrix, then the expected violation as one line without its trace.
    const at = (s: string) => md.indexOf(s);
    expect(at('### Unexpected results')).toBeGreaterThan(0);
    expect(at('- ❌ lefty: deadlock: expected holds, got violated (8-step counterexample)')).toBeGreaterThan(at('### Unexpected results'));
    expect(at('<details open><summary>❌ lefty: deadlock')).toBeGreaterThan(at('- ❌ lefty: deadlock'));
    expect(at('| search | eating-holds-forks | deadlock | states | seconds |')).toBeGreaterThan(at('<details open><summary>❌ lefty: deadlock'));
    expect(at('- ✅ expected: deadlock: violated, 6-step counterexample (expected)')).toBeGreaterThan(at('| search |'));
    expect(md).not.toContain('✅ expected: deadlock: 6-step counterexample (expected)</summary>');
    // --verbose: the expected violation's trace too, collapsed.
    const verbose = join(dir, 'verbose.md');
    expect(lc(['verify', '--config', cfg, '--verbose'], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: verbose } }).code).toBe(1);
    const vmd = readFileSync(verbose, 'utf8');
    expect(vmd.indexOf('<details><summary>✅ expected: deadlock: 6-step counterexample (expected)</summary>')).toBeGreaterThan(vmd.indexOf('### Expected violations (1)'));
  });

  it('more than 10 unexpected cells: the first 9 annotations and one that counts the rest and says where they are', () => {
    const dir = tempDir();
    const runs = Array.from({ length: 12 }, (_, k) => ({ name: `lefty${k}`, model: 'philosophers', params: { N: 3, lefty: 1 }, invariants: ['deadlock'] }));
    const cfg = writeConfig(dir, { runs }, 'c.json');
    const r = lc(['verify', '--config', cfg, '--sarif', join(dir, 'out.sarif')], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 's.md') } });
    expect(r.code).toBe(1);
    const errors = r.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(10);
    expect(errors.slice(0, 9).every((e) => /title=loopcheck%3A lefty\d%3A deadlock::/.test(e))).toBe(true);
    expect(errors[9]).toMatch(/^::error title=loopcheck%3A 3 more unexpected cells::3 more cells are not as expected \(12 in all\); .*the job summary, the SARIF report .*out\.sarif$/);
  });

  it('stays quiet outside GitHub Actions', () => {
    const dir = tempDir();
    const summary = join(dir, 'summary.md');
    const r = lc(['verify', '--config', writeConfig(dir, philosophersConfig({ leftyDeadlock: 'holds' }), 'c.json')], {
      env: { GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('::error');
    expect(existsSync(summary)).toBe(false);
  });
});

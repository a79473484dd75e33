// The CI reports of a gate run with --por: JUnit, SARIF, the terminal gate
// text, the GitHub Actions annotations and job summary each say where a
// reader of that format looks that a counterexample may not be the shortest,
// and that the run was reduced. The same config without --por says neither,
// so every assertion would fail if the reports ignored the reduction.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { parse as parseTestResults } from 'test-results-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { lc, tempDir, writeConfig } from './helpers.js';

const require = createRequire(import.meta.url);

/** What a counterexample found under --por says in one-line messages, and in full. */
const MARK = 'found under --por: not necessarily the shortest';
const NOTE = 'found under partial-order reduction (--por): a real run, but not necessarily the shortest';

/**
 * philosophers with the lefty fork order, which deadlock, on invariants --por
 * preserves (no liveness: this model's graph has cycles): N=4 is not
 * expected to deadlock (an unexpected counterexample), N=3 is (an expected one).
 */
const CONFIG = {
  runs: [
    { name: 'new', model: 'philosophers', params: { N: 4, lefty: 1 }, invariants: ['eating-holds-forks', 'deadlock'], expect: { deadlock: 'holds' } },
    { name: 'known', model: 'philosophers', params: { N: 3, lefty: 1 }, invariants: ['eating-holds-forks', 'deadlock'], expect: { deadlock: 'violated' } },
  ],
};

interface GateRun {
  readonly code: number;
  readonly stdout: string;
  readonly junitFile: string;
  readonly junit: string;
  readonly sarif: Sarif.Log;
  readonly summary: string;
}

function gate(por: boolean): GateRun {
  const dir = tempDir();
  const cfg = writeConfig(dir, CONFIG, 'c.json');
  const [junit, sarif, summary] = [join(dir, 'j.xml'), join(dir, 's.sarif'), join(dir, 'summary.md')];
  const r = lc(['verify', '--config', cfg, '--junit', junit, '--sarif', sarif, ...(por ? ['--por'] : [])], {
    env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
  });
  return { code: r.code, stdout: r.stdout, junitFile: junit, junit: readFileSync(junit, 'utf8'), sarif: JSON.parse(readFileSync(sarif, 'utf8')), summary: readFileSync(summary, 'utf8') };
}

let reduced: GateRun;
let full: GateRun;

describe('CI reports of a --por gate run', () => {
  beforeAll(() => {
    reduced = gate(true);
    full = gate(false);
  }, 120_000);

  it('exit 1 both ways: the same unexpected deadlock', () => {
    expect(reduced.code).toBe(1);
    expect(full.code).toBe(1);
  });

  it('JUnit: the failure message and body say the trace may not be the shortest; the suite properties say the search was reduced', () => {
    const parse = (run: GateRun) => parseTestResults({ type: 'junit', files: [run.junitFile] });
    const failedCase = (run: GateRun) => parse(run).suites.flatMap((s) => s.cases).find((c) => c.status === 'FAIL')!;
    expect(failedCase(reduced).failure).toBe(`new: deadlock: expected holds, got violated (8-step counterexample, ${MARK})`);
    expect(failedCase(reduced).stack_trace).toContain(`note: ${NOTE}`);
    expect(failedCase(full).failure).toBe('new: deadlock: expected holds, got violated (8-step counterexample)');
    expect(failedCase(full).stack_trace).not.toContain('not necessarily the shortest');
    // Every suite (search) says whether it was reduced.
    expect(reduced.junit.match(/<property name="partial-order-reduction" value="true"\/>/g)).toHaveLength(2);
    expect(full.junit.match(/<property name="partial-order-reduction" value="false"\/>/g)).toHaveLength(2);
    // The expected violation's trace, kept in system-out, carries the note too.
    const passed = parse(reduced).suites.flatMap((s) => s.cases).filter((c) => c.name === 'deadlock' && c.status === 'PASS');
    expect(passed).toHaveLength(1);
    expect(reduced.junit).toMatch(/<system-out>expected violation found[^<]*found under partial-order reduction \(--por\)/);
  });

  it('SARIF: the result message, code flow and properties carry the note; the run counts its reduced searches and says so in a notification; still valid SARIF', () => {
    const result = (log: Sarif.Log) => log.runs[0].results![0];
    const r = result(reduced.sarif);
    expect(r.message.text).toContain(`(8-step counterexample, ${MARK})`);
    expect(r.codeFlows![0].message!.text).toContain(NOTE);
    expect(r.properties).toMatchObject({ partialOrderReduced: true, shortest: false, note: expect.stringContaining(NOTE) });
    expect(reduced.sarif.runs[0].properties).toEqual({ searches: 2, partialOrderReducedSearches: 2 });
    const notes = reduced.sarif.runs[0].invocations![0].toolExecutionNotifications ?? [];
    expect(notes.filter((n) => n.descriptor?.id === 'partial-order-reduction')).toHaveLength(1);

    const f = result(full.sarif);
    expect(JSON.stringify(f)).not.toContain('not necessarily the shortest');
    expect(f.properties!.partialOrderReduced).toBe(false);
    expect(f.properties!.shortest).toBeUndefined();
    expect(full.sarif.runs[0].properties).toEqual({ searches: 2, partialOrderReducedSearches: 0 });
    expect(JSON.stringify(full.sarif.runs[0].invocations)).not.toContain('partial-order-reduction');

    const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
    const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(reduced.sarif), JSON.stringify(validate.errors)).toBe(true);
  });

  it('terminal and GitHub Actions: the annotation, the summary head, its trace and the expected-violation lines say so', () => {
    const annotation = (run: GateRun) => run.stdout.split('\n').find((l) => l.startsWith('::error '))!;
    expect(annotation(reduced)).toContain(MARK);
    expect(annotation(full)).not.toContain(MARK);
    // The unexpected cell's table row and the expected violation's one line.
    expect(reduced.stdout).toContain(`violated (8-step counterexample, ${MARK})`);
    expect(reduced.stdout).toContain(`known: deadlock: violated (6-step counterexample, ${MARK}), as expected`);
    expect(full.stdout).toContain('known: deadlock: violated (6-step counterexample), as expected');
    expect(full.stdout).not.toContain('not necessarily the shortest');

    expect(reduced.summary).toContain('· partial-order reduction (--por) in 2 of 2 searches: counterexamples may not be the shortest');
    expect(reduced.summary).toContain(`<summary>❌ new: deadlock: 8-step counterexample, ${MARK} (unexpected)</summary>`);
    expect(reduced.summary).toContain(`> ${NOTE}`);
    expect(reduced.summary).toContain(`known: deadlock: violated, 6-step counterexample, ${MARK} (expected)`);
    expect(full.summary).not.toContain('partial-order reduction');
    expect(full.summary).not.toContain('not necessarily the shortest');
  });
});

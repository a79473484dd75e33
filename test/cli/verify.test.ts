// The CLI contract: exit codes 0/1/2/3, the --json shape, and one-line
// errors without stack traces for bad input.

import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

describe('exit codes', () => {
  it('0 when every invariant holds and the search is exhaustive', () => {
    const r = cli(['verify', '--model', 'philosophers', '--param', 'N=4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('eating-holds-forks');
    expect(r.stdout).toMatch(/450\s+1,479\s+17/);
  });

  it('3 when a limit cuts the search short, and the table says incomplete', () => {
    const r = cli(['verify', '--model', 'philosophers', '--param', 'N=5', '--max-states', '100']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('incomplete');
    expect(r.stdout).not.toMatch(/ holds$/m);
  });

  it('3 for a depth limit too', () => {
    const r = cli(['verify', '--model', 'philosophers', '--param', 'N=4', '--max-depth', '5']);
    expect(r.code).toBe(3);
  });

  it('2 for usage errors, each one line on stderr without a stack trace', () => {
    const bad: [string[], RegExp][] = [
      [['verify', '--model', 'nope'], /unknown model 'nope' \(valid: .*philosophers/],
      [['verify', '--model', 'philosophers', '--param', 'Q=1'], /unknown parameter 'Q' .*valid: N, M/],
      [['verify', '--model', 'philosophers', '--param', 'N'], /malformed --param 'N'/],
      [['verify', '--model', 'philosophers', '--param', 'N=1'], /out of range 2\.\.64/],
      [['verify', '--model', 'philosophers', '--max-states', 'x'], /--max-states needs a positive integer/],
      [['verify', '--model', 'philosophers', '--max-states', '0'], /--max-states needs a positive integer/],
      [['verify', '--model', 'philosophers', '--time-limit', '-1'], /--time-limit needs a positive number/],
      [['verify', '--model', 'philosophers', '--invariant', 'nope'], /unknown invariant 'nope'/],
      [['verify', '--model', 'philosophers', '--strategy', 'x'], /has no strategies/],
      [['verify', '--bogus'], /unknown option '--bogus'/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [args, msg] of bad) {
      const r = cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(r.stderr, args.join(' ')).not.toMatch(/\n\s+at /);
      expect(r.stdout, args.join(' ')).toBe('');
    }
  });
});

describe('--json', () => {
  it('prints one JSON document with one result per run and invariant', () => {
    const r = cli(['verify', '--model', 'philosophers', '--param', 'N=4', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.tool).toBe('loopcheck');
    expect(typeof doc.version).toBe('string');
    expect(doc.results.map((x: { invariant: string }) => x.invariant)).toEqual(['eating-holds-forks', 'deadlock']);
    for (const res of doc.results) {
      expect(res).toMatchObject({ model: 'philosophers', status: 'holds', trace: null });
      expect(res.stats).toMatchObject({ states: 450, transitions: 1479, depth: 17 });
      expect(typeof res.stats.seconds).toBe('number');
    }
  });

  it('marks limited runs incomplete in JSON too', () => {
    const r = cli(['verify', '--model', 'philosophers', '--param', 'N=4', '--max-states', '10', '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).results.every((x: { status: string }) => x.status === 'incomplete')).toBe(true);
  });
});

describe('list', () => {
  it('describes models, parameters and invariants', () => {
    const r = cli(['list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/philosophers/);
    expect(r.stdout).toMatch(/N\s+number of philosophers and forks \(default 10, 2\.\.64\)/);
    expect(r.stdout).toMatch(/eating-holds-forks\s+every eating philosopher holds both of its forks/);
  });
});

// Config validation: structure by the JSON schema, names by the registry;
// every problem is one line naming the file and the JSON path.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/app/errors.js';
import { CONFIG_SCHEMA } from '../../src/ci/config-schema.js';
import { parseConfig } from '../../src/ci/config.js';
import { judge } from '../../src/ci/cells.js';

const err = (text: string): string => {
  try {
    parseConfig(text, 'c.json');
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const msg = (e as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('config was accepted');
};

const run = (extra: string) => `{ "runs": [ { "model": "philosophers", "params": { "N": 3 }${extra} } ] }`;

describe('config schema errors carry the JSON path', () => {
  const cases: [string, string][] = [
    ['{ "runs": [], "extra": 1 }', `c.json: $.extra: unknown key 'extra' (valid: $schema, plugins, limits, runs)`],
    ['{ "runs": [ { "model": "philosophers", "strategy": ["x"] } ] }', `c.json: $.runs[0].strategy: unknown key 'strategy' (valid: name, model, params, strategies, scenarios, invariants, limits, expect)`],
    ['{ "limits": {} }', `c.json: $: missing required key 'runs'`],
    ['{ "runs": "loop" }', `c.json: $.runs: expected array, got string "loop"`],
    ['{ "runs": [] }', 'c.json: $.runs: must NOT have fewer than 1 items'],
    [run(', "params": { "N": "4" }').replace('"params": { "N": 3 }, ', ''), `c.json: $.runs[0].params.N: expected integer, got string "4"`],
    [run(', "limits": { "maxStates": 0 }'), 'c.json: $.runs[0].limits.maxStates: must be >= 1'],
    [run(', "limits": { "maxStates": 1.5 }'), 'c.json: $.runs[0].limits.maxStates: expected integer, got number 1.5'],
    [run(', "limits": { "states": 10 }'), `c.json: $.runs[0].limits.states: unknown key 'states' (valid: maxStates, maxDepth, timeLimit)`],
    [run(', "expect": { "deadlock": "fails" }'), 'c.json: $.runs[0].expect.deadlock: expected one of holds, violated, incomplete-ok, got "fails"'],
    [run(', "invariants": ["deadlock", "deadlock"]'), 'c.json: $.runs[0].invariants: duplicate entries (items 0 and 1)'],
  ];
  for (const [text, msg] of cases) it(msg, () => expect(err(text)).toBe(msg));
});

describe('config name errors carry the JSON path', () => {
  const cases: [string, RegExp][] = [
    ['{ "runs": [ { "model": "nope" } ] }', /^c\.json: \$\.runs\[0\]\.model: unknown model 'nope' \(valid: .*philosophers/],
    [run('').replace('"N": 3', '"Q": 3'), /^c\.json: \$\.runs\[0\]\.params\.Q: unknown parameter 'Q' for model philosophers \(valid: N, M, lefty\)$/],
    [run('').replace('"N": 3', '"N": 1'), /^c\.json: \$\.runs\[0\]\.params\.N: N=1 out of range 2\.\.64$/],
    [run(', "strategies": ["x"]'), /^c\.json: \$\.runs\[0\]\.strategies: model philosophers has no strategies$/],
    [run(', "invariants": ["deadlock", "nope"]'), /^c\.json: \$\.runs\[0\]\.invariants\[1\]: unknown invariant 'nope' for model philosophers \(valid: eating-holds-forks, hungry-eats, lock-order, deadlock\)$/],
    [run(', "expect": { "a / deadlock": "holds" }'), /^c\.json: \$\.runs\[0\]\.expect\["a \/ deadlock"\]: cell key must have the form '<invariant>' for model philosophers$/],
    [run(', "expect": { "dedlock": "holds" }'), /^c\.json: \$\.runs\[0\]\.expect\.dedlock: unknown invariant 'dedlock' .*valid: eating-holds-forks, hungry-eats, lock-order, deadlock/],
    [run(', "invariants": ["deadlock"], "expect": { "eating-holds-forks": "holds" }'), /^c\.json: \$\.runs\[0\]\.expect\["eating-holds-forks"\]: this run does not check that cell/],
    [`{ "runs": [ { "model": "philosophers" }, { "model": "philosophers" } ] }`, /^c\.json: \$\.runs\[1\]: runs 0 and 1 are both labelled 'philosophers'; give one a "name"$/],
    [run(', "expect": { "deadlock": "holds", "deadlock": "violated" }'), /^c\.json: \$\.runs\[0\]\.expect\.deadlock: duplicate key \(line 1, column \d+\)$/],
    ['{ "runs": [ { "model": "philosophers", } ] }', /^c\.json: line 1, column \d+: invalid JSON: (PropertyNameExpected|ValueExpected)$/],
    ['', /^c\.json: \$: empty file$/],
  ];
  for (const [text, msg] of cases) it(String(msg), () => expect(err(text)).toMatch(msg));
});

describe('a valid config', () => {
  it('accepts comments, normalises cell keys and merges limits (command line over run over file)', () => {
    const cfg = parseConfig(
      `// header comment
      { "limits": { "maxStates": 100, "maxDepth": 9 },
        /* two runs */
        "runs": [
          { "model": "philosophers", "params": { "N": 3, "lefty": 1 }, "limits": { "maxDepth": 5 },
            "expect": { "deadlock": "violated", "eating-holds-forks" : "incomplete-ok" } },
          { "name": "calm", "model": "philosophers", "params": { "N": 3 } } ] }`,
      'c.json',
      { timeLimit: 7 },
    );
    expect(cfg.runs.map((r) => r.label)).toEqual(['philosophers (N=3, lefty=1)', 'calm']);
    expect(cfg.runs[0].limits).toEqual({ maxStates: 100, maxDepth: 5, timeLimit: 7 });
    expect(cfg.runs[1].limits).toEqual({ maxStates: 100, maxDepth: 9, timeLimit: 7 });
    expect([...cfg.runs[0].expect]).toEqual([
      ['deadlock', 'violated'],
      ['eating-holds-forks', 'incomplete-ok'],
    ]);
    expect(cfg.runs[0].searches[0].cells).toEqual(['eating-holds-forks', 'deadlock']);
  });

  it('the shipped JSON schema file is the one the code validates with', () => {
    const file = JSON.parse(readFileSync(new URL('../../src/ci/loopcheck.config.schema.json', import.meta.url), 'utf8'));
    expect(file).toEqual(JSON.parse(JSON.stringify(CONFIG_SCHEMA)));
  });
});

describe('judging a cell', () => {
  it('follows the expectation table', () => {
    expect(judge('holds', 'holds')).toBe('as-expected');
    expect(judge('holds', 'violated')).toBe('differs');
    expect(judge('holds', 'incomplete')).toBe('incomplete');
    expect(judge('violated', 'violated')).toBe('as-expected');
    expect(judge('violated', 'holds')).toBe('differs');
    expect(judge('violated', 'incomplete')).toBe('incomplete');
    expect(judge('incomplete-ok', 'holds')).toBe('as-expected');
    expect(judge('incomplete-ok', 'incomplete')).toBe('as-expected');
    expect(judge('incomplete-ok', 'violated')).toBe('differs');
  });
});

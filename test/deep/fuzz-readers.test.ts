// Issue 7: fuzzing the two readers of user files, in-process, with fast-check.
//
// - The config reader (parseConfig in src/ci/config.ts) and the trace reader
//   (parseTraceFile + loadTrace in src/export/trace-json.ts, then replay in
//   src/export/replay.ts; readTraceFile in src/cli/export-cmd.ts wraps them
//   for `replay` and `export`) get random JSON, random text and bytes, and
//   random mutations of valid files (keys dropped, values of other types,
//   random strings and numbers, truncation, garbage spliced in).
// - Property: each either succeeds or throws the project's "exit 2" error
//   (UsageError; TraceFileError inside the trace reader), with a message of one
//   line; never a TypeError, RangeError or anything else.
// - A trace that loads and replays OK really replays: checked step by step
//   against the model here, independently of replay().
// - A few fuzzed files go through the built binary: exit 2, one line.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/ci/config.js';
import { UsageError } from '../../src/app/errors.js';
import { contextOf, readTraceFile } from '../../src/cli/export-cmd.js';
import { plan } from '../../src/app/plan.js';
import { FAMILIES } from '../../src/app/registry.js';
import { executeRun } from '../../src/app/run.js';
import { DEADLOCK } from '../../src/engine/result.js';
import { StateView } from '../../src/engine/state-view.js';
import { replay } from '../../src/export/replay.js';
import { loadTrace, parseTraceFile, traceFileText, TraceFileError, type LoadedTrace } from '../../src/export/trace-json.js';
import { BIN } from '../cli/run-cli.js';

/** Cases run, per property, for the report. */
const counts = new Map<string, number>();
const SEED = Number(process.env.FUZZ_SEED ?? 20240307);
function check<T>(name: string, arb: fc.Arbitrary<T>, predicate: (t: T) => void, numRuns: number): void {
  let n = 0;
  fc.assert(
    fc.property(arb, (t) => {
      n++;
      predicate(t);
    }),
    { numRuns, seed: SEED },
  );
  counts.set(name, (counts.get(name) ?? 0) + n);
}

// ---------------------------------------------------------------- seeds

const CONFIG_SEED = `// loopcheck config: the seed of the config fuzzer
{
  "$schema": "./src/ci/loopcheck.config.schema.json",
  /* limits for every run */
  "limits": { "maxStates": 100000, "timeLimit": 60 },
  "runs": [
    {
      "name": "philosophers deadlock",
      "model": "philosophers",
      "params": { "N": 3, "lefty": 1 },
      "invariants": ["deadlock", "eating-holds-forks"],
      "expect": { "deadlock": "violated" }
    },
    {
      "model": "loop",
      "strategies": ["pre-patch", "post-patch"],
      "scenarios": ["stack-independent"],
      "limits": { "maxDepth": 40 },
      "expect": {
        "pre-patch / stack-independent / stacked-io": "violated",
        "pre-patch/stack-independent/stacked-no-teardown": "incomplete-ok"
      }
    }
  ]
}
`;

let philTrace = ''; // philosophers N=3 lefty=1: a 6-step deadlock
let loopTrace = ''; // loop pre-patch stack-independent: stacked-io

async function traceText(input: Parameters<typeof plan>[0], invariant: string): Promise<string> {
  const [run] = plan(input);
  const done = await executeRun(run, { workers: 1 });
  const outcome = done.result.outcomes.find((o) => o.invariant === invariant && o.trace);
  if (!outcome) throw new Error(`no ${invariant} counterexample`);
  return traceFileText(contextOf(done, outcome));
}

let tmp = '';
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'loopcheck-fuzz-'));
  philTrace = await traceText({ model: 'philosophers', params: ['N=3', 'lefty=1'], invariants: [DEADLOCK] }, DEADLOCK);
  loopTrace = await traceText({ model: 'loop', strategies: ['pre-patch'], scenarios: ['stack-independent'], invariants: ['stacked-io'] }, 'stacked-io');
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  process.stdout.write(`fuzz cases: ${total} (${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')})\n`);
});

// ---------------------------------------------------------------- mutations

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value inside `doc`, the root included. */
function paths(doc: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(doc)) doc.forEach((v, i) => paths(v, [...at, i], out));
  else if (doc !== null && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) paths(v, [...at, k], out);
  return out;
}

type Op =
  | { kind: 'delete' }
  | { kind: 'replace'; value: Json }
  | { kind: 'number'; value: number }
  | { kind: 'bump'; by: number }
  | { kind: 'string'; value: string }
  | { kind: 'add-key'; key: string; value: Json }
  | { kind: 'empty' }
  | { kind: 'deep'; depth: number };

const numbers = fc.oneof(
  fc.integer({ min: -3, max: 300 }),
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 0.1),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const strings = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', 'deadlock', 'loop', 'philosophers', 'pre-patch', 'post-patch', 'stack-independent', '__proto__', 'constructor', 'toString', 'a\nb', '\u001b[31m', 'N', 'fork[0]', 'meals'),
);
const keys = fc.oneof(strings, fc.constantFrom('schema', 'model', 'params', 'steps', 'state', 'label', 'action', 'thread', 'step', 'runs', 'limits', 'expect', 'strategies'));
const jsonValues: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  numbers,
  strings,
  fc.constantFrom<Json>(null, true, false, [], {}, [[]], { toString: 1 }, { thread: 'P0', action: 'x' }, { thread: 'P0', action: { toString: 1 } }, { valueOf: 'x', toString: [] }),
);
const ops: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ kind: 'delete' }),
  fc.record({ kind: fc.constant('replace' as const), value: jsonValues }),
  fc.record({ kind: fc.constant('number' as const), value: numbers }),
  fc.record({ kind: fc.constant('bump' as const), by: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ kind: fc.constant('string' as const), value: strings }),
  fc.record({ kind: fc.constant('add-key' as const), key: keys, value: jsonValues }),
  fc.constant<Op>({ kind: 'empty' }),
  fc.record({ kind: fc.constant('deep' as const), depth: fc.integer({ min: 50, max: 20_000 }) }),
);
const mutations = fc.array(fc.record({ where: fc.nat(), op: ops }), { minLength: 1, maxLength: 4 });

function parent(doc: Json, path: (string | number)[]): [Record<string | number, Json> | Json[], string | number] | null {
  if (path.length === 0) return null;
  let cur: Json = doc;
  for (const s of path.slice(0, -1)) cur = (cur as Record<string | number, Json>)[s];
  return [cur as Record<string | number, Json>, path[path.length - 1]];
}

/** Applies the mutations to a deep copy of `doc`; a mutation at the root replaces it. */
function mutate(doc: Json, muts: { where: number; op: Op }[]): Json {
  let out: Json = structuredClone(doc);
  for (const { where, op } of muts) {
    const all = paths(out);
    const path = all[where % all.length];
    const p = parent(out, path);
    const get = (): Json => (p ? (p[0] as Record<string | number, Json>)[p[1]] : out);
    const set = (value: Json) => {
      const v = structuredClone(value); // constants from the arbitraries are shared between runs
      if (p) (p[0] as Record<string | number, Json>)[p[1]] = v;
      else out = v;
    };
    const cur = get();
    switch (op.kind) {
      case 'delete':
        if (!p) out = null;
        else if (Array.isArray(p[0])) p[0].splice(p[1] as number, 1);
        else delete (p[0] as Record<string, Json>)[p[1]];
        break;
      case 'replace':
        set(op.value);
        break;
      case 'number':
        set(op.value);
        break;
      case 'bump':
        set(typeof cur === 'number' ? cur + op.by : op.by);
        break;
      case 'string':
        set(op.value);
        break;
      case 'add-key':
        if (cur !== null && typeof cur === 'object' && !Array.isArray(cur)) cur[op.key] = structuredClone(op.value);
        else if (Array.isArray(cur)) cur.push(structuredClone(op.value));
        else set({ [op.key]: op.value });
        break;
      case 'deep':
        set(`${DEEP}${op.depth}`); // render() swaps in arrays nested this deep (JSON.stringify would overflow on them)
        break;
      case 'empty':
        set(Array.isArray(cur) ? [] : cur !== null && typeof cur === 'object' ? {} : typeof cur === 'string' ? '' : 0);
        break;
    }
  }
  return out;
}

const DEEP = '\u0000deep:';

/** JSON text of a mutated document, with the 'deep' placeholders expanded. */
function render(doc: Json, muts: { where: number; op: Op }[]): string {
  return JSON.stringify(mutate(doc, muts)).replace(/"\\u0000deep:(\d+)"/g, (_m, n: string) => '['.repeat(Number(n)) + ']'.repeat(Number(n)));
}

/** Text-level damage: truncation, garbage spliced in, a character flipped. */
const textDamage = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), junk: fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('{', '}', '[', ']', ',', '"', '\\', '/*', '//', '\u0000', '\ufeff', 'NaN', '1e999')) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), to: fc.integer({ min: 0, max: 0x7f }) }),
);
type Damage = typeof textDamage extends fc.Arbitrary<infer D> ? D : never;

function damage(text: string, ds: Damage[]): string {
  let t = text;
  for (const d of ds) {
    const at = t.length === 0 ? 0 : d.at % (t.length + 1);
    if (d.kind === 'truncate') t = t.slice(0, at);
    else if (d.kind === 'splice') t = t.slice(0, at) + d.junk + t.slice(at);
    else if (d.kind === 'delete') t = t.slice(0, at) + t.slice(at + d.len);
    else t = t.slice(0, at) + String.fromCharCode(d.to) + t.slice(at + 1);
  }
  return t;
}

/** Random bytes as readFileSync(..., 'utf8') would decode them. */
const byteText = fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('utf8'));

// ---------------------------------------------------------------- readers

/** The config reader: returns normally or throws a one-line UsageError. */
function readConfig(text: string): 'ok' | 'usage' {
  try {
    parseConfig(text, 'fuzz.json');
    return 'ok';
  } catch (e) {
    if (!(e instanceof UsageError)) throw new Error(`config reader threw ${(e as Error)?.name}: ${(e as Error)?.message}\n--- input:\n${text.slice(0, 2000)}`, { cause: e });
    expect(e.message.startsWith('fuzz.json: ')).toBe(true);
    return 'usage';
  }
}

/** The trace reader and replay: a LoadedTrace and its outcome, or a one-line TraceFileError. */
function readTrace(text: string): { loaded: LoadedTrace; ok: boolean } | 'invalid' {
  let loaded: LoadedTrace;
  try {
    loaded = loadTrace(parseTraceFile(text), FAMILIES);
  } catch (e) {
    if (!(e instanceof TraceFileError)) throw new Error(`trace reader threw ${(e as Error)?.name}: ${(e as Error)?.message}\n--- input:\n${text.slice(0, 2000)}`, { cause: e });
    expect(e.message).not.toBe('');
    return 'invalid';
  }
  let outcome;
  try {
    outcome = replay(loaded);
  } catch (e) {
    throw new Error(`replay threw ${(e as Error)?.name}: ${(e as Error)?.message}\n--- input:\n${text.slice(0, 2000)}`, { cause: e });
  }
  if (outcome.ok) reallyReplays(loaded);
  return { loaded, ok: outcome.ok };
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Independent of replay(): the recorded states follow from the model, and the last one violates the claim. */
function reallyReplays({ model, recorded, file }: LoadedTrace): void {
  const steps = recorded.steps;
  expect(model.initialStates().some((s) => same(s, steps[0].state))).toBe(true);
  for (let i = 1; i < steps.length; i++) {
    const dst = steps[i - 1].state.slice();
    expect(model.step(steps[i].action, steps[i - 1].state, dst), `step ${i} enabled`).toBe(true);
    expect(same(dst, steps[i].state), `step ${i} state`).toBe(true);
  }
  const last = steps[steps.length - 1].state;
  const view = new StateView(model.layout, last);
  if (file.invariant === DEADLOCK) {
    for (let a = 0; a < model.actionCount; a++) expect(model.step(a, last, last.slice()), `action ${a} disabled at the end`).toBe(false);
    expect(model.isTerminal?.(view) ?? false).toBe(false);
  } else {
    const inv = model.invariants.find((i) => i.name === file.invariant);
    expect(inv).toBeDefined();
    expect(inv!.holds(view)).toBe(false);
  }
}

// ---------------------------------------------------------------- properties

describe('config reader fuzzing', () => {
  it('the seed is a valid config', () => {
    expect(readConfig(CONFIG_SEED)).toBe('ok');
  });

  it('random JSON values, text and bytes: a config or a UsageError', () => {
    check('config/random-json', fc.jsonValue({ maxDepth: 4 }), (v) => void readConfig(JSON.stringify(v)), 400);
    check('config/random-text', fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), byteText), (t) => void readConfig(t), 300);
    // runs arrays of random-ish run objects: exercises the registry checks, not only the schema
    const run = fc.record(
      {
        name: strings,
        model: fc.constantFrom('loop', 'philosophers', 'nope', ''),
        params: fc.dictionary(fc.constantFrom('N', 'M', 'lefty', 'devices', 'threads', 'calls', 'x'), numbers),
        strategies: fc.array(fc.constantFrom('pre-patch', 'post-patch', 'nope'), { maxLength: 3 }),
        scenarios: fc.array(fc.constantFrom('stack-independent', 'mount', 'explore', 'nope'), { maxLength: 2 }),
        invariants: fc.array(fc.constantFrom('deadlock', 'stacked-io', 'eating-holds-forks', 'nope'), { maxLength: 3 }),
        expect: fc.dictionary(fc.constantFrom('deadlock', 'pre-patch / mount / mount-io', 'a / b', 'x'), fc.constantFrom('holds', 'violated', 'incomplete-ok', 'maybe')),
      },
      { requiredKeys: ['model'] },
    );
    check('config/random-runs', fc.array(run, { minLength: 1, maxLength: 2 }), (runs) => void readConfig(JSON.stringify({ runs })), 300);
  });

  it('mutations of a valid config: a config or a UsageError', () => {
    const doc = JSON.parse(parseConfigSeedJson()) as Json;
    check('config/mutated-json', mutations, (m) => void readConfig(render(doc, m)), 800);
    check('config/damaged-text', fc.array(textDamage, { minLength: 1, maxLength: 3 }), (d) => void readConfig(damage(CONFIG_SEED, d)), 500);
  });
});

/** CONFIG_SEED without its comments, as plain JSON. */
function parseConfigSeedJson(): string {
  return CONFIG_SEED.replace(/\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
}

describe('trace reader fuzzing', () => {
  it('the seeds load and replay', () => {
    for (const t of [philTrace, loopTrace]) {
      const r = readTrace(t);
      expect(r).not.toBe('invalid');
      expect((r as { ok: boolean }).ok).toBe(true);
    }
  });

  it('random JSON values, text and bytes: a trace or a TraceFileError', () => {
    check('trace/random-json', fc.jsonValue({ maxDepth: 4 }), (v) => void readTrace(JSON.stringify(v)), 300);
    check('trace/random-text', fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), byteText), (t) => void readTrace(t), 300);
    // objects with the right top-level keys and random contents get past the first checks
    const shaped = fc.record({
      schema: fc.constantFrom<Json>(1, 1, 1, 2, '1', null),
      model: fc.constantFrom('philosophers', 'loop', 'nope'),
      params: fc.dictionary(fc.constantFrom('N', 'M', 'lefty', 'devices', 'x'), numbers),
      strategy: fc.constantFrom(null, 'pre-patch', 'nope'),
      scenario: fc.constantFrom(null, 'stack-independent', 'nope'),
      invariant: fc.constantFrom('deadlock', 'eating-holds-forks', 'stacked-io', 'nope'),
      steps: fc.array(
        fc.record({ action: fc.oneof(fc.nat({ max: 50 }), numbers), label: jsonValues, state: fc.dictionary(fc.constantFrom('pc[0]', 'pc[1]', 'fork[0]', 'fork[1]', 'meals', 'x'), fc.integer({ min: -1, max: 5 })) }),
        { maxLength: 4 },
      ),
    });
    check('trace/random-shaped', shaped, (d) => void readTrace(JSON.stringify(d)), 400);
  });

  it('mutations of valid traces: a trace (that really replays if replay says so) or a TraceFileError', () => {
    const phil = JSON.parse(philTrace) as Json;
    const loop = JSON.parse(loopTrace) as Json;
    let replayedOk = 0;
    let diverged = 0;
    const tally = (r: ReturnType<typeof readTrace>) => {
      if (r !== 'invalid') r.ok ? replayedOk++ : diverged++;
    };
    check('trace/mutated-philosophers', mutations, (m) => tally(readTrace(render(phil, m))), 900);
    check('trace/mutated-loop', mutations, (m) => tally(readTrace(render(loop, m))), 250);
    check('trace/damaged-text', fc.array(textDamage, { minLength: 1, maxLength: 3 }), (d) => tally(readTrace(damage(philTrace, d))), 400);
    // the fuzzer must reach both outcomes of a well-formed trace, not only parse errors
    expect(replayedOk).toBeGreaterThan(0);
    expect(diverged).toBeGreaterThan(0);
  });

  it('through readTraceFile (what replay and export call): exit-2 errors only', async () => {
    const file = join(tmp, 'fuzzed.json');
    const arb = fc.oneof(
      mutations.map((m) => render(JSON.parse(philTrace) as Json, m)),
      fc.array(textDamage, { minLength: 1, maxLength: 3 }).map((d) => damage(philTrace, d)),
      byteText,
    );
    // readTraceFile reads asynchronously (so Ctrl-C can cut a blocked read short): sampled, then awaited in turn.
    const samples = fc.sample(arb, { numRuns: 200, seed: SEED });
    for (const text of samples) {
      writeFileSync(file, text);
      try {
        await readTraceFile(file);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        expect(e.message.startsWith(`${file}: not a valid trace: `)).toBe(true);
      }
    }
    counts.set('trace/readTraceFile', samples.length);
  });
});

describe('fuzzed files through the binary', () => {
  it('a handful of bad configs and traces exit 2 with one line', () => {
    const cfgs = fc.sample(fc.array(textDamage, { minLength: 1, maxLength: 3 }).map((d) => damage(CONFIG_SEED, d)), { numRuns: 40, seed: SEED });
    const traces = fc.sample(mutations.map((m) => render(JSON.parse(philTrace) as Json, m)), { numRuns: 40, seed: SEED });
    // keep only inputs the in-process readers reject, and a few of each
    const badCfgs = cfgs.filter((t) => readConfig(t) === 'usage').slice(0, 4);
    const badTraces = traces.filter((t) => readTrace(t) === 'invalid').slice(0, 4);
    badTraces.push(JSON.stringify({ ...JSON.parse(philTrace), model: 'a\nb' })); // a newline in a quoted name
    expect(badCfgs.length).toBeGreaterThan(0);
    expect(badTraces.length).toBeGreaterThan(1);
    const cases: string[][] = [];
    badCfgs.forEach((t, i) => {
      writeFileSync(join(tmp, `cfg-${i}.json`), t);
      cases.push(['verify', '--config', join(tmp, `cfg-${i}.json`)]);
    });
    badTraces.forEach((t, i) => {
      writeFileSync(join(tmp, `trace-${i}.json`), t);
      cases.push(['replay', join(tmp, `trace-${i}.json`)]);
    });
    for (const args of cases) {
      const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: tmp, env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000, killSignal: 'SIGKILL' });
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^loopcheck: error: [^\n]+\n$/);
    }
    counts.set('cli', cases.length);
  });
});

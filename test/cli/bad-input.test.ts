// Issue 7, "Bad input": every bad option, name, path, config file and trace
// file exits 2 with exactly one line on stderr naming the problem (and the
// valid choices where there is a finite set), no stack trace, nothing on
// stdout, and no file written. One table, one row per input.
//
// Every row runs the CLI in a fresh, empty working directory (with one
// regular file, file.txt, to point paths under) and compares a snapshot of
// that directory before and after. The rows run in this process
// (in-process.ts: the same command-line entry as the binary, its output
// captured), which is what keeps this table fast; the rows in SPAWNED also
// run the built binary, which must behave identically (the exit code and
// stderr of a real process, killed if it hangs). Set BAD_INPUT_TABLE=1 to
// print the observed message of every row.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess } from './in-process.js';
import { BIN } from './run-cli.js';

interface Result {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Like run-cli's cli(), but with a short timeout and SIGKILL: a regression
 * once made `--trace-dir /proc/...` spin forever in a synchronous mkdir, and
 * such a process never handles SIGTERM.
 */
function run(args: readonly string[], cwd: string): Result {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', LOOPCHECK_DEBUG: '' },
    timeout: 30_000,
    killSignal: 'SIGKILL',
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** run(), asynchronously, so that the table's rows can run side by side. */
function runAsync(args: readonly string[], cwd: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', LOOPCHECK_DEBUG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Every entry under `dir`: path, kind, size and mtime. */
function snapshot(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const p = join(rel, name);
    const st = statSync(join(dir, p));
    out.push(`${p} ${st.isDirectory() ? 'dir' : 'file'} ${st.isDirectory() ? '' : st.size} ${st.mtimeMs}`);
    if (st.isDirectory()) out.push(...snapshot(dir, p));
  }
  return out;
}

let root: string; // fixtures live here, outside every case's working directory
let fx: string;
const fixture = (name: string) => join(fx, name);

/** Writes a fixture file and returns its absolute path. */
function put(name: string, text: string): string {
  writeFileSync(fixture(name), text);
  return fixture(name);
}

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A copy of a valid trace with `change` applied, written as a fixture. */
function mutated(base: string, name: string, change: (d: Doc) => void): string {
  const d = JSON.parse(readFileSync(base, 'utf8')) as Doc;
  change(d);
  return put(name, JSON.stringify(d, null, 2));
}

let phil: string; // philosophers N=3 lefty=1: a 6-step deadlock
let loop: string; // loop pre-patch stack-independent stacked-io
let loopItf: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loopcheck-bad-input-'));
  fx = join(root, 'fixtures');
  mkdirSync(fx);
  const gen = join(root, 'gen');
  const p = run(['verify', '--model', 'philosophers', '--param', 'N=3', '--param', 'lefty=1', '--trace-dir', gen], root);
  expect(p.code, p.stderr).toBe(1);
  const l = run(
    ['verify', '--strategy', 'pre-patch', '--scenario', 'stack-independent', '--invariant', 'stacked-io', '--trace-dir', gen, '--trace-format', 'json,itf'],
    root,
  );
  expect(l.code, l.stderr).toBe(1);
  phil = join(gen, 'philosophers.deadlock.json');
  loop = join(gen, 'pre-patch.stack-independent.stacked-io.json');
  loopItf = join(gen, 'pre-patch.stack-independent.stacked-io.itf.json');
  for (const f of [phil, loop]) expect(run(['replay', f], root).code).toBe(0);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

interface Case {
  readonly name: string;
  /** Built lazily: fixture paths exist only after beforeAll. */
  readonly args: () => string[];
  readonly message: RegExp;
}

const FORMATS = 'json, itf, md, mermaid, dot, html, c, all';
const PHIL = ['--model', 'philosophers', '--param', 'N=3'];
/** verify with every kind of output file requested, inside the case's directory. */
const V = (...args: string[]) => ['verify', ...args, '--trace-dir', 'traces', '--junit', 'reports/junit.xml', '--sarif', 'reports/run.sarif'];
const configCase = (name: string, text: string, message: RegExp): Case => ({
  name: `config: ${name}`,
  args: () => V('--config', put(`config-${name.replace(/\W+/g, '-')}.json`, text)),
  message,
});
/** replay, and (for the main kinds, `alsoExport`) export into a directory that must not appear. */
const traceCases = (name: string, file: () => string, message: RegExp, alsoExport = false): Case[] => [
  { name: `replay: ${name}`, args: () => ['replay', file()], message },
  ...(alsoExport ? [{ name: `export: ${name}`, args: () => ['export', file(), '--format', 'all', '--out-dir', 'exported'], message }] : []),
];

const LIMITS: [flag: string, bad: string[], message: RegExp][] = [
  ['--max-states', ['-1', '0', 'many', '1.5', '1e3', '99999999999999999999'], /--max-states needs a positive integer, got '/],
  ['--max-depth', ['-1', '0', 'deep', '2.5'], /--max-depth needs a positive integer, got '/],
  ['--time-limit', ['-1', '0', 'soon', 'NaN', 'Infinity', '1e400', '10s'], /--time-limit needs a positive number, got '/],
  ['--max-memory', ['-1', '0', 'lots', '512.5'], /--max-memory needs a positive integer, got '/],
  ['--workers', ['-1', '0', 'all', '1.5'], /--workers needs a positive integer, got '/],
];

const CASES: Case[] = [
  // commands and options
  { name: 'unknown command', args: () => ['frobnicate'], message: /unknown command 'frobnicate' \(valid: verify, list, compare, replay, init, export/ },
  { name: 'unknown command, near a real one', args: () => ['verfy'], message: /unknown command 'verfy' \(Did you mean verify\?\) \(valid: verify, / },
  { name: 'unknown option', args: () => V('--bogus'), message: /unknown option '--bogus'/ },
  { name: 'option missing its value', args: () => ['verify', '--scenario'], message: /option '--scenario <names\.\.\.>' argument missing/ },
  { name: 'unknown trace format', args: () => ['verify', ...PHIL, '--trace-dir', 'traces', '--trace-format', 'pdf'], message: new RegExp(`unknown --trace-format 'pdf' \\(valid: ${FORMATS}\\)`) },

  // names
  { name: 'unknown model', args: () => V('--model', 'nope'), message: /unknown model 'nope' \(valid: loop, philosophers, philosophers-values\)/ },
  { name: 'unknown strategy', args: () => V('--strategy', 'nope'), message: /unknown strategy 'nope' for model loop \(valid: pre-patch, post-patch/ },
  { name: 'a strategy for a model without strategies', args: () => V(...PHIL, '--strategy', 'pre-patch'), message: /model philosophers has no strategies/ },
  { name: 'unknown scenario', args: () => V('--scenario', 'stack-independent', 'nope'), message: /unknown scenario 'nope' for model loop \(valid: stack-independent, stack-shared-fd, .*explore\)/ },
  { name: 'unknown invariant', args: () => V('--invariant', 'nope'), message: /unknown invariant 'nope' for model loop \(valid: stacked-no-teardown, .*, deadlock\)/ },
  { name: 'simulate: a liveness property', args: () => ['simulate', '--strategy', 'pre-patch', '--scenario', 'udev', '--invariant', 'syscalls-return'], message: /simulate checks state invariants and deadlock only; syscalls-return is a liveness property \(use verify\)/ },
  { name: 'unknown parameter', args: () => V('--param', 'nope=1'), message: /unknown parameter 'nope' for model loop \(valid: devices, threads, calls, fds, shared, bound, windowSteps\)/ },
  { name: 'a name with a newline and an escape', args: () => V('--model', 'a\nb\u001b[31m'), message: /unknown model 'a\\nb\\u001b\[31m' \(valid: loop, philosophers, philosophers-values\)/ },

  // --param
  ...['N', 'N=', '=3', 'N=x', 'N=1.5', 'N=3=4', ' N=3'].map((p): Case => ({
    name: `--param '${p}' (malformed)`,
    args: () => V('--model', 'philosophers', '--param', p),
    message: new RegExp(`malformed --param '${p.replace(/\./g, '\\.')}' \\(expected key=integer\\)`),
  })),
  { name: '--param below its domain', args: () => V('--model', 'philosophers', '--param', 'N=1'), message: /parameter N=1 out of range 2\.\.64/ },
  { name: '--param above its domain', args: () => V('--model', 'philosophers', '--param', 'N=65'), message: /parameter N=65 out of range 2\.\.64/ },
  { name: '--param far out of its domain', args: () => V('--model', 'philosophers', '--param', 'M=99999999999999999999999'), message: /parameter M=1e\+23 out of range 1\.\.256/ },
  { name: '--param negative', args: () => V('--param', 'devices=-1'), message: /parameter devices=-1 out of range 1\.\.4/ },
  { name: '--param of the loop model on philosophers', args: () => V('--model', 'philosophers', '--param', 'devices=2'), message: /unknown parameter 'devices' for model philosophers \(valid: N, M, lefty\)/ },
  { name: '--param of philosophers on the loop model', args: () => V('--param', 'N=3'), message: /unknown parameter 'N' for model loop \(valid: devices, / },

  // limits and worker counts
  ...LIMITS.flatMap(([flag, values, message]) => values.map((v): Case => ({ name: `${flag} ${v}`, args: () => V(...PHIL, flag, v), message }))),
  { name: '--time-limit beyond what a timer holds', args: () => V(...PHIL, '--time-limit', '3000000'), message: /--time-limit needs a positive number up to 2147483, got '3000000'/ },
  { name: 'compare --max-states 0', args: () => ['compare', '--max-states', '0', '--trace-dir', 'traces'], message: /--max-states needs a positive integer, got '0'/ },
  { name: 'init --workers 0', args: () => ['init', ...PHIL, '--workers', '0', '-o', 'loopcheck.config.json'], message: /--workers needs a positive integer, got '0'/ },

  // output paths
  { name: '--trace-dir is a file', args: () => ['verify', ...PHIL, '--trace-dir', 'file.txt'], message: /--trace-dir file\.txt is not a directory/ },
  { name: '--trace-dir under a file', args: () => ['verify', ...PHIL, '--trace-dir', 'file.txt/sub'], message: /--trace-dir file\.txt\/sub: cannot create directory \(ENOTDIR\)/ },
  { name: '--trace-dir under /proc (not writable, even by root)', args: () => ['verify', ...PHIL, '--trace-dir', '/proc/loopcheck-nope/traces'], message: /--trace-dir \/proc\/loopcheck-nope\/traces: cannot create directory \(ENOENT\)/ },
  { name: '--trace-dir is a file in /proc', args: () => ['verify', ...PHIL, '--trace-dir', '/proc/version'], message: /--trace-dir \/proc\/version is not a directory/ },
  { name: '--trace-dir under /sys', args: () => ['verify', ...PHIL, '--trace-dir', '/sys/loopcheck-nope'], message: /--trace-dir \/sys\/loopcheck-nope: cannot create directory \(E[A-Z]+\)/ },
  { name: 'compare --trace-dir is a file', args: () => ['compare', '--trace-dir', 'file.txt'], message: /--trace-dir file\.txt is not a directory/ },
  { name: '--junit under a file', args: () => ['verify', ...PHIL, '--junit', 'file.txt/junit.xml'], message: /--junit file\.txt\/junit\.xml: '.*\/file\.txt' is not a directory/ },
  { name: '--junit in /proc', args: () => ['verify', ...PHIL, '--junit', '/proc/junit.xml'], message: /--junit \/proc\/junit\.xml: directory '\/proc' is not writable/ },
  { name: '--sarif under /proc', args: () => ['verify', ...PHIL, '--sarif', '/proc/loopcheck-nope/run.sarif'], message: /--sarif \/proc\/loopcheck-nope\/run\.sarif: directory '\/proc' is not writable/ },
  { name: '--junit is a directory', args: () => ['verify', ...PHIL, '--junit', '.'], message: /--junit \.: is a directory/ },
  { name: 'init -o under a file', args: () => ['init', ...PHIL, '-o', 'file.txt/loopcheck.config.json'], message: /--output file\.txt\/loopcheck\.config\.json: '.*\/file\.txt' is not a directory/ },
  { name: 'init -o in /proc', args: () => ['init', ...PHIL, '-o', '/proc/loopcheck.config.json'], message: /--output \/proc\/loopcheck\.config\.json: directory '\/proc' is not writable/ },
  { name: 'export --out-dir is a file', args: () => ['export', phil, '--format', 'all', '--out-dir', 'file.txt'], message: /--out-dir file\.txt is not a directory/ },
  { name: 'export --out-dir under /proc', args: () => ['export', phil, '--format', 'all', '--out-dir', '/proc/loopcheck-nope'], message: /--out-dir \/proc\/loopcheck-nope: cannot create directory \(ENOENT\)/ },

  // config files
  { name: 'config: missing', args: () => V('--config', fixture('no-such-config.json')), message: /no-such-config\.json: cannot read config \(no such file\)/ },
  { name: 'config: a directory', args: () => V('--config', fx), message: /fixtures: cannot read config \(is a directory\)/ },
  { name: 'config: endless (/dev/zero)', args: () => V('--config', '/dev/zero'), message: /\/dev\/zero: cannot read config \(larger than 64 MiB\)/ },
  { name: 'config: with --model', args: () => V('--config', fixture('whatever.json'), '--model', 'loop'), message: /--config cannot be combined with --model/ },
  configCase('empty', '', /: \$: empty file/),
  configCase('only a comment', '// nothing here\n', /: \$: empty file/),
  configCase('not JSON', 'runs: everything\n', /: line 1, column 1: invalid JSON: InvalidSymbol/),
  configCase('truncated', '{"runs": [{"model": "philosophers"', /: line 1, column 35: invalid JSON: (CloseBraceExpected|CommaExpected)/),
  configCase('trailing garbage', '{"runs": [{"model": "philosophers"}]} and more', /: line 1, column 39: invalid JSON: InvalidSymbol/),
  configCase('nested 10,000 deep', `{"runs": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`, /: line 1, column 109: invalid JSON: nested deeper than 100 levels/),
  configCase('top level is an array', '[]', /: \$: expected object, got array/),
  configCase('no runs', '{}', /: \$: missing required key 'runs'/),
  configCase('empty runs', '{"runs": []}', /: \$\.runs: must NOT have fewer than 1 items/),
  configCase('unknown top-level key', '{"runs": [{"model": "philosophers"}], "colour": true}', /: \$\.colour: unknown key 'colour' \(valid: \$schema, plugins, limits, runs\)/),
  configCase('unknown key in a run', '{"runs": [{"model": "philosophers", "param": {"N": 3}}]}', /: \$\.runs\[0\]\.param: unknown key 'param' \(valid: name, model, params, strategies, scenarios, invariants, limits, expect\)/),
  configCase('wrong type: runs', '{"runs": "all"}', /: \$\.runs: expected array, got string "all"/),
  configCase('wrong type: model', '{"runs": [{"model": 7}]}', /: \$\.runs\[0\]\.model: expected string, got integer 7/),
  configCase('wrong type: parameter', '{"runs": [{"model": "philosophers", "params": {"N": "3"}}]}', /: \$\.runs\[0\]\.params\.N: expected integer, got string "3"/),
  configCase('float parameter', '{"runs": [{"model": "philosophers", "params": {"N": 3.5}}]}', /: \$\.runs\[0\]\.params\.N: expected integer, got number 3\.5/),
  configCase('infinite parameter', '{"runs": [{"model": "philosophers", "params": {"N": 1e400}}]}', /: \$\.runs\[0\]\.params\.N: expected integer, got number Infinity/),
  configCase('limit zero', '{"limits": {"maxStates": 0}, "runs": [{"model": "philosophers"}]}', /: \$\.limits\.maxStates: must be >= 1/),
  configCase('limit float', '{"runs": [{"model": "philosophers", "limits": {"maxDepth": 2.5}}]}', /: \$\.runs\[0\]\.limits\.maxDepth: expected integer, got number 2\.5/),
  configCase('time limit too long for a timer', '{"limits": {"timeLimit": 3000000}, "runs": [{"model": "philosophers"}]}', /: \$\.limits\.timeLimit: must be <= 2147483/),
  configCase('unknown model', '{"runs": [{"model": "nope"}]}', /: \$\.runs\[0\]\.model: unknown model 'nope' \(valid: loop, philosophers, philosophers-values\)/),
  configCase('unknown strategy', '{"runs": [{"model": "loop", "strategies": ["pre-patch", "nope"]}]}', /: \$\.runs\[0\]\.strategies\[1\]: unknown strategy 'nope' for model loop \(valid: pre-patch, post-patch/),
  configCase('unknown scenario', '{"runs": [{"model": "loop", "scenarios": ["nope"]}]}', /: \$\.runs\[0\]\.scenarios\[0\]: unknown scenario 'nope' for model loop \(valid: stack-independent, /),
  configCase('unknown invariant', '{"runs": [{"model": "philosophers", "invariants": ["nope"]}]}', /: \$\.runs\[0\]\.invariants\[0\]: unknown invariant 'nope' for model philosophers \(valid: eating-holds-forks, hungry-eats, lock-order, deadlock\)/),
  configCase('unknown parameter', '{"runs": [{"model": "philosophers", "params": {"devices": 2}}]}', /: \$\.runs\[0\]\.params\.devices: unknown parameter 'devices' for model philosophers \(valid: N, M, lefty\)/),
  configCase('parameter out of its domain', '{"runs": [{"model": "philosophers", "params": {"N": 99}}]}', /: \$\.runs\[0\]\.params\.N: N=99 out of range 2\.\.64/),
  configCase('unknown expectation', '{"runs": [{"model": "philosophers", "expect": {"deadlock": "maybe"}}]}', /: \$\.runs\[0\]\.expect\.deadlock: expected one of holds, violated, incomplete-ok, got "maybe"/),
  configCase('unknown cell', '{"runs": [{"model": "loop", "expect": {"pre-patch / nope / stacked-io": "violated"}}]}', /: \$\.runs\[0\]\.expect\["pre-patch \/ nope \/ stacked-io"\]: unknown scenario 'nope' for model loop \(valid: /),
  configCase('duplicate key', '{"runs": [{"model": "philosophers", "model": "loop"}]}', /: \$\.runs\[0\]\.model: duplicate key \(line 1, column 37\)/),

  // trace files, for replay and export
  ...traceCases('missing', () => fixture('no-such-trace.json'), /cannot read .*no-such-trace\.json: no such file/, true),
  ...traceCases('a directory', () => fx, /cannot read .*fixtures: is a directory/),
  ...traceCases('endless (/dev/zero)', () => '/dev/zero', /cannot read \/dev\/zero: larger than 64 MiB/),
  ...traceCases('empty', () => put('empty.json', ''), /empty\.json: not a valid trace: not JSON \(Unexpected end of JSON input\)/, true),
  ...traceCases('not JSON', () => put('not-json.json', 'hello\n'), /not-json\.json: not a valid trace: not JSON \(Unexpected token/, true),
  ...traceCases('truncated (half a philosophers trace)', () => put('half-phil.json', readFileSync(phil, 'utf8').slice(0, Math.floor(readFileSync(phil, 'utf8').length / 2))), /half-phil\.json: not a valid trace: not JSON \(/, true),
  ...traceCases('truncated (half a loop trace)', () => put('half-loop.json', readFileSync(loop, 'utf8').slice(0, Math.floor(readFileSync(loop, 'utf8').length / 2))), /half-loop\.json: not a valid trace: not JSON \(/, true),
  ...traceCases('top level is an array', () => put('array.json', '[1, 2]'), /array\.json: not a valid trace: not a loopcheck trace \(top level is not an object\)/),
  ...traceCases('an ITF trace', () => loopItf, /not a valid trace: missing field 'schema' \(this looks like an ITF trace; replay reads the json format\)/),
  ...traceCases('schema version 2', () => mutated(phil, 'schema-2.json', (d) => (d.schema = 2)), /schema-2\.json: not a valid trace: unsupported schema version 2 \(this loopcheck reads schema 1\)/, true),
  ...traceCases('schema version as a string', () => mutated(phil, 'schema-str.json', (d) => (d.schema = '1')), /not a valid trace: unsupported schema version "1" \(this loopcheck reads schema 1\)/),
  ...traceCases('no schema', () => mutated(phil, 'no-schema.json', (d) => delete d.schema), /not a valid trace: missing field 'schema'$/),
  ...traceCases('another model (loop) on a philosophers trace', () => mutated(phil, 'other-model.json', (d) => (d.model = 'loop')), /not a valid trace: missing parameter 'devices' of model loop/, true),
  ...traceCases('another model (philosophers) on a loop trace', () => mutated(loop, 'other-model-2.json', (d) => (d.model = 'philosophers')), /not a valid trace: missing parameter 'N' of model philosophers/),
  ...traceCases('unknown model', () => mutated(phil, 'unknown-model.json', (d) => (d.model = 'nope')), /not a valid trace: unknown model 'nope' \(known: loop, philosophers, philosophers-values\)/),
  ...traceCases('a strategy on a model without strategies', () => mutated(phil, 'phil-strategy.json', (d) => (d.strategy = 'pre-patch')), /not a valid trace: unknown strategy 'pre-patch': model philosophers has no strategies/),
  ...traceCases('unknown strategy', () => mutated(loop, 'unknown-strategy.json', (d) => (d.strategy = 'nope')), /not a valid trace: unknown strategy 'nope' for model loop \(valid: pre-patch, post-patch/, true),
  ...traceCases('no strategy on the loop model', () => mutated(loop, 'null-strategy.json', (d) => (d.strategy = null)), /not a valid trace: missing strategy \(model loop needs one of: pre-patch, post-patch/),
  ...traceCases('unknown scenario', () => mutated(loop, 'unknown-scenario.json', (d) => (d.scenario = 'nope')), /not a valid trace: unknown scenario 'nope' for model loop \(valid: stack-independent, /),
  ...traceCases('unknown invariant', () => mutated(phil, 'unknown-invariant.json', (d) => (d.invariant = 'nope')), /not a valid trace: unknown invariant 'nope' for philosophers\[N=3,M=3,lefty\] \(valid: eating-holds-forks, hungry-eats, lock-order, deadlock\)/),
  ...traceCases('parameter out of its domain', () => mutated(phil, 'param-range.json', (d) => (d.params.N = 99)), /not a valid trace: parameter N=99 out of range 2\.\.64/),
  ...traceCases('unknown parameter', () => mutated(phil, 'param-unknown.json', (d) => (d.params.devices = 2)), /not a valid trace: unknown parameter 'devices' for model philosophers/),
  ...traceCases('state value above its domain', () => mutated(phil, 'domain-high.json', (d) => (d.steps[2].state['fork[0]'] = 9)), /not a valid trace: steps\[2\]\.state\.fork\[0\] = 9 is outside its domain 0\.\.3/, true),
  ...traceCases('state value below its domain', () => mutated(phil, 'domain-low.json', (d) => (d.steps[2].state['fork[0]'] = -1)), /not a valid trace: steps\[2\]\.state\.fork\[0\] = -1 is outside its domain 0\.\.3/),
  ...traceCases('loop state value outside its domain', () => mutated(loop, 'domain-loop.json', (d) => (d.steps[3].state['A.lo_state'] = 200)), /not a valid trace: steps\[3\]\.state\.A\.lo_state = 200 is outside its domain 0\.\.\d+/),
  ...traceCases('state value not an integer', () => mutated(phil, 'domain-float.json', (d) => (d.steps[1].state.meals = 0.5)), /not a valid trace: steps\[1\]\.state\.meals must be an integer/),
  ...traceCases('unknown state field', () => mutated(phil, 'state-extra.json', (d) => (d.steps[1].state.extra = 0)), /not a valid trace: steps\[1\]\.state: unknown field 'extra'/),
  ...traceCases('missing field: steps', () => mutated(phil, 'no-steps.json', (d) => delete d.steps), /not a valid trace: missing field 'steps'/),
  ...traceCases('missing field: invariant', () => mutated(phil, 'no-invariant.json', (d) => delete d.invariant), /not a valid trace: missing field 'invariant'/),
  ...traceCases('missing field: params', () => mutated(loop, 'no-params.json', (d) => delete d.params), /not a valid trace: missing field 'params'/),
  ...traceCases('missing field: a step\'s action', () => mutated(phil, 'no-action.json', (d) => delete d.steps[1].action), /not a valid trace: missing field 'steps\[1\]\.action'/),
  ...traceCases('missing field: a state field', () => mutated(phil, 'no-state-field.json', (d) => delete d.steps[1].state.meals), /not a valid trace: steps\[1\]\.state: missing field 'meals'/, true),
  ...traceCases('no steps at all', () => mutated(phil, 'zero-steps.json', (d) => (d.steps = [])), /not a valid trace: the trace has no steps \(not even an initial state\)/),
  ...traceCases('action out of range', () => mutated(phil, 'action-range.json', (d) => (d.steps[1].action = 10_000)), /not a valid trace: steps\[1\]\.action 10000 is outside 0\.\.\d+/),
  ...traceCases('label of the wrong shape', () => mutated(phil, 'label-shape.json', (d) => (d.steps[1].label = { thread: 'P0', action: { toString: 1 } })), /not a valid trace: field 'steps\[1\]\.label\.action' must be a string/, true),
  ...traceCases('label parameter of the wrong type', () => mutated(loop, 'label-param.json', (d) => (d.steps[1].label.params = { syscall: [1, 2] })), /not a valid trace: field 'steps\[1\]\.label\.params\.syscall' must be a string or a number/),
];

const observed: [name: string, code: number | null, stderr: string][] = [];

/**
 * Rows that also run the built binary: the /proc and /sys paths (a
 * regression once spun forever in a synchronous mkdir), endless input,
 * commander's own errors, control characters in a message, and one row of
 * each other kind.
 */
const SPAWNED = new Set([
  'unknown command', 'unknown option', 'option missing its value', 'a name with a newline and an escape', '--param \'N=x\' (malformed)', '--workers 0',
  '--trace-dir under /proc (not writable, even by root)', '--trace-dir is a file in /proc', '--trace-dir under /sys', '--junit in /proc', 'export --out-dir under /proc',
  'config: endless (/dev/zero)', 'config: not JSON', 'config: unknown model', 'replay: endless (/dev/zero)', 'replay: missing', 'export: missing',
]);

/** The checks every row must pass, in `cwd` (snapshotted before as `before`). */
function expectRefused(c: Case, r: Result, cwd: string, before: string[]): void {
  expect(r.signal, `killed: ${c.name}`).toBeNull();
  expect(r.stdout).toBe('');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  const lines = r.stderr.split('\n');
  expect(lines, `stderr should be one line: ${JSON.stringify(r.stderr)}`).toHaveLength(2);
  expect(lines[1]).toBe('');
  expect(lines[0]).toMatch(/^loopcheck: error: /);
  expect(lines[0]).not.toMatch(/internal error/);
  expect(lines[0]).toMatch(c.message);
  expect(r.code).toBe(2);
  expect(snapshot(cwd)).toEqual(before);
}

describe('bad input: exit 2, one line on stderr, nothing on stdout, no file written', () => {
  it.concurrent.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const fresh = () => {
      const cwd = mkdtempSync(join(root, 'cwd-'));
      writeFileSync(join(cwd, 'file.txt'), 'a regular file\n');
      return { cwd, before: snapshot(cwd) };
    };
    const args = c.args();
    const here = fresh();
    const r: Result = { ...(await cliInProcess(args, { cwd: here.cwd })), signal: null };
    observed.push([c.name, r.code, r.stderr]);
    expectRefused(c, r, here.cwd, here.before);
    if (!SPAWNED.has(c.name)) return;
    const there = fresh();
    const s = await runAsync(args, there.cwd);
    expectRefused(c, s, there.cwd, there.before);
    expect(s.stderr.replaceAll(there.cwd, here.cwd)).toBe(r.stderr);
  });

  it('every row named in SPAWNED exists', () => {
    expect([...SPAWNED].filter((n) => !CASES.some((c) => c.name === n))).toEqual([]);
  });

  it('covers every kind of bad input the issue lists', () => {
    const names = CASES.map((c) => c.name).join('\n');
    for (const kind of [
      /^unknown command$/m, /^unknown model$/m, /^unknown strategy$/m, /^unknown scenario$/m, /^unknown invariant$/m, /^unknown parameter$/m,
      /^--param 'N' /m, /^--param 'N=' /m, /^--param '=3' /m, /^--param 'N=x' /m, /^--param 'N=1\.5' /m, /out of its domain|above its domain/m, /loop model on philosophers/m,
      /^--trace-dir is a file$/m, /^--trace-dir under/m,
      /^config: missing$/m, /^config: not JSON$/m, /^config: unknown key/m, /^config: wrong type/m, /^config: unknown model$/m,
      /^replay: missing$/m, /^replay: empty$/m, /^replay: not JSON$/m, /^replay: truncated/m, /^replay: schema version 2$/m, /^replay: another model/m,
      /^replay: unknown strategy$/m, /^replay: state value above its domain$/m, /^replay: missing field/m, /^export: truncated/m,
    ]) {
      expect(names).toMatch(kind);
    }
    for (const [flag] of LIMITS) for (const v of ['-1', '0']) expect(names).toContain(`${flag} ${v}`);
  });

  afterAll(() => {
    if (!process.env.BAD_INPUT_TABLE) return;
    observed.sort((a, b) => CASES.findIndex((c) => c.name === a[0]) - CASES.findIndex((c) => c.name === b[0]));
    const rows = observed.map(([n, code, err]) => `| ${n.replace(/\|/g, '\\|')} | ${code} | \`${err.trim().replace(/\|/g, '\\|')}\` |`);
    process.stdout.write(['| input | exit | stderr |', '|---|---|---|', ...rows].join('\n') + '\n');
  });
});

describe('a trace for another valid strategy is a valid file that diverges', () => {
  it('replay exits 1 and prints the first divergent step; export writes nothing', () => {
    const file = mutated(loop, 'other-strategy.json', (d) => (d.strategy = 'post-patch'));
    const cwd = mkdtempSync(join(root, 'cwd-'));
    const r = run(['replay', file], cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^DIVERGES .*other-strategy\.json at step \d+ /);
    const e = run(['export', file, '--format', 'all', '--out-dir', 'exported'], cwd);
    expect(e.code).toBe(1);
    expect(e.stdout).toMatch(/does not replay against the current model; not exported/);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

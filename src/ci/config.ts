// Loads and validates loopcheck.config.json: JSON with comments (parsed by
// jsonc-parser), checked against CONFIG_SCHEMA with Ajv, then every name
// (model, parameter, strategy, scenario, invariant, cell key) against the
// registry. Every problem is one UsageError line:
//   <file>: <json path>: <problem>
// so main.ts prints `loopcheck: error: ...` and exits 2 before any search.

import { modelProperties } from '../engine/properties.js';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { loadPlugin } from '../app/plugins.js';
import { InputTooLarge, NotReadable, readCapped } from '../app/read-capped.js';
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';
import type * as JsoncParser from 'jsonc-parser';
import type { ModelFamily } from '../engine/catalog.js';
import { DEADLOCK } from '../engine/result.js';
import { Interrupted, UsageError } from '../app/errors.js';
import { plan, type PlannedRun } from '../app/plan.js';
import { FAMILIES } from '../app/registry.js';
import { buildModel, type Limits } from '../app/run.js';
import { CONFIG_SCHEMA, type Expectation } from './config-schema.js';
import { jsonPath, pointerSegments, type PathSegment } from './json-path.js';

// Ajv and jsonc-parser load on the first config read, not at every start of
// the CLI (most commands never read a config; Ajv alone is a noticeable part
// of the start-up time).
const requireLazily = createRequire(import.meta.url);
let jsoncLib: typeof JsoncParser | undefined;
const jsonc = (): typeof JsoncParser => (jsoncLib ??= requireLazily('jsonc-parser') as typeof JsoncParser);

export const DEFAULT_CONFIG_FILE = 'loopcheck.config.json';

/** One planned search and the cells (invariants) it will report. */
export interface ConfigSearch {
  readonly planned: PlannedRun;
  /** Cell keys in the order the search reports them. */
  readonly cells: readonly string[];
}

export interface ConfigRun {
  readonly index: number;
  readonly label: string;
  readonly family: ModelFamily;
  /** Parameters the config set explicitly. */
  readonly params: Readonly<Record<string, number>>;
  readonly limits: Limits;
  readonly searches: readonly ConfigSearch[];
  /** Normalised cell key -> expectation; cells not listed must hold. */
  readonly expect: ReadonlyMap<string, Expectation>;
}

export interface LoadedConfig {
  readonly file: string;
  readonly runs: readonly ConfigRun[];
}

interface RawLimits {
  maxStates?: number;
  maxDepth?: number;
  timeLimit?: number;
}

interface RawRun {
  name?: string;
  model: string;
  params?: Record<string, number>;
  strategies?: string[];
  scenarios?: string[];
  invariants?: string[];
  limits?: RawLimits;
  expect?: Record<string, Expectation>;
}

interface RawConfig {
  $schema?: string;
  plugins?: string[];
  limits?: RawLimits;
  runs: RawRun[];
}

/** "pre-patch / stack-independent / stacked-no-teardown"; absent parts left out. */
export function cellKey(strategy: string | null, scenario: string | null, invariant: string): string {
  return [strategy, scenario, invariant].filter((x): x is string => x !== null).join(' / ');
}

function normaliseKey(key: string): string {
  return key
    .split('/')
    .map((p) => p.trim())
    .join(' / ');
}

class ConfigProblem {
  constructor(
    readonly path: readonly PathSegment[],
    readonly problem: string,
  ) {}
}

const fail = (path: readonly PathSegment[], problem: string): never => {
  throw new ConfigProblem(path, problem);
};

const list = (xs: readonly string[]) => xs.join(', ');

let validator: ReturnType<import('ajv').Ajv['compile']> | undefined;
function validate(data: unknown): ErrorObject[] {
  validator ??= new (requireLazily('ajv') as typeof import('ajv')).Ajv({ allErrors: false, strict: true, verbose: true }).compile(CONFIG_SCHEMA);
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let cur = data;
  for (const s of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[s] : undefined;
  return cur;
}

function schemaProblem(e: ErrorObject, data: unknown): ConfigProblem {
  const path = pointerSegments(e.instancePath, data);
  const value = valueAt(data, path);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const props = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return new ConfigProblem([...path, key], `unknown key '${key}'${props.length ? ` (valid: ${list(props)})` : ''}`);
    }
    case 'required':
      return new ConfigProblem(path, `missing required key '${String(e.params.missingProperty)}'`);
    case 'type':
      // String() for numbers: JSON.stringify would print 1e400 (Infinity) as null.
      return new ConfigProblem(path, `expected ${String(e.params.type)}, got ${typeOf(value)}${typeof value === 'string' ? ` ${JSON.stringify(value)}` : typeof value === 'number' ? ` ${String(value)}` : ''}`);
    case 'enum':
      return new ConfigProblem(path, `expected one of ${list((e.params.allowedValues as unknown[]).map(String))}, got ${JSON.stringify(value)}`);
    case 'uniqueItems':
      return new ConfigProblem(path, `duplicate entries (items ${Math.min(e.params.i, e.params.j)} and ${Math.max(e.params.i, e.params.j)})`);
    default:
      return new ConfigProblem(path, e.message ?? `invalid (${e.keyword})`);
  }
}

function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${col}`;
}

/** Deeper than any config needs; jsonc-parser's recursive parser overflows the stack at a few thousand. */
const MAX_NESTING = 100;

/** Throws when arrays and objects nest deeper than MAX_NESTING (an iterative scan, so it cannot overflow). */
function checkNesting(text: string): void {
  const scanner = jsonc().createScanner(text, false);
  let depth = 0;
  for (let t = scanner.scan(); t !== jsonc().SyntaxKind.EOF; t = scanner.scan()) {
    if (t === jsonc().SyntaxKind.OpenBraceToken || t === jsonc().SyntaxKind.OpenBracketToken) {
      if (++depth > MAX_NESTING) {
        throw new UsageError(`${lineCol(text, scanner.getTokenOffset())}: invalid JSON: nested deeper than ${MAX_NESTING} levels`);
      }
    } else if (t === jsonc().SyntaxKind.CloseBraceToken || t === jsonc().SyntaxKind.CloseBracketToken) {
      depth--;
    }
  }
}

/** Parses JSON with comments; duplicate keys are errors (JSON.parse would keep the last silently). */
function parseText(text: string): unknown {
  if (jsonc().stripComments(text).trim() === '') throw new ConfigProblem([], 'empty file');
  checkNesting(text);
  const errors: JsoncParser.ParseError[] = [];
  const root = jsonc().parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
  if (errors.length > 0) {
    const e = errors[0];
    throw new UsageError(`${lineCol(text, e.offset)}: invalid JSON: ${jsonc().printParseErrorCode(e.error)}`);
  }
  if (!root) throw new UsageError('$: empty file');
  const walk = (n: JsoncParser.Node) => {
    if (n.type === 'object') {
      const seen = new Set<string>();
      for (const prop of n.children ?? []) {
        const key = prop.children![0].value as string;
        if (seen.has(key)) fail([...jsonc().getNodePath(prop.children![0])], `duplicate key (${lineCol(text, prop.offset)})`);
        seen.add(key);
      }
    }
    for (const c of n.children ?? []) walk(c);
  };
  walk(root);
  return jsonc().getNodeValue(root);
}

function checkNames(
  path: readonly PathSegment[],
  kind: string,
  family: ModelFamily,
  asked: readonly string[] | undefined,
  valid: readonly string[],
): void {
  if (!asked) return;
  if (valid.length === 0 && kind !== 'invariant') fail(path, `model ${family.name} has no ${kind === 'strategy' ? 'strategies' : 'scenarios'}`);
  asked.forEach((a, i) => {
    if (!valid.includes(a)) fail([...path, i], `unknown ${kind} '${a}' for model ${family.name} (valid: ${list(valid)})`);
  });
}

function mergeLimits(...ls: (RawLimits | Limits | undefined)[]): Limits {
  const out: { maxStates?: number; maxDepth?: number; timeLimit?: number } = {};
  for (const l of ls) {
    if (!l) continue;
    if (l.maxStates !== undefined) out.maxStates = l.maxStates;
    if (l.maxDepth !== undefined) out.maxDepth = l.maxDepth;
    if (l.timeLimit !== undefined) out.timeLimit = l.timeLimit;
  }
  return out;
}

/**
 * A run's label as printed (terminal, reports): control characters in a
 * config's "name" are shown as JSON escapes, so a name cannot move the
 * cursor, clear the screen or forge a line of output.
 */
function runLabel(raw: RawRun): string {
  if (raw.name) return raw.name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => JSON.stringify(ch).slice(1, -1));
  const ps = Object.entries(raw.params ?? {});
  return ps.length > 0 ? `${raw.model} (${ps.map(([k, v]) => `${k}=${v}`).join(', ')})` : raw.model;
}

function checkRun(raw: RawRun, index: number, globalLimits: RawLimits | undefined, cliLimits: Limits): ConfigRun {
  const at = ['runs', index] as const;
  const family = FAMILIES.find((f) => f.name === raw.model);
  if (!family) fail([...at, 'model'], `unknown model '${raw.model}' (valid: ${list(FAMILIES.map((f) => f.name))})`);
  const fam = family!;
  for (const [k, v] of Object.entries(raw.params ?? {})) {
    const decl = fam.params.find((p) => p.name === k);
    if (!decl) fail([...at, 'params', k], `unknown parameter '${k}' for model ${fam.name} (valid: ${fam.params.length ? list(fam.params.map((p) => p.name)) : 'none'})`);
    if (v < decl!.min || v > decl!.max) fail([...at, 'params', k], `${k}=${v} out of range ${decl!.min}..${decl!.max}`);
  }
  checkNames([...at, 'strategies'], 'strategy', fam, raw.strategies, fam.strategies.map((s) => s.name));
  checkNames([...at, 'scenarios'], 'scenario', fam, raw.scenarios, fam.scenarios.map((s) => s.name));
  checkNames([...at, 'invariants'], 'invariant', fam, raw.invariants, [...fam.invariants.map((i) => i.name), DEADLOCK]);

  let planned: PlannedRun[];
  try {
    planned = plan({
      model: fam.name,
      params: Object.entries(raw.params ?? {}).map(([k, v]) => `${k}=${v}`),
      strategies: raw.strategies,
      scenarios: raw.scenarios,
      invariants: raw.invariants,
    });
  } catch (e) {
    throw e instanceof UsageError ? new ConfigProblem(at, e.message) : e;
  }
  const searches: ConfigSearch[] = planned.map((p) => {
    let offered: string[];
    try {
      offered = modelProperties(buildModel(p)).map((i) => i.name);
    } catch (e) {
      throw e instanceof UsageError ? new ConfigProblem(at, e.message) : e;
    }
    const chosen = p.invariants ? offered.filter((i) => p.invariants!.includes(i)) : offered;
    return { planned: p, cells: chosen.map((i) => cellKey(p.strategy, p.scenario, i)) };
  });

  const allCells = new Set(searches.flatMap((s) => s.cells));
  const expect = new Map<string, Expectation>();
  const shape = cellKey(fam.strategies.length ? '<strategy>' : null, fam.scenarios.length ? '<scenario>' : null, '<invariant>');
  for (const [rawKey, exp] of Object.entries(raw.expect ?? {})) {
    const path = [...at, 'expect', rawKey];
    const key = normaliseKey(rawKey);
    if (!allCells.has(key)) {
      const parts = key.split(' / ');
      const kinds: [string, string[]][] = [];
      if (fam.strategies.length) kinds.push(['strategy', fam.strategies.map((s) => s.name)]);
      if (fam.scenarios.length) kinds.push(['scenario', fam.scenarios.map((s) => s.name)]);
      kinds.push(['invariant', [...fam.invariants.map((i) => i.name), DEADLOCK]]);
      if (parts.length !== kinds.length) fail(path, `cell key must have the form '${shape}' for model ${fam.name}`);
      kinds.forEach(([kind, valid], i) => {
        if (!valid.includes(parts[i])) fail(path, `unknown ${kind} '${parts[i]}' for model ${fam.name} (valid: ${list(valid)})`);
      });
      fail(path, `this run does not check that cell (check its strategies, scenarios and invariants; a scenario may not offer every invariant)`);
    }
    if (expect.has(key)) fail(path, `same cell as another key`);
    expect.set(key, exp);
  }

  return {
    index,
    label: runLabel(raw),
    family: fam,
    params: raw.params ?? {},
    limits: mergeLimits(globalLimits, raw.limits, cliLimits),
    searches,
    expect,
  };
}

/** Reads, parses and validates a config file; throws UsageError (exit 2) on any problem. */
export async function loadConfig(file: string, cliLimits: Limits = {}): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readCapped(file);
  } catch (e) {
    if (e instanceof Interrupted) throw e;
    if (e instanceof InputTooLarge || e instanceof NotReadable) throw new UsageError(`${file}: cannot read config (${e.message})`);
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${file}: cannot read config (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message})`);
  }
  await loadConfigPlugins(text, file);
  return parseConfig(text, file, cliLimits);
}

/**
 * Loads the plugin files a config names (relative to the config), so its
 * runs can name their strategies and models. A config that does not parse is
 * left to parseConfig, which reports it.
 */
async function loadConfigPlugins(text: string, file: string): Promise<void> {
  let data: unknown;
  try {
    data = parseText(text);
  } catch {
    return;
  }
  const plugins = (data as RawConfig | null)?.plugins;
  if (!Array.isArray(plugins)) return;
  for (const [i, p] of plugins.entries()) {
    if (typeof p !== 'string' || p === '') continue;
    try {
      await loadPlugin(isAbsolute(p) ? p : join(dirname(file), p));
    } catch (e) {
      if (e instanceof UsageError) throw new UsageError(`${file}: ${jsonPath(['plugins', i])}: ${e.message}`);
      throw e;
    }
  }
}

/** Parses and validates config text; `file` names it in errors. */
export function parseConfig(text: string, file: string, cliLimits: Limits = {}): LoadedConfig {
  try {
    const data = parseText(text);
    const errors = validate(data);
    if (errors.length > 0) throw schemaProblem(errors[0], data);
    const cfg = data as RawConfig;
    const runs = cfg.runs.map((r, i) => checkRun(r, i, cfg.limits, cliLimits));
    const seen = new Map<string, number>();
    for (const r of runs) {
      const prev = seen.get(r.label);
      if (prev !== undefined) fail(['runs', r.index], `runs ${prev} and ${r.index} are both labelled '${r.label}'; give one a "name"`);
      seen.set(r.label, r.index);
    }
    return { file, runs };
  } catch (e) {
    if (e instanceof ConfigProblem) throw new UsageError(`${file}: ${jsonPath(e.path)}: ${e.problem}`);
    if (e instanceof UsageError) throw new UsageError(`${file}: ${e.message}`);
    throw e;
  }
}

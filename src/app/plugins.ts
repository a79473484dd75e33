// Strategies and model families from the user's own files.
//
// A plugin is a TypeScript or JavaScript module (loaded without a build step
// by jiti, with `import … from 'loopcheck'` bound to this very copy of
// loopcheck) that exports loop-driver strategies or whole model families.
// Loading one registers it, so every command, the config gate and the worker
// threads (which load the same files again, see recipe.ts) see it like a
// built-in. Every problem is one UsageError line, before any search.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';
import type { ModelFamily } from '../engine/catalog.js';
import { makeLoopFamily } from '../../models/loop/index.js';
import { STRATEGIES, type Strategy } from '../../models/loop/strategies/index.js';
import { UsageError } from './errors.js';
import { FAMILIES, registerFamily } from './registry.js';
import { checkStrategyContract } from './strategy-contract.js';

export interface LoadedPlugin {
  /** Absolute path. */
  readonly file: string;
  /** SHA-256 of the file's bytes, hex. */
  readonly sha256: string;
  readonly strategies: readonly Strategy[];
  readonly families: readonly ModelFamily[];
}

/** Whether a --strategy / --model value names a file rather than a registered name. */
export function isPluginPath(value: string): boolean {
  return /\.(?:[cm]?[jt]s)$/.test(value) || value.startsWith('./') || value.startsWith('../') || isAbsolute(value);
}

const loaded = new Map<string, LoadedPlugin>();
/** Strategy name -> the plugin that supplied it. */
const strategyOwners = new Map<string, LoadedPlugin>();
const familyOwners = new Map<string, LoadedPlugin>();
let loopStrategies: Strategy[] = [...STRATEGIES];

/** The running loopcheck's library entry, which `import … from 'loopcheck'` in a plugin resolves to. */
function libraryEntry(): string {
  const js = fileURLToPath(new URL('../index.js', import.meta.url));
  return existsSync(js) ? js : fileURLToPath(new URL('../index.ts', import.meta.url));
}

let jiti: ReturnType<typeof createJiti> | null = null;
function loader() {
  jiti ??= createJiti(import.meta.url, { alias: { loopcheck: libraryEntry() }, fsCache: false, moduleCache: false, tryNative: true });
  return jiti;
}

export function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function looksLikeStrategy(v: unknown): v is Strategy {
  return typeof v === 'object' && v !== null && typeof (v as Strategy).name === 'string' && typeof (v as Strategy).define === 'function';
}

function looksLikeFamily(v: unknown): v is ModelFamily {
  const f = v as ModelFamily;
  return typeof v === 'object' && v !== null && typeof f.name === 'string' && typeof f.build === 'function' && Array.isArray(f.params) && Array.isArray(f.invariants);
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}

/** How a file is named in messages: as given, else relative to the working directory. */
export function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : `./${rel}`;
}

/** Loads (once) and registers the plugin in `file`; `what` says what must be in it. */
export async function loadPlugin(file: string, what: 'strategy' | 'model' | 'any' = 'any', opts: { check?: boolean } = {}): Promise<LoadedPlugin> {
  const abs = resolve(file);
  const known = loaded.get(abs);
  if (known) return expect(known, file, what);
  if (!existsSync(abs)) throw new UsageError(`plugin ${file}: no such file`);
  if (!statSync(abs).isFile()) throw new UsageError(`plugin ${file}: not a file`);
  const sha256 = sha256Of(abs);
  let mod: Record<string, unknown>;
  try {
    mod = (await loader().import(abs)) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`plugin ${file}: cannot load: ${firstLine(e)}`);
  }
  const values = [...new Set(Object.values(mod ?? {}))];
  const strategies = values
    .filter(looksLikeStrategy)
    .map((s): Strategy => ({ ...s, codeState: s.codeState ?? 'plugin', description: s.description ?? `strategy from ${displayName(abs)}` }));
  const families = values.filter(looksLikeFamily);
  const plugin: LoadedPlugin = { file: abs, sha256, strategies, families };
  // What the command asked for is checked first: a strategy file given to --model is refused as such, not checked as a strategy.
  if (strategies.length + families.length > 0) expect(plugin, file, what);
  if (strategies.length === 0 && families.length === 0) {
    throw new UsageError(`plugin ${file}: exports no strategy (an object with a name and define(p, m)) and no model family (name, params, invariants, build)`);
  }
  for (const s of strategies) {
    if (!/^[A-Za-z0-9][\w.-]*$/.test(s.name)) throw new UsageError(`plugin ${file}: strategy name '${s.name}' must be letters, digits, '.', '_' or '-'`);
    const clash = loopStrategies.find((x) => x.name === s.name);
    if (clash) {
      const owner = strategyOwners.get(s.name);
      throw new UsageError(`plugin ${file}: strategy '${s.name}' is already ${owner ? `defined by ${displayName(owner.file)}` : 'a built-in strategy'} (rename it)`);
    }
    if (opts.check !== false) checkStrategyContract(s, file);
  }
  for (const f of families) {
    if (familyOwners.has(f.name) || FAMILIES.some((x) => x.name === f.name)) throw new UsageError(`plugin ${file}: model '${f.name}' is already registered (rename it)`);
  }
  // Registered only once every check passed.
  for (const s of strategies) {
    loopStrategies = [...loopStrategies, s];
    strategyOwners.set(s.name, plugin);
  }
  if (strategies.length > 0) registerFamily(makeLoopFamily(loopStrategies));
  for (const f of families) {
    registerFamily(f);
    familyOwners.set(f.name, plugin);
  }
  loaded.set(abs, plugin);
  return expect(plugin, file, what);
}

function expect(p: LoadedPlugin, file: string, what: 'strategy' | 'model' | 'any'): LoadedPlugin {
  if (what === 'strategy' && p.strategies.length === 0) throw new UsageError(`plugin ${file}: exports no strategy (an object with a name and define(p, m))`);
  if (what === 'model' && p.families.length === 0) throw new UsageError(`plugin ${file}: exports no model family (name, params, invariants, build)`);
  return p;
}

/** Every plugin file loaded so far (absolute paths), for worker threads and trace files. */
export function loadedPlugins(): readonly LoadedPlugin[] {
  return [...loaded.values()];
}

/** The plugin that supplied a strategy or model family, if any. */
export function pluginOf(family: string, strategy: string | null): LoadedPlugin | undefined {
  return (strategy !== null && family === 'loop' ? strategyOwners.get(strategy) : undefined) ?? familyOwners.get(family);
}

/**
 * Replaces plugin paths among --strategy values by the names of the
 * strategies they export (a file exporting two strategies selects both).
 */
export async function resolveStrategyArgs(values: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const v of values) {
    if (!isPluginPath(v)) {
      out.push(v);
      continue;
    }
    const p = await loadPlugin(v, 'strategy');
    out.push(...p.strategies.map((s) => s.name));
  }
  return out;
}

/** --model ./file.ts: the name of the (first) family the file exports. */
export async function resolveModelArg(value: string): Promise<string> {
  if (!isPluginPath(value)) return value;
  const p = await loadPlugin(value, 'model');
  return p.families[0].name;
}

/** Worker threads: load the main thread's plugin files (already checked there). */
export async function ensurePlugins(files: readonly string[]): Promise<void> {
  for (const f of files) await loadPlugin(f, 'any', { check: false });
}

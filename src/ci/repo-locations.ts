// Locations inside the user's repository, for SARIF and annotations: GitHub
// code scanning shows a result only where its path exists in the repository
// that uploaded it. A cell is located at its line in the user's config; a
// step of a plugin strategy at its line in the user's file; a step of a
// built-in strategy in loopcheck's own source only when that source lies in
// the repository (this repository, or loopcheck vendored in a subdirectory),
// never under node_modules; otherwise at the cell's config line.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pluginOf } from '../app/plugins.js';
import type { ModelFamily } from '../engine/catalog.js';
import { findStepLine, locateStep, packageRoot, type SourceLocation } from './sources.js';

/** The repository root: $GITHUB_WORKSPACE, else the nearest directory above cwd holding .git, else cwd. */
export function repoRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GITHUB_WORKSPACE && existsSync(env.GITHUB_WORKSPACE)) return resolve(env.GITHUB_WORKSPACE);
  let dir = process.cwd();
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** `abs` relative to the repository, or null when it lies outside it or under node_modules. */
function inRepo(root: string, abs: string): string | null {
  const rel = relative(root, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  const uri = rel.split(sep).join('/');
  return uri.split('/').includes('node_modules') ? null : uri;
}

const lineCache = new Map<string, readonly string[]>();
function linesOf(file: string): readonly string[] {
  let lines = lineCache.get(file);
  if (!lines) {
    lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
    lineCache.set(file, lines);
  }
  return lines;
}

export class RepoLocator {
  readonly root: string;
  readonly #config: string | null;

  /** `configFile`: the config the cells come from (null: cells selected on the command line). */
  constructor(configFile: string | null, root = repoRoot()) {
    this.root = root;
    this.#config = configFile === null ? null : resolve(configFile);
  }

  /** The config line naming the cell (else its run's model, else line 1); null without a config in the repository. */
  cell(cellKey: string, runIndex: number): SourceLocation | null {
    if (this.#config === null) return null;
    const uri = inRepo(this.root, this.#config);
    if (uri === null) return null;
    const lines = linesOf(this.#config);
    const key = lines.findIndex((l) => l.includes(JSON.stringify(cellKey)));
    if (key >= 0) return { uri, line: key + 1 };
    const models = lines.map((l, i) => (/"model"\s*:/.test(l) ? i : -1)).filter((i) => i >= 0);
    if (models[runIndex] !== undefined) return { uri, line: models[runIndex] + 1 };
    return { uri, line: 1 };
  }

  /**
   * Where a step of a trace is defined, inside the repository: the plugin
   * file of a user's strategy or model, loopcheck's source when vendored,
   * else `fallback` (the cell's config line).
   */
  step(family: ModelFamily, strategy: string | null, scenario: string | null, step: { action: string; step: string | null }, fallback: SourceLocation | null): SourceLocation | null {
    const plugin = pluginOf(family.name, strategy);
    if (plugin) {
      const uri = inRepo(this.root, plugin.file);
      const line = findStepLine(linesOf(plugin.file), step);
      if (uri !== null && line !== null) return { uri, line };
      // A step of the shared driver code (not in the plugin file) falls through.
    }
    const own = locateStep(family, step, [strategy, scenario]);
    const uri = inRepo(this.root, join(packageRoot(), own.uri));
    if (uri !== null) return { uri, ...(own.line !== undefined ? { line: own.line } : {}) };
    return fallback;
  }
}

// Maps a model family and its trace steps to source files, for SARIF
// locations and Actions annotations. A family may declare its files in an
// optional `sources` property (paths relative to the loopcheck package
// root); otherwise every .ts file under models/<family>/ is searched. A step
// is located at the first line quoting its step text, else its action name
// (preferring files named after the run's strategy or scenario), else the
// family's index.ts, line 1.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelFamily } from '../engine/catalog.js';

export interface SourceLocation {
  /** Path relative to the package root, with forward slashes. */
  readonly uri: string;
  /** 1-based; absent when only the file is known. */
  readonly line?: number;
}

let rootCache: string | undefined;
/** The loopcheck package root (the directory holding its package.json). */
export function packageRoot(): string {
  if (rootCache) return rootCache;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if (JSON.parse(readFileSync(pj, 'utf8')).name === 'loopcheck') return (rootCache = dir);
      } catch {
        /* keep looking */
      }
    }
    const up = dirname(dir);
    if (up === dir) return (rootCache = process.cwd());
    dir = up;
  }
}

interface SourceFile {
  readonly uri: string;
  readonly lines: readonly string[];
}

const fileCache = new Map<string, SourceFile[]>();

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|js|pml|tla)$/.test(e) && !/\.d\.ts$/.test(e)) out.push(p);
  }
}

function familySources(family: ModelFamily): SourceFile[] {
  const hit = fileCache.get(family.name);
  if (hit) return hit;
  const root = packageRoot();
  const declared = (family as ModelFamily & { sources?: readonly string[] }).sources;
  let paths: string[] = [];
  if (declared && declared.length > 0) {
    paths = declared.map((p) => join(root, p)).filter((p) => existsSync(p));
  } else {
    const dir = join(root, 'models', family.name);
    if (existsSync(dir)) walk(dir, paths);
  }
  // Entry file first, so it is the fallback location.
  paths.sort((a, b) => Number(/[\\/]index\.ts$/.test(b) && dirname(b) === join(root, 'models', family.name)) - Number(/[\\/]index\.ts$/.test(a) && dirname(a) === join(root, 'models', family.name)));
  const files = paths.map((p) => ({
    uri: relative(root, p).split(sep).join('/'),
    lines: readFileSync(p, 'utf8').split('\n'),
  }));
  fileCache.set(family.name, files);
  return files;
}

function findLine(files: readonly SourceFile[], test: (line: string) => boolean): SourceLocation | undefined {
  for (const f of files) {
    const i = f.lines.findIndex(test);
    if (i >= 0) return { uri: f.uri, line: i + 1 };
  }
  return undefined;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 1-based line of a file's text quoting the step's text, else its action (function) name; null if neither. */
export function findStepLine(lines: readonly string[], step: { action: string; step: string | null }): number | null {
  const quoted = (s: string) => new RegExp(`['"\`]${escapeRe(s)}['"\`]`);
  const tests = [...(step.step ? [quoted(step.step)] : []), quoted(step.action)];
  for (const t of tests) {
    const i = lines.findIndex((l) => t.test(l));
    if (i >= 0) return i + 1;
  }
  return null;
}

/** The file (and line, when found) that defines an action or step of a trace. */
export function locateStep(
  family: ModelFamily,
  step: { action: string; step: string | null },
  prefer: readonly (string | null)[] = [],
): SourceLocation {
  const all = familySources(family);
  if (all.length === 0) return { uri: `models/${family.name}` };
  const preferred = prefer.filter((p): p is string => !!p);
  const ordered = [
    ...all.filter((f) => preferred.some((p) => f.uri.includes(p))),
    ...all.filter((f) => !preferred.some((p) => f.uri.includes(p))),
  ];
  const quoted = (s: string) => new RegExp(`['"\`]${escapeRe(s)}['"\`]`);
  if (step.step) {
    const q = quoted(step.step);
    const hit = findLine(ordered, (l) => q.test(l));
    if (hit) return hit;
  }
  const qa = quoted(step.action);
  const bare = new RegExp(`\\b${escapeRe(step.action)}\\b`);
  return findLine(ordered, (l) => qa.test(l)) ?? findLine(ordered, (l) => bare.test(l)) ?? { uri: all[0].uri, line: 1 };
}

/** The file most specific to a run: one named after its strategy or scenario, else the entry file. */
export function locateRun(family: ModelFamily, strategy: string | null, scenario: string | null): SourceLocation {
  const all = familySources(family);
  if (all.length === 0) return { uri: `models/${family.name}` };
  for (const p of [strategy, scenario]) {
    if (!p) continue;
    const f = all.find((x) => x.uri.endsWith(`/${p}.ts`));
    if (f) return { uri: f.uri, line: 1 };
  }
  return { uri: all[0].uri, line: 1 };
}

// The import rules of the code base, checked on every import in src/,
// models/ and specs/ (static, dynamic and re-exports, read from TypeScript's
// own syntax tree): an import may point to the same layer or one below,
// never up (type-only imports included), and no chain of imports that exist
// at run time may close a cycle (an `import type` is erased by the compiler,
// so two files may name each other's types). The same table is in the
// README's layout section.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Lower layers first; a file may import its own layer and any lower one. */
export const LAYERS: readonly { readonly layer: number; readonly dirs: readonly string[]; readonly why: string }[] = [
  { layer: 0, dirs: ['src/engine'], why: 'model-agnostic search and analyses' },
  { layer: 1, dirs: ['models', 'specs', 'src/values'], why: 'model families and their properties (they name each other); the value-semantics model API' },
  { layer: 2, dirs: ['src/report', 'src/conform'], why: 'trace views and text; the model-to-kernel data contract' },
  { layer: 3, dirs: ['src/app'], why: 'the application core: registry, planning, the runner, errors, exit codes, I/O' },
  { layer: 4, dirs: ['src/export'], why: 'trace file formats' },
  { layer: 5, dirs: ['src/ci'], why: 'config, cells and reports' },
  { layer: 6, dirs: ['src/cli', 'src/bench'], why: 'commands' },
  { layer: 7, dirs: ['src/index.ts'], why: "the library entry (`import … from 'loopcheck'`)" },
];

function layerOf(file: string): number | undefined {
  for (const l of LAYERS) if (l.dirs.some((d) => file === d || file.startsWith(d + '/'))) return l.layer;
  return undefined;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = `${dir}/${name}`;
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...sources(rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

export interface ImportEdge {
  /** Repository-relative path of the imported .ts file. */
  readonly target: string;
  /** Erased at compile time: `import type`, or every named import marked `type`. */
  readonly typeOnly: boolean;
}

/** The repository-relative .ts files a source file imports (packages and node: modules left out). */
export function importsOf(file: string, text: string): ImportEdge[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: ImportEdge[] = [];
  const add = (spec: ts.Expression | undefined, typeOnly: boolean) => {
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith('.')) return;
    out.push({ target: relative(ROOT, resolve(ROOT, dirname(file), spec.text)).replace(/\.js$/, '.ts'), typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal as ts.Expression, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return out;
}

const FILES = ['src', 'models', 'specs'].flatMap(sources);
const EDGES = new Map(FILES.map((f) => [f, importsOf(f, readFileSync(join(ROOT, f), 'utf8')).filter((e) => e.target.endsWith('.ts'))]));
/** Every import, type-only ones included: for the layer rules. */
const GRAPH = new Map([...EDGES].map(([f, es]) => [f, es.map((e) => e.target)]));
/** Imports that exist at run time: for the cycle rule. */
const RUNTIME = new Map([...EDGES].map(([f, es]) => [f, es.filter((e) => !e.typeOnly).map((e) => e.target)]));

/** Every import cycle, as the files along it (Tarjan's strongly connected components of size > 1 or a self-import). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('architecture', () => {
  it('reads the imports of every source file (the parser sees static, dynamic and re-exports)', () => {
    expect(FILES.length).toBeGreaterThan(100);
    const text = "import a from './b.js';\nexport { c } from '../y/c.js';\nconst d = await import('./d.js');\nimport 'chalk';\nimport type { E } from './e.js';\nimport { type F } from './f.js';\nlet g: import('./g.js').G;";
    expect(importsOf('src/x/a.ts', text)).toEqual([
      { target: 'src/x/b.ts', typeOnly: false },
      { target: 'src/y/c.ts', typeOnly: false },
      { target: 'src/x/d.ts', typeOnly: false },
      { target: 'src/x/e.ts', typeOnly: true },
      { target: 'src/x/f.ts', typeOnly: true },
      { target: 'src/x/g.ts', typeOnly: true },
    ]);
  });

  it('every source file is in a layer', () => {
    expect(FILES.filter((f) => layerOf(f) === undefined)).toEqual([]);
  });

  it('no import points to a higher layer', () => {
    const upward: string[] = [];
    for (const [file, targets] of GRAPH) {
      for (const t of targets) {
        const from = layerOf(file)!;
        const to = layerOf(t);
        if (to !== undefined && to > from) upward.push(`${file} (layer ${from}) imports ${t} (layer ${to})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('the engine and export import nothing from cli or ci', () => {
    const bad = [...GRAPH].filter(([f]) => f.startsWith('src/engine/') || f.startsWith('src/export/')).flatMap(([f, ts]) => ts.filter((t) => /^src\/(cli|ci)\//.test(t)).map((t) => `${f} -> ${t}`));
    expect(bad).toEqual([]);
  });

  it('no import cycle (among imports that exist at run time)', () => {
    expect(cycles(RUNTIME)).toEqual([]);
  });

  it('the cycle finder finds a cycle and an upward edge is caught (so the checks above can fail)', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
    expect(layerOf('src/engine/bfs.ts')! < layerOf('src/cli/main.ts')!).toBe(true);
  });
});

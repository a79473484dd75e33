// The export formats, their file extensions and stable file names, and
// writing a trace in each: through the application's one writer
// (app/write-file.ts), so a trace file is whole or absent.

import { statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../app/errors.js';
import { makeDirs, writeFileAtomic } from '../app/write-file.js';
import { traceData, type TraceContext } from '../report/trace-data.js';
import { renderTraceMarkdown } from '../report/trace-md.js';
import { viewTrace } from '../report/trace-view.js';
import { toDot } from './dot.js';
import { toHtml } from './html.js';
import { toItf } from './itf.js';
import { toMermaid } from './mermaid.js';
import { traceFileText } from './trace-json.js';
import { generateReproducer } from '../conform/c/reproducer.js';
import { NoReproducer, reproducerFor } from '../conform/reproduce.js';

export const FORMATS = ['json', 'itf', 'md', 'mermaid', 'dot', 'html', 'c'] as const;
/** What `all` means: every trace rendering (`c` is a program, asked for by name). */
const ALL: readonly Format[] = ['json', 'itf', 'md', 'mermaid', 'dot', 'html'];
export type Format = (typeof FORMATS)[number];

export const EXTENSIONS: Readonly<Record<Format, string>> = {
  json: 'json',
  itf: 'itf.json',
  md: 'md',
  mermaid: 'mmd',
  dot: 'dot',
  html: 'html',
  c: 'c',
};

/** Parses `--trace-format` values: repeatable, each a comma-separated list; `all` means every format. */
export function parseFormats(raw: readonly string[] | undefined, flag = '--trace-format'): Format[] {
  const names = (raw ?? []).flatMap((r) => r.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  const out: Format[] = [];
  for (const n of names) {
    if (n === 'all') {
      for (const f of ALL) if (!out.includes(f)) out.push(f);
      continue;
    }
    if (!(FORMATS as readonly string[]).includes(n)) {
      throw new UsageError(`unknown ${flag} '${n}' (valid: ${FORMATS.join(', ')}, all)`);
    }
    if (!out.includes(n as Format)) out.push(n as Format);
  }
  return out;
}

export interface RenderOptions {
  readonly fullStates?: boolean;
}

export function renderFormat(format: Format, ctx: TraceContext, opts: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return traceFileText(ctx);
    case 'itf':
      return JSON.stringify(toItf(ctx), null, 2) + '\n';
    case 'md': {
      const tv = viewTrace(ctx.model, ctx.trace, ctx.invariant, ctx.description);
      const run = [ctx.strategy, ctx.scenario].filter((x) => x !== null).join(' / ') || ctx.family;
      return renderTraceMarkdown(tv, { run, model: `${ctx.family} (${ctx.model.name})`, params: ctx.params }, opts.fullStates);
    }
    case 'mermaid':
      return toMermaid(traceData(ctx));
    case 'dot':
      return toDot(traceData(ctx));
    case 'html':
      return toHtml(traceData(ctx));
    case 'c':
      try {
        return generateReproducer(reproducerFor(ctx.model, ctx.trace, ctx));
      } catch (e) {
        if (e instanceof NoReproducer) throw new UsageError(`format c: ${e.message}`);
        throw e;
      }
  }
}

function safePart(s: string): string {
  return s.replace(/[^A-Za-z0-9._+,=-]+/g, '_').replace(/^\.+/, '_');
}

/**
 * `<strategy>.<scenario>.<invariant>.<ext>`, or `<model>.<invariant>.<ext>` for
 * models without them, with the context's fileSuffix (if any) before the extension.
 */
export function traceFileName(ctx: Pick<TraceContext, 'family' | 'strategy' | 'scenario' | 'invariant' | 'fileSuffix'>, format: Format): string {
  const run = [ctx.strategy, ctx.scenario].filter((x): x is string => x !== null);
  const parts = run.length > 0 ? run : [ctx.family];
  return [...parts, ctx.invariant, ...(ctx.fileSuffix ? [ctx.fileSuffix] : [])].map(safePart).join('.') + '.' + EXTENSIONS[format];
}

/**
 * Makes sure `dir` is a directory we can write to, creating it if needed.
 * Called before any search runs, so a bad --trace-dir costs nothing.
 */
export function prepareTraceDir(dir: string, flag = '--trace-dir'): string {
  try {
    const st = statSync(dir, { throwIfNoEntry: false });
    if (st && !st.isDirectory()) throw new UsageError(`${flag} ${dir} is not a directory`);
    if (!st) makeDirs(dir); // not mkdirSync({ recursive }): it never returns under /proc
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${flag} ${dir}: cannot create directory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  // Probe by writing, as permission bits do not tell the whole story (root, read-only mounts).
  try {
    writeFileAtomic(join(dir, `.loopcheck-probe-${process.pid}`), '');
    unlinkSync(join(dir, `.loopcheck-probe-${process.pid}`));
  } catch (e) {
    throw new UsageError(`${flag} ${dir} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return dir;
}

/** Writes a trace in each format into `dir`; returns the paths written. */
export function writeTraceFiles(dir: string, ctx: TraceContext, formats: readonly Format[], opts: RenderOptions = {}): string[] {
  return formats.map((f) => {
    const path = join(dir, traceFileName(ctx, f));
    writeFileAtomic(path, renderFormat(f, ctx, opts));
    return path;
  });
}

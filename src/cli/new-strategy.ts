// `loopcheck new strategy <name> --from <built-in>`: writes an editable copy
// of a built-in strategy's source into the user's directory, importing only
// from 'loopcheck', ready for `verify --strategy ./<name>.ts` or the
// config's "plugins". The built-in sources ship with the package.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { EXIT, UsageError } from '../app/errors.js';
import { checkWritable, writeFileAtomic, writeStdout } from '../app/write-file.js';
import { STRATEGIES } from '../../models/loop/strategies/index.js';

/** The directory of the built-in strategies' TypeScript sources (in the repository and in the package). */
function sourcesDir(): string {
  for (const rel of ['../../models/loop/strategies/', '../../../models/loop/strategies/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, 'types.ts'))) return dir;
  }
  throw new Error('the built-in strategy sources are not installed with this loopcheck');
}

function sourceOf(name: string): string {
  const dir = sourcesDir();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
    const text = readFileSync(join(dir, f), 'utf8');
    if (text.includes(`name: '${name}',`)) return text;
  }
  throw new Error(`no source for the built-in strategy ${name}`);
}

const IMPORT = /^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'(\.[^']*)';\s*$/gm;

/** The built-in's source rewritten as the user's strategy `name`, importing from 'loopcheck'. */
export function strategySource(from: string, name: string): string {
  const builtin = STRATEGIES.find((s) => s.name === from);
  if (!builtin) throw new UsageError(`unknown strategy '${from}' for --from (valid: ${STRATEGIES.map((s) => s.name).join(', ')})`);
  let text = sourceOf(from);
  const specifiers: string[] = [];
  text = text.replace(IMPORT, (_all, typeOnly: string | undefined, names: string) => {
    for (const raw of names.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
      specifiers.push(typeOnly && !raw.startsWith('type ') ? `type ${raw}` : raw);
    }
    return '\u0000';
  });
  const unique = [...new Set(specifiers)];
  const firstImport = text.indexOf('\u0000');
  text = text.slice(0, firstImport) + `import { ${unique.join(', ')} } from 'loopcheck';\n` + text.slice(firstImport).replace(/\u0000\n?/g, '');
  const ident = name.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^(\d)/, '_$1');
  const exported = /export const (\w+): Strategy = \{/.exec(text);
  if (!exported) throw new Error(`the source of ${from} has no exported Strategy`);
  text = text.replace(exported[0], `export const ${ident}: Strategy = {`).replace(`name: '${from}',`, `name: '${name}',`);
  const header = [
    `// Strategy \`${name}\`: started as a copy of loopcheck's built-in \`${from}\``,
    `// (\`loopcheck new strategy ${name} --from ${from}\`). Edit the steps to model your`,
    `// patch, then check it: npx loopcheck verify --strategy ./${name}.ts`,
    '// The step contract and the building blocks: docs/writing-a-strategy.md.',
    '//',
  ];
  return `${header.join('\n')}\n${text}`;
}

export function registerNew(prog: Command, setCode: (c: number) => void): void {
  const cmd = prog.command('new').description('write a starting file for your own strategy');
  cmd
    .command('strategy <name>')
    .description('write <name>.ts: an editable copy of a built-in strategy, importing only from loopcheck')
    .requiredOption('--from <strategy>', 'the built-in strategy to start from, e.g. post-patch')
    .option('-o, --output <file>', 'file to write, - for stdout (default: ./<name>.ts)')
    .option('--force', 'overwrite an existing file')
    .action((name: string, flags: { from: string; output?: string; force?: boolean }) => {
      if (!/^[A-Za-z0-9][\w.-]*$/.test(name)) throw new UsageError(`strategy name '${name}' must be letters, digits, '.', '_' or '-'`);
      if (STRATEGIES.some((s) => s.name === name)) throw new UsageError(`'${name}' is a built-in strategy; choose another name`);
      const text = strategySource(flags.from, name);
      const out = flags.output ?? `./${name}.ts`;
      if (out === '-') {
        writeStdout(text);
      } else {
        checkWritable('--output', out);
        if (existsSync(out) && !flags.force) throw new UsageError(`${out} already exists (use --force to overwrite it)`);
        writeFileAtomic(out, text);
        process.stderr.write(`loopcheck: wrote ${out} (strategy ${name}, from ${flags.from}); check it with: npx loopcheck verify --strategy ${out}\n`);
      }
      setCode(EXIT.ok);
    });
  cmd.commands.forEach((c) => c.exitOverride());
}

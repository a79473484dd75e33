// Where the shipped config schema is, and how a config file refers to it.
//
// `init` writes `"$schema"` as a path relative to the config file, so an
// editor validates the config against the schema of the loopcheck the
// repository installs (node_modules/loopcheck/…) or vendors.

import { existsSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCHEMA = 'loopcheck.config.schema.json';

/** Absolute path of the schema: beside this module in the sources, under src/ci in the package. */
export function schemaFile(): string {
  const beside = fileURLToPath(new URL(`./${SCHEMA}`, import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL(`../../../src/ci/${SCHEMA}`, import.meta.url));
}

/** The `$schema` value for a config written at `configPath` (`-`: the current directory). */
export function schemaRef(configPath: string): string {
  const dir = configPath === '-' ? process.cwd() : dirname(resolve(configPath));
  const rel = relative(dir, schemaFile()).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

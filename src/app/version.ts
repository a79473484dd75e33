// The package version, read once from package.json next to the build.

import { readFileSync } from 'node:fs';

function readVersion(): string {
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      return JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')).version as string;
    } catch {
      // try the next location (compiled vs. source tree)
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();

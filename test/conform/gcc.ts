// gcc with a static libc for the tests that compile generated C; where either
// is missing those tests skip with a visible notice (install gcc libc6-dev).

import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { onPath } from '../../src/conform/kernel/tools.js';

export const HAVE_STATIC_GCC =
  onPath('gcc') !== undefined && (existsSync('/usr/lib/x86_64-linux-gnu/libc.a') || existsSync('/usr/lib/libc.a'));

if (!HAVE_STATIC_GCC) {
  console.warn('\n*** gcc or a static libc (libc.a) not found: SKIPPING the tests that compile generated C.\n*** apt-get install -y gcc libc6-dev to run them.\n');
}

/** Compile with gcc -static -O1 -Wall; returns gcc's stderr (warnings), throws on an error. */
export function compile(cFile: string, binary: string): string {
  try {
    return execFileSync('gcc', ['-static', '-O1', '-Wall', '-pthread', '-o', binary, cFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string };
    throw new Error(`gcc failed:\n${err.stderr ?? String(e)}`);
  }
}

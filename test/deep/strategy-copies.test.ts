// `new strategy --from X` for every other built-in (post-patch is copied in
// test/plugins/strategy-files.test.ts): the copy, whose step builders come
// from 'loopcheck' alone, verifies exactly as its built-in. Six CLI runs
// that load TypeScript through jiti, so it runs in CI's test:deep.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../ci/helpers.js';
import { lc, newStrategy } from '../plugins/new-strategy.js';

describe('new strategy', () => {
  it('a copy of every built-in (their step builders imported from loopcheck) verifies as the built-in', () => {
    const dir = tempDir();
    const args = ['verify', '--no-config', '--scenario', 'udev', '--workers', '1', '--json'];
    const states = (out: string) => (JSON.parse(out).results as { stats: { states: number }; status: string }[]).map((r) => `${r.stats.states} ${r.status}`);
    for (const from of ['pre-patch', 'v5.17', 'v6.11']) {
      const name = `copy-${from.replace('.', '')}`;
      const text = readFileSync(newStrategy(dir, name, from), 'utf8');
      expect([...text.matchAll(/from '([^']+)'/g)].map((m) => m[1])).toEqual(['loopcheck']);
      const mine = lc([...args, '--strategy', `./${name}.ts`], dir);
      expect(mine.stderr, from).toBe('');
      expect(states(mine.stdout), from).toEqual(states(lc([...args, '--strategy', from], dir).stdout));
    }
  });

});

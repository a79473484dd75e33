// The package as a user gets it: `npm pack`, installed into an empty
// directory, a plugin strategy written there from the shipped sources,
// type-checked against the shipped declarations, then `init` and `verify`
// with a SARIF report whose every location exists in that directory.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../ci/helpers.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const TSC = join(require.resolve('typescript/package.json'), '..', 'bin', 'tsc');

describe('the packed package in an empty directory', () => {
  it('installs, loads a TypeScript strategy of the user, runs init and verify, and writes SARIF pointing into that directory', () => {
    const packs = tempDir();
    const out = execFileSync('npm', ['pack', '--pack-destination', packs, '--ignore-scripts', '--json'], { cwd: REPO, encoding: 'utf8' });
    const tgz = join(packs, (JSON.parse(out) as { filename: string }[])[0].filename);
    const user = tempDir();
    mkdirSync(join(user, '.git'));
    writeFileSync(join(user, 'package.json'), JSON.stringify({ name: 'my-driver-checks', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tgz], { cwd: user, encoding: 'utf8', stdio: 'pipe' });
    const bin = join(user, 'node_modules', '.bin', 'loopcheck');
    const env = { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', GITHUB_WORKSPACE: '' };
    const lc = (args: string[]) => spawnSync(bin, args, { cwd: user, encoding: 'utf8', env });

    mkdirSync(join(user, 'checks'));
    const made = lc(['new', 'strategy', 'my-patch', '--from', 'post-patch', '-o', 'checks/my-patch.ts']);
    expect(made.status, made.stderr).toBe(0);
    // The shipped declarations type the user's file.
    const tsc = spawnSync(process.execPath, [TSC, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', 'checks/my-patch.ts'], { cwd: user, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');

    const init = lc(['init', '--strategy', './checks/my-patch.ts', '--scenario', 'mount', 'stack-independent', '--workers', '2']);
    expect(init.status, init.stderr).toBe(0);
    const cfgFile = join(user, 'loopcheck.config.json');
    const cfg = readFileSync(cfgFile, 'utf8');
    expect(cfg).toContain('"$schema": "./node_modules/loopcheck/src/ci/loopcheck.config.schema.json"');
    expect(existsSync(join(user, 'node_modules/loopcheck/src/ci/loopcheck.config.schema.json'))).toBe(true);
    expect(cfg).toContain('"plugins": ["./checks/my-patch.ts"]');
    expect(lc(['verify', '--workers', '2']).status).toBe(0);

    // Say the patch should have closed the mount race: verify fails, SARIF shows where.
    writeFileSync(cfgFile, cfg.replace('"my-patch / mount / mount-io": "violated"', '"my-patch / mount / mount-io": "holds"'));
    const v = lc(['verify', '--workers', '2', '--sarif', 'reports/loopcheck.sarif']);
    expect(v.status).toBe(1);
    const run = JSON.parse(readFileSync(join(user, 'reports/loopcheck.sarif'), 'utf8')).runs[0];
    expect(run.results).toHaveLength(1);
    const uris = new Set<string>();
    for (const r of run.results) {
      for (const l of r.locations) uris.add(l.physicalLocation.artifactLocation.uri);
      for (const f of r.codeFlows) for (const t of f.threadFlows) for (const l of t.locations) uris.add(l.location.physicalLocation.artifactLocation.uri);
    }
    expect([...uris].sort()).toEqual(['checks/my-patch.ts', 'loopcheck.config.json']);
    for (const u of uris) expect(existsSync(join(user, u))).toBe(true);
  });
});

// `loopcheck init` writes a commented config expecting today's verdicts,
// which `verify` then passes.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lc, tempDir } from './helpers.js';

describe('loopcheck init', () => {
  it('writes ./loopcheck.config.json with the verdicts found, and verify passes on it', () => {
    const dir = tempDir();
    const r = lc(['init', '--model', 'philosophers', '--param', 'N=4', '--param', 'lefty=1'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('wrote loopcheck.config.json: 2 cells (1 hold, 1 violated, 0 incomplete) from 1 search');
    const text = readFileSync(join(dir, 'loopcheck.config.json'), 'utf8');
    expect(text).toMatch(/^\/\/ loopcheck configuration, written by `loopcheck init`/);
    expect(text).toContain('"params": { "N": 4, "lefty": 1 },');
    expect(text).toContain('"deadlock": "violated"  // 8-step counterexample');
    expect(text).toContain('"eating-holds-forks": "holds",');
    // $schema points, relative to the config, at the schema file shipped with loopcheck.
    const ref = /"\$schema": "([^"]+)"/.exec(text)![1];
    expect(ref).toMatch(/loopcheck\.config\.schema\.json$/);
    const schema = JSON.parse(readFileSync(join(dir, ref), 'utf8'));
    expect(schema.title).toBe('loopcheck configuration');
    const v = lc(['verify'], { cwd: dir });
    expect(v.code).toBe(0);
    expect(v.stderr).toContain('using config ./loopcheck.config.json');
    // Refuses to overwrite without --force.
    const again = lc(['init', '--model', 'philosophers', '--param', 'N=3'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('loopcheck: error: loopcheck.config.json already exists (use --force to overwrite it)\n');
    expect(lc(['init', '--model', 'philosophers', '--param', 'N=3', '--force'], { cwd: dir }).code).toBe(0);
  });

  it('keeps limits and marks cut-short cells incomplete-ok; - prints to stdout', () => {
    const r = lc(['init', '--model', 'philosophers', '--param', 'N=5', '--max-states', '50', '-o', '-']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"limits": { "maxStates": 50 },');
    expect(r.stdout).toContain('"deadlock": "incomplete-ok"  // not known: the search was cut short');
    const dir = tempDir();
    const cfg = join(dir, 'c.json');
    writeFileSync(cfg, r.stdout);
    expect(lc(['verify', '--config', cfg]).code).toBe(0);
  });

  it('2 for bad names, as verify', () => {
    const r = lc(['init', '--model', 'nope', '-o', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^loopcheck: error: unknown model 'nope'/);
  });
});

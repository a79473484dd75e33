// Liveness and lock-order through the CLI: verdict rows, exit codes, the
// --json fields of a lasso, and lasso trace files in every format that
// replay as written (and fail to replay when tampered with).

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

const starving = ['verify', '--model', 'philosophers', '--param', 'N=3', '--invariant', 'hungry-eats', '--invariant', 'lock-order'];

describe('liveness and lock-order in verify', () => {
  it('reports starvation as a lasso and exits 1; lock order holds for ordered forks', () => {
    const r = cli([...starving, '--no-color']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/hungry-eats\s+VIOLATED \(13 steps\)/);
    expect(r.stdout).toMatch(/lock-order\s+holds/);
    expect(r.stdout).toContain('Lasso (infinite run) for hungry-eats');
    expect(r.stdout).toContain('P0 stays pending forever (cycle of 12 steps)');
    expect(r.stdout).toMatch(/1 P0\s+get-hungry ↻ loop starts here/);
    expect(r.stdout).toContain('◀ back in state 1: steps 2..13 repeat forever');
  });

  it('lefty philosophers: a 3-edge lock-order cycle with one witness per edge', () => {
    const r = cli(['verify', '--model', 'philosophers', '--param', 'N=3', '--param', 'lefty=1', '--invariant', 'lock-order', '--no-color']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('cycle fork[0] → fork[1] → fork[2] → fork[0]');
    expect(r.stdout.match(/next edge of the cycle/g)).toHaveLength(2);
  });

  it('--json carries the loop index and the detail', () => {
    const r = cli([...starving, '--json']);
    const doc = JSON.parse(r.stdout);
    const live = doc.results.find((x: { invariant: string }) => x.invariant === 'hungry-eats');
    expect(live.status).toBe('violated');
    expect(live.loop).toBe(1);
    expect(live.trace).toHaveLength(14);
    expect(live.trace[13].state).toEqual(live.trace[1].state);
    expect(live.detail).toMatch(/P0 stays pending/);
  });

  it('the loop model checks syscalls-return and lock-order by default', () => {
    const r = cli(['verify', '--no-config', '--strategy', 'post-patch', '--scenario', 'udev', '--no-color']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/syscalls-return\s+holds/);
    expect(r.stdout).toMatch(/lock-order\s+holds/);
  });

  it('a limit leaves liveness incomplete (exit 3), never holds', () => {
    const r = cli(['verify', '--model', 'philosophers', '--param', 'N=3', '--param', 'M=1', '--invariant', 'lock-order', '--max-states', '5', '--no-color']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/lock-order\s+incomplete/);
  });
});

describe('lasso trace files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loopcheck-lasso-'));
  const r = cli([...starving, '--trace-dir', dir, '--trace-format', 'all']);
  const base = join(dir, 'philosophers.hungry-eats');

  it('writes every format with the loop marked', () => {
    expect(r.code).toBe(1);
    const itf = JSON.parse(readFileSync(`${base}.itf.json`, 'utf8'));
    // The closing state (equal to state 1) is left out: ITF's loop says what follows the last state.
    expect(itf.states).toHaveLength(13);
    expect(itf.loop).toBe(1);
    expect(itf.states[1]['#meta']['loop-start']).toBe(true);
    expect(JSON.parse(readFileSync(`${base}.json`, 'utf8')).loop).toBe(1);
    expect(readFileSync(`${base}.md`, 'utf8')).toContain('### Lasso: `hungry-eats` violated by an infinite run (13 steps, then a loop back to state 1)');
    expect(readFileSync(`${base}.mmd`, 'utf8')).toContain('↻ loop starts after step 1');
    expect(readFileSync(`${base}.dot`, 'utf8')).toContain('↻ loop starts after step 1');
    expect(readFileSync(`${base}.html`, 'utf8')).toContain('an infinite run: back in state 1');
  });

  it('replays as written, and a wrong loop index diverges', () => {
    const ok = cli(['replay', `${base}.json`, '--no-color']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('is a fair lasso (loop back to state 1) violating hungry-eats');
    const doc = JSON.parse(readFileSync(`${base}.json`, 'utf8'));
    writeFileSync(join(dir, 'moved.json'), JSON.stringify({ ...doc, loop: 2 }));
    const moved = cli(['replay', join(dir, 'moved.json'), '--no-color']);
    expect(moved.code).toBe(1);
    expect(moved.stdout).toContain('the loop does not close');
    const { loop: _drop, ...noLoop } = doc;
    writeFileSync(join(dir, 'noloop.json'), JSON.stringify(noLoop));
    expect(cli(['replay', join(dir, 'noloop.json'), '--no-color']).stdout).toContain('must be a lasso');
    writeFileSync(join(dir, 'far.json'), JSON.stringify({ ...doc, loop: 99 }));
    const far = cli(['replay', join(dir, 'far.json')]);
    expect(far.code).toBe(2);
    expect(far.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('export re-renders a lasso file with its loop', () => {
    const out = mkdtempSync(join(tmpdir(), 'loopcheck-lasso-out-'));
    const e = cli(['export', `${base}.json`, '--format', 'itf', '--out-dir', out]);
    expect(e.code).toBe(0);
    const itf = JSON.parse(readFileSync(join(out, 'philosophers.hungry-eats.itf.json'), 'utf8'));
    expect(itf.loop).toBe(1);
  });
});

describe('analyses in a worker thread', () => {
  it('give the same outcomes and traces as withAnalyses on this thread (every registered run analyses in a worker)', async () => {
    const { plan } = await import('../../src/app/plan.js');
    const { executeRun, buildModel } = await import('../../src/app/run.js');
    const { explore } = await import('../../src/engine/bfs.js');
    const { withAnalyses } = await import('../../src/engine/analyses.js');
    const [run] = plan({ model: 'philosophers', params: ['N=5', 'lefty=1'], invariants: ['hungry-eats', 'lock-order', 'deadlock'] });
    const viaWorker = (await executeRun(run, {})).result;
    const model = buildModel(run);
    const base = explore(model, { invariants: [], checkDeadlock: true });
    const here = withAnalyses(model, base, { liveness: model.liveness!, lockOrder: true });
    const shape = (r: typeof here) => r.outcomes.map((o) => [o.invariant, o.verdict, o.trace?.steps.length, o.trace?.loop, o.detail, o.related?.length]);
    expect(shape(viaWorker)).toEqual(shape(here));
    expect(viaWorker.outcomes.find((o) => o.invariant === 'hungry-eats')!.trace!.steps.map((s) => s.action)).toEqual(
      here.outcomes.find((o) => o.invariant === 'hungry-eats')!.trace!.steps.map((s) => s.action),
    );
  }, 60_000);
});

// The edges of the command line, each once a defect (issue 14): output that
// fails is an error with its own code and the report still printed; paths
// checked before any search; every searching command stops on Ctrl-C and
// SIGTERM within a second with exit 3; blocked input reads give way to
// signals; nothing is skipped without saying so. Small models throughout.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, runWithSignals } from './run-cli.js';

const PHIL3 = ['--model', 'philosophers', '--param', 'N=3'];
const tmp = mkdtempSync(join(tmpdir(), 'loopcheck-edges-'));

/** Sends `signal` `afterMs` after the binary is ready for it. */
const runAndSignal = (args: string[], signal: NodeJS.Signals, afterMs: number, stdin: number | 'ignore' = 'ignore') =>
  runWithSignals(args, [signal], afterMs, { cwd: tmp, stdin });

describe('output failures', () => {
  it('stdout on a full device (> /dev/full) is exit 4 with one line, never 0', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" verify --no-config ${PHIL3.join(' ')} --json > /dev/full`], { encoding: 'utf8' });
    expect(r.status).toBe(4);
    expect(r.stderr.trim()).toBe('loopcheck: error: cannot write stdout: no space left on device');
  });

  it('a report that fails after the search: the report is printed, the file named, exit 4', () => {
    const r = cli(['verify', '--no-config', ...PHIL3, '--junit', '/dev/full']);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('eating-holds-forks');
    expect(r.stderr).toContain('cannot write /dev/full: no space left on device');
  });

  it('--junit through a symbolic link writes the target and keeps the link', () => {
    const target = join(tmp, 'junit-target.xml');
    const link = join(tmp, 'junit-link.xml');
    writeFileSync(target, '');
    spawnSync('ln', ['-s', target, link]);
    const r = cli(['verify', '--no-config', ...PHIL3, '--junit', link]);
    expect(r.code).toBe(0);
    expect(readFileSync(target, 'utf8')).toContain('<testsuites');
    expect(spawnSync('test', ['-L', link]).status).toBe(0);
  });
});

describe('paths checked before any search (exit 2, one line)', () => {
  it('a directory where a trace file would go', () => {
    const dir = join(tmp, 'traces');
    mkdirSync(join(dir, 'philosophers.deadlock.json'), { recursive: true });
    const r = cli(['verify', '--no-config', ...PHIL3, '--trace-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/philosophers\.deadlock\.json is a directory/);
    expect(r.stdout).toBe('');
  });

  it('a GITHUB_STEP_SUMMARY that cannot be written', () => {
    const r = cli(['verify', '--no-config', ...PHIL3], { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: tmp } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^loopcheck: error: GITHUB_STEP_SUMMARY .*is a directory\n$/);
    expect(r.stdout).toBe('');
  });

  it('--junit x --sarif ./x name the same file', () => {
    const r = cli(['verify', '--no-config', ...PHIL3, '--junit', 'same.xml', '--sarif', './same.xml'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/name the same file/);
  });

  it('--config F --no-config contradict each other', () => {
    const r = cli(['verify', '--config', 'x.json', '--no-config'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--config and --no-config/);
  });

  it('export --out-dir "" is refused (it wrote into the current directory)', () => {
    const dir = mkdtempSync(join(tmp, 'export-'));
    expect(cli(['verify', '--no-config', '--model', 'philosophers', '--param', 'N=3', '--param', 'lefty=1', '--invariant', 'lock-order', '--trace-dir', dir]).code).toBe(1);
    const cwd = mkdtempSync(join(tmp, 'cwd-'));
    const r = cli(['export', join(dir, 'philosophers.lock-order.json'), '--format', 'md', 'dot', '--out-dir', ''], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out-dir needs a directory/);
  });

  it('a liveness property beyond the checker\'s 32 fairness groups is refused before the search', () => {
    const r = cli(['verify', '--no-config', '--model', 'philosophers', '--param', 'N=33', '--invariant', 'hungry-eats']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^loopcheck: error: hungry-eats on .*at most 32 fairness groups, this model has 33/);
  });
});

describe('a lock-order counterexample is a cycle', () => {
  it('replay accepts the file with its cycle, and refuses one nested acquisition', () => {
    const dir = mkdtempSync(join(tmp, 'cycle-'));
    expect(cli(['verify', '--no-config', '--model', 'philosophers', '--param', 'N=3', '--param', 'lefty=1', '--invariant', 'lock-order', '--trace-dir', dir]).code).toBe(1);
    const file = join(dir, 'philosophers.lock-order.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.cycle).toHaveLength(3);
    expect(cli(['replay', file]).code).toBe(0);
    const { cycle, ...single } = doc;
    writeFileSync(join(dir, 'single.json'), JSON.stringify(single));
    const r = cli(['replay', join(dir, 'single.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/carries no cycle of witnesses/);
    writeFileSync(join(dir, 'one-edge.json'), JSON.stringify({ ...single, cycle: [cycle[0]] }));
    const e = cli(['export', join(dir, 'one-edge.json'), '--format', 'md']);
    expect(e.code).toBe(1);
  });
});

describe('exit codes of their own', () => {
  it('an exceeded model bound is not a usage error or a verdict', async () => {
    const { exitCodeForError, UsageError } = await import('../../src/app/errors.js');
    expect(exitCodeForError(new Error('struct file table exhausted (4 slots): model bound too small'))).toBe(5);
    expect(exitCodeForError(new Error('analysis worker failed: T1: call stack deeper than 4 frames'))).toBe(5);
    expect(exitCodeForError(new UsageError('bad'))).toBe(2);
    expect(exitCodeForError(new TypeError('x is undefined'))).toBe(7);
  });

  it('every command\'s help lists its exit codes from the one table', async () => {
    const { exitCodesOf } = await import('../../src/app/exit-codes.js');
    for (const command of ['verify', 'init', 'replay', 'simulate'] as const) {
      const help = cli([command, '--help']).stdout;
      for (const { code } of exitCodesOf(command)) expect(help).toMatch(new RegExp(`^ +${code}  `, 'm'));
    }
    expect(cli(['verify', '--help']).stdout).toMatch(/^ +7 {2}internal error/m);
  });
});

describe('interruptions (first signal: exit 3 within a second)', () => {
  it('init: exit 3 and no file written', async () => {
    const out = join(tmp, 'init-interrupted.json');
    const r = await runAndSignal(['init', '--model', 'philosophers', '--param', 'N=12', '-o', out], 'SIGINT', 1500);
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(1500);
    expect(existsSync(out)).toBe(false);
    expect(r.stderr).toMatch(/nothing written/);
  });

  it('simulate stops on SIGTERM', async () => {
    const r = await runAndSignal(['simulate', '--model', 'philosophers', '--param', 'N=12', '--runs', '100000000', '--invariant', 'deadlock'], 'SIGTERM', 1500);
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(1500);
    expect(r.stdout).toMatch(/interrupted/);
  });

  it('lock-order stops on SIGINT, its run incomplete', async () => {
    const r = await runAndSignal(['lock-order', '--model', 'philosophers', '--param', 'N=12'], 'SIGINT', 1500);
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(1500);
    expect(r.stdout).toMatch(/incomplete: interrupted/);
  });

  it('a config read from a FIFO whose writer never writes gives way to Ctrl-C', async () => {
    const fifo = join(tmp, 'config.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `exec 3>"${fifo}"; sleep 30`]); // holds the FIFO open, writes nothing
    try {
      const r = await runAndSignal(['verify', '--config', fifo], 'SIGINT', 1000);
      expect(r.code).toBe(3);
      expect(r.ms).toBeLessThan(1500);
      expect(r.stderr).toMatch(/interrupted while reading/);
    } finally {
      writer.kill('SIGKILL');
    }
  });

  it('a trace read from a stdin that never closes gives way to SIGTERM', async () => {
    // stdin: a FIFO that this process also holds open for writing, so it never ends
    const fifo = join(tmp, 'stdin.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const fd = openSync(fifo, 'r+');
    try {
      const r = await runAndSignal(['replay', '/dev/stdin'], 'SIGTERM', 1000, fd);
      expect(r.code).toBe(3);
      expect(r.ms).toBeLessThan(1500);
      expect(r.stderr).toMatch(/interrupted while reading \/dev\/stdin/);
    } finally {
      closeSync(fd);
    }
  });
});

describe('never skip silently', () => {
  const configDir = mkdtempSync(join(tmp, 'config-'));
  writeFileSync(join(configDir, 'loopcheck.config.json'), '\uFEFF{ "runs": [ { "model": "loop", "strategies": ["pre-patch"], "scenarios": ["udev"], "invariants": ["deadlock"] } ] }\n');

  it('a config with a byte-order mark loads, and the strategies it leaves out are named', () => {
    const r = cli(['verify'], { cwd: configDir });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('using config ./loopcheck.config.json');
    for (const s of ['post-patch', 'v5.17', 'v6.11']) expect(r.stderr).toContain(`does not check the registered strategy loop: ${s}`);
  });

  it('--strategy while a config exists says the config is not used', () => {
    const r = cli(['verify', '--strategy', 'post-patch', '--scenario', 'udev', '--invariant', 'deadlock'], { cwd: configDir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/not using \.\/loopcheck\.config\.json: --strategy, --scenario, --invariant select the runs/);
  });

  it('control characters in a config run name are printed escaped', () => {
    const file = join(configDir, 'named.json');
    writeFileSync(file, JSON.stringify({ runs: [{ name: 'evil\u001b[2J\nname', model: 'philosophers', params: { N: 3 }, expect: { deadlock: 'violated' } }] }));
    const r = cli(['verify', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('evil\\u001b[2J\\nname');
  });

  it('a violation with searches cut short: exit 1, and stderr says some were incomplete', () => {
    const r = cli(['verify', '--no-config', '--strategy', 'pre-patch', '--scenario', 'mount', 'udev', '--invariant', 'mount-io', 'deadlock', '--max-states', '300']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/[12] of 2 searches were cut short \(incomplete\); exit 1 for the violation found/);
  });

  it('compare with every cell incomplete does not say the strategies agree; compare and init take --max-memory', () => {
    const r = cli(['compare', '--strategy', 'pre-patch', 'post-patch', '--scenario', 'udev', '--max-states', '5', '--max-memory', '4096', '--workers', '1']);
    expect(r.code).toBe(3);
    expect(r.stdout).not.toMatch(/agree/);
    expect(r.stdout).toContain('Every cell is incomplete: nothing to compare.');
    const i = cli(['init', ...PHIL3, '--max-memory', '4096', '-o', '-']);
    expect(i.code).toBe(0);
  });
});

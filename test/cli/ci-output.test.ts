// Output meant for CI logs: progress lines when stderr is not a terminal and
// CI is set (or --progress), and colour forced by FORCE_COLOR or --color
// (verify, compare, list, simulate, lock-order).

import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

const ESC = '\u001b[';

describe('CI logs', () => {
  it('prints a progress line every few seconds with CI set (none without)', () => {
    const args = ['verify', '--no-config', '--model', 'philosophers', '--param', 'N=10', '--workers', '1'];
    const withCi = cli(args, { env: { CI: 'true' } });
    const lines = withCi.stderr.split('\n').filter((l) => l.startsWith('loopcheck: progress: '));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatch(/^loopcheck: progress: \d+ s {2}depth \d+ {2}states [\d,]+ {2}queue [\d,]+ {2}[\d,]+ states\/s {2}\d+ MiB$/);
    expect(withCi.stderr).not.toContain('\r');
    const quiet = cli(args, { env: { CI: '', GITHUB_ACTIONS: '' } });
    expect(quiet.stderr).not.toContain('progress');
  }, 240_000);

  it('colours stdout when FORCE_COLOR is set or --color is given, even into a pipe', () => {
    const args = ['verify', '--no-config', '--model', 'philosophers', '--param', 'N=3'];
    expect(cli(args, { env: { NO_COLOR: '', FORCE_COLOR: '' } }).stdout).not.toContain(ESC);
    expect(cli(args, { env: { NO_COLOR: '', FORCE_COLOR: '1' } }).stdout).toContain(ESC);
    expect(cli([...args, '--color'], { env: { NO_COLOR: '' } }).stdout).toContain(ESC);
    expect(cli([...args, '--no-color'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } }).stdout).not.toContain(ESC);
  });

  // Every command printing verdicts in colour reads the flags and variables as verify does.
  const commands: [string, string[]][] = [
    ['compare', ['compare', '--strategy', 'pre-patch', 'post-patch', '--scenario', 'mount']],
    ['list', ['list']],
    ['simulate', ['simulate', '--model', 'philosophers', '--param', 'N=3', '--param', 'lefty=1', '--runs', '5']],
    ['lock-order', ['lock-order', '--model', 'philosophers', '--param', 'N=3']],
  ];
  for (const [name, args] of commands) {
    it(`${name}: colour with FORCE_COLOR or --color into a pipe; none with --no-color, NO_COLOR or neither`, () => {
      const forced = cli(args, { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
      expect(forced.stderr).not.toContain('loopcheck: error');
      expect(forced.stdout).toContain(ESC);
      expect(cli([...args, '--color'], { env: { NO_COLOR: '', FORCE_COLOR: '' } }).stdout).toContain(ESC);
      expect(cli(args, { env: { NO_COLOR: '', FORCE_COLOR: '' } }).stdout).not.toContain(ESC);
      expect(cli(args, { env: { NO_COLOR: '1', FORCE_COLOR: '' } }).stdout).not.toContain(ESC);
      expect(cli([...args, '--no-color'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } }).stdout).not.toContain(ESC);
      // The same text either way, escapes (and measured seconds) aside.
      const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').replace(/\d+\.\d+/g, 'S');
      expect(plain(forced.stdout)).toBe(plain(cli(args, { env: { NO_COLOR: '1', FORCE_COLOR: '' } }).stdout));
    }, 60_000);
  }
});

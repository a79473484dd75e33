// SARIF as GitHub code scanning takes it, in a repository of the user's:
// validated by the Microsoft SARIF multitool (the SARIF 2.1.0 schema and
// GitHub's ingestion rules, `--rule-kind Sarif;Gh`; a .NET binary shipped in
// the npm package, run offline), every location inside that repository,
// one alert per cell, rules with help, and a lasso that says where its loop
// starts.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.js';
import { tempDir } from './helpers.js';

const require = createRequire(import.meta.url);
const MULTITOOL = join(require.resolve('@microsoft/sarif-multitool-linux/package.json'), '..', 'Sarif.Multitool');

interface Loc { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }

function locations(run: { results: { locations: Loc[]; codeFlows: { threadFlows: { locations: { location: Loc }[] }[] }[] }[] }): Loc[] {
  return run.results.flatMap((r) => [...r.locations, ...r.codeFlows.flatMap((f) => f.threadFlows.flatMap((t) => t.locations.map((l) => l.location)))]);
}

describe.runIf(process.platform === 'linux' && existsSync(MULTITOOL))('SARIF for GitHub code scanning', () => {
  it('validates under the SARIF and GitHub rules; every location is a line of a file in the user repository', () => {
    const repo = tempDir();
    mkdirSync(join(repo, '.git'));
    mkdirSync(join(repo, 'checks'));
    const env = { GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '', GITHUB_WORKSPACE: '' };
    expect(cli(['new', 'strategy', 'my-patch', '--from', 'post-patch', '-o', 'checks/my-patch.ts'], { cwd: repo, env }).code).toBe(0);
    // Unexpected: the mount race (expected to hold), and philosophers' starvation lasso.
    writeFileSync(
      join(repo, 'loopcheck.config.json'),
      JSON.stringify(
        {
          plugins: ['./checks/my-patch.ts'],
          runs: [
            { model: 'loop', strategies: ['my-patch'], scenarios: ['mount'], invariants: ['mount-io', 'mount-no-teardown', 'single-teardown'], expect: { 'my-patch / mount / mount-io': 'holds' } },
            { model: 'philosophers', params: { N: 3 }, invariants: ['hungry-eats'] },
          ],
        },
        null,
        2,
      ),
    );
    const r = cli(['verify', '--sarif', 'out.sarif', '--workers', '1'], { cwd: repo, env });
    expect(r.code).toBe(1);
    const log = JSON.parse(readFileSync(join(repo, 'out.sarif'), 'utf8'));
    const run = log.runs[0];

    // One alert per unexpected cell, each with its own fingerprint.
    expect(run.results.map((x: { properties: { cell: string } }) => x.properties.cell).sort()).toEqual(['hungry-eats', 'my-patch / mount / mount-io', 'my-patch / mount / mount-no-teardown']);
    const prints = run.results.map((x: { partialFingerprints: Record<string, string> }) => x.partialFingerprints['loopcheckCell/v1']);
    expect(new Set(prints).size).toBe(3);

    // Every location is an existing line of a file in the repository.
    const locs = locations(run);
    for (const l of locs) {
      const file = join(repo, l.physicalLocation.artifactLocation.uri);
      expect(existsSync(file), l.physicalLocation.artifactLocation.uri).toBe(true);
      expect(l.physicalLocation.region!.startLine).toBeLessThanOrEqual(readFileSync(file, 'utf8').split('\n').length);
    }
    // The alert sits on the config line of its cell; plugin steps on lines of the user's strategy.
    const mountIo = run.results.find((x: { properties: { cell: string } }) => x.properties.cell === 'my-patch / mount / mount-io');
    const cfgLine = mountIo.locations[0].physicalLocation.region.startLine;
    expect(readFileSync(join(repo, 'loopcheck.config.json'), 'utf8').split('\n')[cfgLine - 1]).toContain('"my-patch / mount / mount-io"');
    const pluginLines = locs.filter((l) => l.physicalLocation.artifactLocation.uri === 'checks/my-patch.ts').map((l) => l.physicalLocation.region!.startLine);
    expect(pluginLines.length).toBeGreaterThan(0);
    const strategyText = readFileSync(join(repo, 'checks/my-patch.ts'), 'utf8').split('\n');
    for (const n of pluginLines) expect(strategyText[n - 1]).toMatch(/loop_clr_fd|ACQ|REL|openers|'/);

    // Rules carry help for the code-scanning page.
    for (const rule of run.tool.driver.rules) {
      expect(rule.fullDescription.text.length).toBeGreaterThan(20);
      expect(rule.help.text).toContain('npx loopcheck verify');
      expect(rule.helpUri).toMatch(/^https:\/\//);
    }
    // The lasso's code flow says where the loop starts.
    const lasso = run.results.find((x: { properties: { cell: string } }) => x.properties.cell === 'hungry-eats');
    expect(lasso.codeFlows[0].message.text).toMatch(/repeat forever|stutters/);
    const texts = lasso.codeFlows[0].threadFlows.flatMap((t: { locations: { location: { message: { text: string } } }[] }) => t.locations.map((l) => l.location.message.text));
    expect(texts.filter((t: string) => t.includes('the loop starts here'))).toHaveLength(1);

    // The multitool: SARIF 2.1.0 schema and GitHub's rules; no error and no warning.
    const v = spawnSync(MULTITOOL, ['validate', '--rule-kind', 'Sarif;Gh', 'out.sarif', '-o', 'validation.sarif'], { cwd: repo, encoding: 'utf8', env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
    expect(v.stdout).toContain('Analysis completed successfully');
    const findings = JSON.parse(readFileSync(join(repo, 'validation.sarif'), 'utf8')).runs[0].results.map((x: { ruleId: string; message: { text?: string } }) => x.ruleId);
    expect(findings).toEqual([]);
  });
});

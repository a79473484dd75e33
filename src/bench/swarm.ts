// `npm run bench:swarm`: how the time to find a known violation falls as
// independent `loopcheck simulate --seed S` jobs are added (docs/scale.md).
// Jobs 1..8 run one after another here, each with its own seed; a swarm of k
// jobs run side by side finds a violation when the first of its k jobs does,
// so its time to violation is the least over jobs 1..k (in seconds into the
// job, and in walks, which the machine's load does not distort). The reports
// are also merged as the CI workflow merges them (swarm-merge.ts).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { asReport, mergeSwarm } from './swarm-merge.js';

const BIN = fileURLToPath(new URL('../../../bin/loopcheck.js', import.meta.url));
const JOBS = 8;
const SWARMS = [1, 2, 4, 8];
/** Per job: stop after this many seconds when nothing is found (the job then counts as not finding it). */
const JOB_SECONDS = 40;

const TARGETS = [
  { strategy: 'pre-patch', scenario: 'stack-independent', invariant: 'stacked-no-teardown' },
  { strategy: 'v6.11', scenario: 'mount', invariant: 'mount-io' },
];

function job(t: (typeof TARGETS)[number], seed: number) {
  const args = [BIN, 'simulate', '--strategy', t.strategy, '--scenario', t.scenario, '--invariant', t.invariant,
    '--seed', String(seed), '--runs', '1000000', '--time-limit', String(JOB_SECONDS), '--json'];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 1 && r.status !== 3) throw new Error(`simulate exited ${r.status}: ${r.stderr}`);
  return asReport(JSON.parse(r.stdout), `job ${seed}`);
}

function main(): number {
  for (const t of TARGETS) {
    process.stderr.write(`swarm: ${t.strategy} / ${t.scenario} / ${t.invariant}: ${JOBS} jobs, one after another...\n`);
    const reports = Array.from({ length: JOBS }, (_, j) => job(t, 1000 + j));
    const found = reports.map((rep) => rep.results[0].findings.find((f) => f.invariant === t.invariant) ?? null);
    const perWalk = reports.map((rep) => rep.results[0].seconds / Math.max(1, rep.results[0].walks));
    const lines = [`${t.strategy} / ${t.scenario} / ${t.invariant}`];
    lines.push(`  per job (seed: seconds, walks): ${found.map((f, j) => `${1000 + j}: ${f ? `${f.seconds.toFixed(2)} s, ${f.run + 1}` : `not in ${JOB_SECONDS} s`}`).join('; ')}`);
    for (const k of SWARMS) {
      const first = found.slice(0, k).filter((f) => f !== null);
      const secs = first.length ? Math.min(...first.map((f) => f!.seconds)) : Infinity;
      const walks = first.length ? Math.min(...first.map((f) => f!.run + 1)) : Infinity;
      lines.push(`  ${k} job(s): time to violation ${secs === Infinity ? `> ${JOB_SECONDS} s` : `${secs.toFixed(2)} s`}, ${walks === Infinity ? '-' : walks} walks in the fastest job`);
    }
    lines.push(`  mean seconds per walk: ${(perWalk.reduce((a, b) => a + b, 0) / perWalk.length * 1000).toFixed(2)} ms`);
    const merged = mergeSwarm(reports);
    lines.push(`  merged: ${merged.findings.map((f) => `${f.invariant} in ${f.steps} steps, found by ${f.foundBy}/${merged.jobs} jobs`).join('; ') || 'nothing found'}`);
    process.stdout.write(lines.join('\n') + '\n');
  }
  return 0;
}

process.exitCode = main();

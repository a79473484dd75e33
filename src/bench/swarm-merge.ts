// Merges the JSON reports of a swarm: independent `loopcheck simulate
// --seed S --json` jobs (a CI matrix, docs/scale.md) over the same
// selection. Per model instance and invariant it keeps the shortest trace
// any job found, names the job and the run seed that replays it alone, and
// sums walks and steps over the jobs. Exit 1 when some job found a violation,
// 3 when none did (a swarm never proves anything holds), 2 on a bad report.
//
//   node dist/src/bench/swarm-merge.js [--json] report1.json report2.json ...

import { readFileSync } from 'node:fs';

interface Finding {
  readonly invariant: string;
  readonly run: number;
  readonly runSeed: number;
  readonly seconds: number;
  readonly steps: number;
  readonly trace?: unknown;
}

interface SimResult {
  readonly model: string;
  readonly strategy: string | null;
  readonly scenario: string | null;
  readonly params: Readonly<Record<string, number>>;
  readonly walks: number;
  readonly steps: number;
  readonly seconds: number;
  readonly findings: readonly Finding[];
}

interface SimReport {
  readonly seed: number;
  readonly results: readonly SimResult[];
}

export interface MergedFinding {
  readonly instance: string;
  /** The selection that replays the run, for `loopcheck simulate ... --seed runSeed --runs 1`. */
  readonly selection: string;
  readonly invariant: string;
  /** Shortest trace over the jobs (fewest steps; then the job listed first). */
  readonly steps: number;
  readonly jobSeed: number;
  readonly runSeed: number;
  /** Jobs that found it, and the earliest time into its job at which one did. */
  readonly foundBy: number;
  readonly firstSeconds: number;
  readonly trace?: unknown;
}

export interface MergedSwarm {
  readonly jobs: number;
  readonly walks: number;
  readonly steps: number;
  readonly findings: readonly MergedFinding[];
}

const selectionOf = (r: SimResult) =>
  [`--model ${r.model}`, r.strategy ? `--strategy ${r.strategy}` : '', r.scenario ? `--scenario ${r.scenario}` : '', ...Object.entries(r.params).map(([k, v]) => `--param ${k}=${v}`)]
    .filter((x) => x !== '')
    .join(' ');

const instanceOf = (r: SimResult) =>
  [r.model, r.strategy ?? '-', r.scenario ?? '-', Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(',')].join(' / ');

/** Throws a one-line message when `doc` is not a simulate report. */
export function asReport(doc: unknown, name: string): SimReport {
  const d = doc as Partial<SimReport> | null;
  if (!d || typeof d !== 'object' || typeof d.seed !== 'number' || !Array.isArray(d.results)) {
    throw new Error(`${name}: not a \`loopcheck simulate --json\` report`);
  }
  for (const r of d.results) {
    if (typeof r?.model !== 'string' || !Array.isArray(r.findings) || typeof r.walks !== 'number') {
      throw new Error(`${name}: a result lacks model, walks or findings`);
    }
  }
  return d as SimReport;
}

export function mergeSwarm(reports: readonly SimReport[]): MergedSwarm {
  const best = new Map<string, MergedFinding>();
  let walks = 0;
  let steps = 0;
  for (const rep of reports) {
    for (const r of rep.results) {
      walks += r.walks;
      steps += r.steps;
      const instance = instanceOf(r);
      for (const f of r.findings) {
        const key = `${instance}\u0000${f.invariant}`;
        const old = best.get(key);
        const foundBy = (old?.foundBy ?? 0) + 1;
        const firstSeconds = Math.min(old?.firstSeconds ?? Infinity, f.seconds);
        if (!old || f.steps < old.steps) {
          best.set(key, { instance, selection: selectionOf(r), invariant: f.invariant, steps: f.steps, jobSeed: rep.seed, runSeed: f.runSeed, foundBy, firstSeconds, trace: f.trace });
        } else {
          best.set(key, { ...old, foundBy, firstSeconds });
        }
      }
    }
  }
  return { jobs: reports.length, walks, steps, findings: [...best.values()] };
}

function main(argv: string[]): number {
  const json = argv.includes('--json');
  const files = argv.filter((a) => a !== '--json');
  if (files.length === 0) {
    process.stderr.write('swarm-merge: give the JSON reports of `loopcheck simulate --json` to merge\n');
    return 2;
  }
  let reports: SimReport[];
  try {
    reports = files.map((f) => {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (e) {
        throw new Error(`${f}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      try {
        return asReport(JSON.parse(text), f);
      } catch (e) {
        throw new Error(e instanceof SyntaxError ? `${f}: not JSON (${e.message})` : (e as Error).message);
      }
    });
  } catch (e) {
    process.stderr.write(`swarm-merge: ${(e as Error).message}\n`);
    return 2;
  }
  const merged = mergeSwarm(reports);
  if (json) {
    process.stdout.write(JSON.stringify(merged, null, 2) + '\n');
  } else {
    const lines = [`${merged.jobs} jobs, ${merged.walks.toLocaleString('en-US')} walks, ${merged.steps.toLocaleString('en-US')} steps`];
    for (const f of merged.findings) {
      lines.push(
        `VIOLATED ${f.instance} / ${f.invariant}: ${f.steps} steps (found by ${f.foundBy} of ${merged.jobs} jobs, first after ${f.firstSeconds.toFixed(2)} s); ` +
          `replay alone: loopcheck simulate ${f.selection} --invariant ${f.invariant} --seed ${f.runSeed} --runs 1`,
      );
    }
    if (merged.findings.length === 0) lines.push('no violation found (a simulation never proves that anything holds)');
    process.stdout.write(lines.join('\n') + '\n');
  }
  return merged.findings.length > 0 ? 1 : 3;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) process.exitCode = main(process.argv.slice(2));

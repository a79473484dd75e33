// Hand-run check of the kernel side alone (not part of npm test: it boots QEMU).
//
//   npx tsx src/conform/kernel/try.ts [--kernel 6.1 6.12] [--scenario NAME…] [--timeout S] [--keep]
//
// Builds ProbeScenarios straight from the scripted scenarios (sample-plan.ts),
// boots each kernel once, and prints timings and every raw outcome.

import type { KernelId, ScheduleObservation } from '../probe-plan.js';
import { runKernel } from './run.js';
import { sampleScenario, scriptedScenarioNames } from './sample-plan.js';

function argList(flag: string): string[] | undefined {
  const i = process.argv.indexOf(flag);
  if (i < 0) return undefined;
  const out: string[] = [];
  for (let j = i + 1; j < process.argv.length && !process.argv[j].startsWith('--'); j++) out.push(process.argv[j]);
  return out;
}

const kernels = (argList('--kernel') ?? ['6.1', '6.12']) as KernelId[];
const names = argList('--scenario') ?? scriptedScenarioNames();
const timeout = Number(argList('--timeout')?.[0] ?? 170);
const scenarios = names.map(sampleScenario);

const dev = (o: { backing: string | null; autoclear: boolean; open: string; partitions?: number }): string =>
  `${o.backing ?? '-'}${o.autoclear ? '+ac' : ''}/${o.open}${o.partitions ? `/p${o.partitions}` : ''}`;

function show(o: ScheduleObservation, calls: readonly string[]): string {
  if (o.setupError) return `  #${o.schedule}: set-up failed: ${o.setupError}`;
  const steps = o.calls.map((c, i) => `${calls[i]} => ${c.outcome} [${c.devices.map(dev).join(' ')}]`);
  return `  #${o.schedule}${o.incomplete ? ' (incomplete)' : ''}: ${o.initial ? `init [${o.initial.map(dev).join(' ')}] | ` : ''}${steps.join(' | ')}`;
}

const started = Date.now();
const runs = await Promise.all(
  kernels.map((k) => runKernel(k, scenarios, { timeoutSeconds: timeout, keepWorkDir: process.argv.includes('--keep'), onProgress: (l) => process.argv.includes('--verbose') && console.error(`[${k}] ${l}`) })),
);
import { probeCallName } from '../call-name.js';
for (const r of runs) {
  console.log(`== kernel ${r.kernel}: ${r.kind}`);
  if (r.kind === 'missing') {
    console.log(r.message);
    continue;
  }
  if (r.kind === 'ok') console.log(`release ${r.release}, loop params ${JSON.stringify(r.loopParams)}, probe started after ${r.bootSeconds.toFixed(1)} s, QEMU ran ${r.totalSeconds.toFixed(1)} s; guest clock: boot ${r.guestBootSeconds?.toFixed(2)} s, probe ${r.guestProbeSeconds?.toFixed(2)} s`);
  else console.log(r.message);
  for (const sc of scenarios) {
    console.log(`${sc.name}:`);
    for (const o of r.observations.filter((x) => x.scenario === sc.name)) {
      const sh = sc.schedules.find((s) => s.id === o.schedule);
      console.log(show(o, sh ? sh.calls.map((c) => `T${c.thread + 1} ${probeCallName(c.call)}`) : []));
    }
  }
}
console.log(`wall ${((Date.now() - started) / 1000).toFixed(1)} s for ${kernels.join(' + ')}`);

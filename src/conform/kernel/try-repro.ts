// Hand-run check of the C reproducers inside QEMU (not part of npm test).
//
//   npx tsx src/conform/kernel/try-repro.ts [--kernel 6.1 6.12]
//
// Runs three reproducers per kernel: stack-shared-fd as a syscall-serial trace
// (T2 stacks B on A, T1 clears A and closes, T2 reads B) checked once for
// "read of B => -EIO" and once for "=> ok:zeros", and stack-independent as a
// racing trace (threads released together) counting reads of B that fail.

import type { KernelId } from '../probe-plan.js';
import type { ReproducerSpec } from '../c/reproducer.js';
import { stackIndependent, stackSharedFd } from '../../../models/loop/scenarios/scripted.js';
import { runReproducers } from './repro-run.js';

function argList(flag: string): string[] | undefined {
  const i = process.argv.indexOf(flag);
  if (i < 0) return undefined;
  const out: string[] = [];
  for (let j = i + 1; j < process.argv.length && !process.argv[j].startsWith('--'); j++) out.push(process.argv[j]);
  return out;
}

const shared = stackSharedFd.setup({});
const [c1, c2] = shared.scripts!;
const serialTrace = (outcome: string): ReproducerSpec => ({
  scenario: 'stack-shared-fd',
  devices: shared.devices,
  tableOf: shared.tableOf,
  slots: shared.slots,
  init: shared.init,
  calls: [
    { thread: 1, call: c2[0] },
    { thread: 1, call: c2[1] },
    { thread: 0, call: c1[0] },
    { thread: 0, call: c1[1] },
    { thread: 1, call: c2[2] },
    { thread: 1, call: c2[3] },
  ],
  bad: [{ call: 4, outcome }],
  mode: { kind: 'serial' },
});
const ind = stackIndependent.setup({});
const race: ReproducerSpec = {
  scenario: 'stack-independent',
  devices: ind.devices,
  tableOf: ind.tableOf,
  slots: ind.slots,
  init: ind.init,
  calls: [
    { thread: 1, call: ind.scripts![1][0] },
    { thread: 1, call: ind.scripts![1][1] },
    { thread: 0, call: ind.scripts![0][0] },
    { thread: 1, call: ind.scripts![1][2] },
    { thread: 1, call: ind.scripts![1][3] },
    { thread: 0, call: ind.scripts![0][1] },
    { thread: 1, call: ind.scripts![1][4] },
    { thread: 1, call: ind.scripts![1][5] },
  ],
  bad: [{ call: 4, outcome: '-EIO' }],
  mode: { kind: 'race', iterations: 200, seconds: 20 },
};

const kernels = (argList('--kernel') ?? ['6.1', '6.12']) as KernelId[];
const t0 = Date.now();
const runs = await Promise.all(kernels.map((k) => runReproducers(k, [serialTrace('-EIO'), serialTrace('ok:zeros'), race], { timeoutSeconds: 170 })));
for (const r of runs) {
  console.log(`== ${r.kernel}: ${r.kind}${r.kind === 'ok' ? ` (${r.release}, QEMU ${r.seconds.toFixed(1)} s)` : `: ${r.message}`}`);
  if (r.kind === 'missing') continue;
  for (const x of r.results) console.log(`  reproducer ${x.id} exit ${x.exit ?? '-'}\n${x.lines.map((l) => `    ${l}`).join('\n')}`);
}
console.log(`wall ${((Date.now() - t0) / 1000).toFixed(1)} s`);

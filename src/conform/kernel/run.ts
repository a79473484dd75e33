// runKernel: the kernel side of `loopcheck conform` in one call.
//
// Exists as the one entry point the model side needs: tools checked (and
// installed when root), the kernel fetched or taken from the cache, the probe
// generated and compiled, an initramfs built, one boot, and the console
// parsed back into ScheduleObservation[]. Anything short of a complete,
// intact result is `timeout` or `failed`, never `ok`.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateProbe } from '../c/probe-gen.js';
import { BACKING_PATH } from '../c/runtime.js';
import { makeBackingImage } from './backing.js';
import type { KernelId, KernelRun, ProbeOp, ProbeScenario, ScheduleObservation } from '../probe-plan.js';
import { run } from './exec.js';
import { buildInitramfs } from './initramfs.js';
import { prepareKernel, type PreparedKernel } from './packages.js';
import { ConsoleParser } from './protocol.js';
import { boot } from './qemu.js';
import { MissingError, ensureTools } from './tools.js';

export type { KernelRun } from '../probe-plan.js';

export interface RunOptions {
  readonly timeoutSeconds: number;
  /** Progress lines (set-up steps, then every protocol record as it arrives). */
  onProgress?(line: string): void;
  /** Keep the work directory (C source, initramfs, console log) and report its path. */
  readonly keepWorkDir?: boolean;
}

/** Tools and both kernels ready (installing/downloading when needed); throws MissingError with one line. */
export async function prepareKernels(kernels: readonly KernelId[] = ['6.1', '6.12'], log?: (l: string) => void): Promise<PreparedKernel[]> {
  await ensureTools(log);
  const out: PreparedKernel[] = [];
  for (const k of kernels) out.push(await prepareKernel(k, log));
  return out;
}

/** Compile a generated C file statically; throws with gcc's first error line. */
export async function compileStatic(source: string, cFile: string, binary: string): Promise<void> {
  writeFileSync(cFile, source);
  const r = await run('gcc', ['-static', '-O1', '-pthread', '-o', binary, cFile]);
  if (r.code !== 0) throw new Error(`gcc failed on ${cFile}: ${r.stderr.split('\n').find((l) => l.includes('error')) ?? r.stderr.trim()}`);
}

/** The last few console lines that are not protocol records (a panic, an init error), joined. */
function consoleTail(text: string): string {
  const lines = text
    .split(/\r?\n|\r/)
    .map((l) => l.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').trim())
    .filter((l) => l !== '' && !l.includes('@@LC'));
  return lines.slice(-3).join(' | ');
}

function expected(scenarios: readonly ProbeScenario<ProbeOp>[]): number {
  return scenarios.reduce((n, s) => n + s.schedules.length, 0);
}

/** The tools and one kernel ready (installing or downloading as needed), or the one line naming what is missing. */
export async function readyKernel(kernel: KernelId, say: (l: string) => void): Promise<{ prepared: PreparedKernel } | { missing: string }> {
  try {
    await ensureTools(say);
    return { prepared: await prepareKernel(kernel, say) };
  } catch (e) {
    if (e instanceof MissingError) return { missing: e.message };
    throw e;
  }
}

export async function runKernel(kernel: KernelId, scenarios: readonly ProbeScenario<ProbeOp>[], opts: RunOptions): Promise<KernelRun> {
  const say = (l: string): void => opts.onProgress?.(l);
  const ready = await readyKernel(kernel, say);
  if ('missing' in ready) return { kind: 'missing', kernel, message: ready.missing };
  const prepared = ready.prepared;
  const work = mkdtempSync(join(tmpdir(), `loopcheck-conform-${kernel}-`));
  try {
    const probe = join(work, 'probe');
    await compileStatic(generateProbe(scenarios), join(work, 'probe.c'), probe);
    const initrd = join(work, 'initrd.cpio');
    const image = join(work, 'backing.img');
    await makeBackingImage(image);
    await buildInitramfs({ dir: join(work, 'root'), out: initrd, programs: { probe }, modules: prepared.modules, extra: { [BACKING_PATH.slice(1)]: image } });
    say(`booting ${prepared.release} (timeout ${opts.timeoutSeconds}s)`);

    const parser = new ConsoleParser();
    const log: string[] = [];
    const t0 = Date.now();
    let bootSeconds: number | undefined;
    const res = await boot(prepared.vmlinux ?? prepared.vmlinuz, initrd, opts.timeoutSeconds, (chunk) => {
      log.push(chunk);
      for (const payload of parser.feed(chunk)) {
        if (bootSeconds === undefined && payload === 'H start') bootSeconds = (Date.now() - t0) / 1000;
        say(payload);
      }
    });
    parser.end();
    if (opts.keepWorkDir) writeFileSync(join(work, 'console.log'), log.join(''));
    const observations: ScheduleObservation[] = [...parser.finished, ...parser.unfinished()];
    const where = opts.keepWorkDir ? ` (work dir ${work})` : '';
    const want = expected(scenarios);
    if (res.timedOut) {
      return {
        kind: 'timeout',
        kernel,
        observations,
        message: `${kernel}: no result within ${opts.timeoutSeconds}s: ${parser.finished.length} of ${want} schedules observed${where}`,
      };
    }
    const problems: string[] = [];
    if (!parser.started) problems.push(`the probe never started (QEMU exit ${res.exitCode}${res.stderr ? `: ${res.stderr.trim().split('\n')[0]}` : ''})`);
    if (parser.fatal.length > 0) problems.push(`probe: ${parser.fatal.join('; ')}`);
    if (parser.corrupt.length > 0) problems.push(`${parser.corrupt.length} damaged console record(s)`);
    if (parser.malformed.length > 0) problems.push(`${parser.malformed.length} record(s) out of protocol`);
    if (parser.started && parser.done === undefined) problems.push('the probe did not finish');
    if (parser.finished.length !== want) problems.push(`${parser.finished.length} of ${want} schedules observed`);
    const setupFailures = parser.finished.filter((o) => o.setupError !== undefined);
    if (setupFailures.length > 0) problems.push(`${setupFailures.length} schedule(s) could not be set up (first: ${setupFailures[0].setupError})`);
    if (problems.length > 0) {
      const tail = consoleTail(log.join(''));
      return { kind: 'failed', kernel, observations, message: `${kernel}: ${problems.join('; ')}${tail ? `; console ended: ${tail}` : ''}${where}` };
    }
    return {
      kind: 'ok',
      kernel,
      release: parser.release ?? prepared.release,
      loopParams: Object.fromEntries(parser.params),
      observations: parser.finished,
      bootSeconds: bootSeconds ?? res.seconds,
      totalSeconds: res.seconds,
      ...(parser.uptimes.length >= 2
        ? { guestBootSeconds: parser.uptimes[0], guestProbeSeconds: parser.uptimes[parser.uptimes.length - 1] - parser.uptimes[0] }
        : {}),
    };
  } finally {
    if (!opts.keepWorkDir) rmSync(work, { recursive: true, force: true });
  }
}

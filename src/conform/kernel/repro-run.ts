// Running C reproducers (../c/reproducer.ts) inside a kernel under QEMU.
//
// Exists for issue #12's check that a syscall-serial counterexample really
// happens on its kernel (and for measuring a racing one's hit rate): every
// reproducer is compiled statically, all go into one initramfs, /init runs
// them one after the other with `-c <id>` so they print console records, and
// each comes back as its output lines and exit code (0 reproduced, 1 not,
// 2 could not set up; a race always exits 0 and prints hits/iterations).
// A boot that runs a racing reproducer gets two virtual CPUs, so the threads
// can overlap inside a call and not only at preemption points.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateReproducer, type ReproducerSpec } from '../c/reproducer.js';
import { BACKING_PATH } from '../c/runtime.js';
import type { KernelId } from '../probe-plan.js';
import { makeBackingImage } from './backing.js';
import { buildInitramfs } from './initramfs.js';
import { ConsoleParser } from './protocol.js';
import { boot } from './qemu.js';
import { compileStatic, readyKernel } from './run.js';

export interface ReproducerResult {
  /** Index into the specs given. */
  readonly id: number;
  readonly lines: readonly string[];
  /** Exit code; undefined when the program never reported one (crash, hang, timeout). */
  readonly exit?: number;
}

export type ReproducerRun =
  | { readonly kind: 'ok'; readonly kernel: KernelId; readonly release: string; readonly results: readonly ReproducerResult[]; readonly seconds: number }
  | { readonly kind: 'timeout' | 'failed'; readonly kernel: KernelId; readonly results: readonly ReproducerResult[]; readonly message: string }
  | { readonly kind: 'missing'; readonly kernel: KernelId; readonly message: string };

export async function runReproducers(
  kernel: KernelId,
  specs: readonly ReproducerSpec[],
  opts: { readonly timeoutSeconds: number; onProgress?(line: string): void },
): Promise<ReproducerRun> {
  const say = (l: string): void => opts.onProgress?.(l);
  const ready = await readyKernel(kernel, say);
  if ('missing' in ready) return { kind: 'missing', kernel, message: ready.missing };
  const prepared = ready.prepared;
  const work = mkdtempSync(join(tmpdir(), `loopcheck-repro-${kernel}-`));
  try {
    const programs: Record<string, string> = {};
    for (const [i, spec] of specs.entries()) {
      const bin = join(work, `repro${i}`);
      await compileStatic(generateReproducer({ ...spec, workDir: `/tmp/repro${i}` }), `${bin}.c`, bin);
      programs[`repro${i}`] = bin;
    }
    const image = join(work, 'backing.img');
    await makeBackingImage(image);
    const initrd = join(work, 'initrd.cpio');
    await buildInitramfs({
      dir: join(work, 'root'),
      out: initrd,
      programs,
      modules: prepared.modules,
      extra: { [BACKING_PATH.slice(1)]: image },
      commands: [...specs.map((_, i) => `/repro${i} -c ${i} -i ${BACKING_PATH}`)],
    });
    const parser = new ConsoleParser();
    const res = await boot(prepared.vmlinux ?? prepared.vmlinuz, initrd, opts.timeoutSeconds, (chunk) => {
      for (const p of parser.feed(chunk)) say(p);
    }, specs.some((s) => s.mode.kind === 'race') ? 2 : 1);
    parser.end();
    const results: ReproducerResult[] = specs.map((_, id) => {
      const r = parser.repro.get(id);
      return { id, lines: r?.lines ?? [], ...(r?.exit !== undefined ? { exit: r.exit } : {}) };
    });
    if (res.timedOut) return { kind: 'timeout', kernel, results, message: `${kernel}: reproducers did not finish within ${opts.timeoutSeconds}s` };
    const silent = results.filter((r) => r.exit === undefined);
    if (silent.length > 0 || parser.corrupt.length > 0)
      return {
        kind: 'failed',
        kernel,
        results,
        message: `${kernel}: ${silent.length} reproducer(s) gave no exit code${parser.corrupt.length > 0 ? `, ${parser.corrupt.length} damaged record(s)` : ''}`,
      };
    return { kind: 'ok', kernel, release: prepared.release, results, seconds: res.seconds };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

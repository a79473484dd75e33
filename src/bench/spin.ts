// Runs SPIN's breadth-first search on the repo's Promela philosophers model
// (models/philosophers/philosophers.pml) and reads its figures, so the
// benchmark can compare with SPIN measured in the same run on this machine.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SpinFigures {
  readonly states: number;
  readonly transitions: number;
  readonly seconds: number;
  readonly peakRssBytes: number;
}

const PML = fileURLToPath(new URL('../../../models/philosophers/philosophers.pml', import.meta.url));

export function spinAvailable(): boolean {
  return spawnSync('spin', ['-V']).status === 0 && spawnSync('gcc', ['--version']).status === 0;
}

function must(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout + r.stderr;
}

/** SPIN BFS (-DSAFETY -DNOREDUCE -DBFS, -O2) on N philosophers; hash table 2^w slots. */
export function runSpin(n: number, m: number, w: number): SpinFigures {
  const dir = mkdtempSync(join(tmpdir(), 'loopcheck-spin-'));
  try {
    copyFileSync(PML, join(dir, 'philosophers.pml'));
    must('spin', ['-a', `-DN=${n}`, `-DM=${m}`, 'philosophers.pml'], dir);
    must('gcc', ['-O2', '-w', '-DSAFETY', '-DNOREDUCE', '-DBFS', '-o', 'pan', 'pan.c'], dir);
    // GNU time reports the peak resident set (KiB) on stderr after pan's own output.
    const out = must('/usr/bin/time', ['-f', 'maxrss-kib=%M', './pan', `-w${w}`], dir);
    const num = (re: RegExp) => {
      const mm = re.exec(out);
      if (!mm) throw new Error(`unexpected pan output: ${out.slice(0, 400)}`);
      return Number(mm[1]);
    };
    return {
      states: num(/(\d+) states, stored/),
      transitions: num(/(\d+) transitions/),
      seconds: num(/elapsed time ([\d.e+-]+) seconds/),
      peakRssBytes: num(/maxrss-kib=(\d+)/) * 1024,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Booting a kernel and initramfs under QEMU (software emulation, no KVM) and
// streaming its serial console.
//
// Exists so the time limit lives in one place: past `timeoutSeconds` QEMU is
// killed and the caller is told, with everything the console said so far.

import { spawn } from 'node:child_process';

export interface BootResult {
  readonly timedOut: boolean;
  readonly exitCode: number | null;
  readonly seconds: number;
  /** QEMU's own stderr (its errors, not the guest's). */
  readonly stderr: string;
}

export function qemuArgs(vmlinuz: string, initrd: string, cpus = 1): string[] {
  return [
    '-accel', 'tcg',
    '-nographic',
    '-nodefaults',
    '-serial', 'stdio',
    '-net', 'none',
    '-no-reboot',
    '-m', '512M',
    '-smp', String(cpus),
    '-kernel', vmlinuz,
    '-initrd', initrd,
    '-append', 'console=ttyS0 panic=-1 quiet loglevel=1',
  ];
}

/** Boot; `onConsole` gets every chunk of serial output as it arrives. `cpus` > 1 lets racing threads really overlap (MTTCG). */
export function boot(vmlinuz: string, initrd: string, timeoutSeconds: number, onConsole: (chunk: string) => void, cpus = 1): Promise<BootResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('qemu-system-x86_64', qemuArgs(vmlinuz, initrd, cpus), { stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    const err: string[] = [];
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (s: string) => onConsole(s));
    child.stderr.on('data', (b: Buffer) => err.push(b.toString('utf8')));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ timedOut, exitCode: code, seconds: (Date.now() - started) / 1000, stderr: err.join('') });
    });
  });
}

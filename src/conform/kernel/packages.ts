// Finding, downloading and unpacking the Debian kernel packages conform boots.
//
// Exists so a kernel is fetched once: `apt-get download` into a cache outside
// the repository, `dpkg-deb -x`, and only vmlinuz plus the modules a probe
// needs (with their dependencies, decompressed for busybox insmod) are kept
// with a manifest. A second run finds the manifest and touches no network.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { KernelId } from '../probe-plan.js';
import { run, runOk } from './exec.js';
import { extractVmlinux } from './vmlinux.js';
import { MissingError, aptEnv, aptSourcesChanged, aptUpdateOnce, isRoot } from './tools.js';
import { backportsStanza, findReleaseSource, hasBackports, parseSourcesFile, type AptSource } from './apt-sources.js';

/** Modules the probe loads (dependencies are added from each module's `depends=`). */
export const NEEDED_MODULES = ['loop', 'minix'] as const;

export interface PreparedKernel {
  readonly kernel: KernelId;
  readonly pkg: string;
  readonly release: string;
  readonly vmlinuz: string;
  /** The uncompressed PVH-bootable kernel when it could be extracted (boots much faster under TCG). */
  readonly vmlinux?: string;
  /** Uncompressed .ko files in load order (dependencies first). */
  readonly modules: readonly string[];
}

export function cacheDir(): string {
  if (process.env.LOOPCHECK_CACHE) return process.env.LOOPCHECK_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'loopcheck', 'kernels');
}

/** apt-cache pattern and the suite it comes from, per kernel. */
const KERNEL_PKG: Record<KernelId, { readonly pattern: RegExp; readonly backports: boolean }> = {
  '6.1': { pattern: /^linux-image-6\.1\.0-(\d+)-amd64-unsigned$/, backports: false },
  '6.12': { pattern: /^linux-image-6\.12\.(\d+)\+deb\d+-amd64-unsigned$/, backports: true },
};

/** The newest package name among apt-cache search output lines, by the number the pattern captures. */
export function newestPackage(kernel: KernelId, searchOutput: string): string | undefined {
  let best: { name: string; n: number } | undefined;
  for (const line of searchOutput.split('\n')) {
    const name = line.split(' - ')[0].trim();
    const m = KERNEL_PKG[kernel].pattern.exec(name);
    if (m && (!best || Number(m[1]) > best.n)) best = { name, n: Number(m[1]) };
  }
  return best?.name;
}

function codename(): string {
  const text = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const m = /^VERSION_CODENAME=(\S+)$/m.exec(text);
  return m ? m[1].replace(/"/g, '') : 'bookworm';
}

function readAptSources(): AptSource[] {
  const out: AptSource[] = [];
  if (existsSync('/etc/apt/sources.list')) out.push(...parseSourcesFile('sources.list', readFileSync('/etc/apt/sources.list', 'utf8')));
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir))
    for (const f of readdirSync(dir).sort())
      if (f.endsWith('.list') || f.endsWith('.sources')) out.push(...parseSourcesFile(f, readFileSync(join(dir, f), 'utf8')));
  return out;
}

export const BACKPORTS_FILE = '/etc/apt/sources.list.d/loopcheck-backports.sources';

/** Make `<codename>-backports` known to apt, on the archive already configured. */
async function ensureBackports(log?: (l: string) => void): Promise<void> {
  const cn = codename();
  const sources = readAptSources();
  if (hasBackports(sources, cn)) return;
  const release = findReleaseSource(sources, cn);
  if (!release) throw new MissingError(`Linux 6.12 needs the ${cn}-backports suite, and apt has no ${cn} entry whose archive address could be reused`);
  if (!isRoot()) throw new MissingError(`Linux 6.12 needs the ${cn}-backports suite: add it to apt (as root) and install linux-image-6.12.*-amd64-unsigned`);
  log?.(`adding ${cn}-backports to apt (${BACKPORTS_FILE})`);
  writeFileSync(BACKPORTS_FILE, backportsStanza(release, cn));
  aptSourcesChanged();
}

async function findPackage(kernel: KernelId, log?: (l: string) => void): Promise<string> {
  const search = async (): Promise<string | undefined> => {
    const r = await run('apt-cache', ['search', '--names-only', kernel === '6.1' ? '^linux-image-6\\.1\\.0-' : '^linux-image-6\\.12\\.']);
    return newestPackage(kernel, r.stdout);
  };
  if (KERNEL_PKG[kernel].backports) await ensureBackports(log);
  let name = await search();
  if (!name && isRoot()) {
    await aptUpdateOnce(log);
    name = await search();
  }
  if (!name)
    throw new MissingError(
      kernel === '6.1'
        ? 'no linux-image-6.1.0-*-amd64-unsigned package known to apt (run apt-get update)'
        : 'no linux-image-6.12.*-amd64-unsigned package known to apt (add bookworm-backports, run apt-get update)',
    );
  return name;
}

/** `depends=` of a module's .modinfo, read from the raw (uncompressed) .ko bytes. */
export function moduleDepends(ko: Buffer): string[] {
  const key = Buffer.from('\0depends=');
  const at = ko.indexOf(key);
  if (at < 0) return [];
  const end = ko.indexOf(0, at + key.length);
  return ko
    .subarray(at + key.length, end)
    .toString('utf8')
    .split(',')
    .filter((s) => s !== '');
}

const modName = (file: string): string => basename(file).replace(/\.ko(\.xz|\.zst|\.gz)?$/, '').replace(/-/g, '_');

function listModules(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ko(\.xz)?$/.test(e.name)) out.set(modName(e.name), p);
    }
  };
  walk(dir);
  return out;
}

function koBytes(path: string): Promise<Buffer> {
  if (!path.endsWith('.xz')) return Promise.resolve(readFileSync(path));
  return new Promise<Buffer>((resolve, reject) => {
    const c = spawn('xz', ['-dc', path], { stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    c.stdout.on('data', (b: Buffer) => chunks.push(b));
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`xz -dc ${path} failed`))));
  });
}

const MANIFEST = 'manifest.json';

function readManifest(dir: string): PreparedKernel | undefined {
  const p = join(dir, MANIFEST);
  if (!existsSync(p)) return undefined;
  try {
    const m = JSON.parse(readFileSync(p, 'utf8')) as PreparedKernel;
    if (existsSync(m.vmlinuz) && m.modules.every((f) => existsSync(f))) return m;
  } catch {
    /* rebuilt below */
  }
  return undefined;
}

/** Add the extracted vmlinux to a manifest once (kept next to vmlinuz; recorded in the manifest). */
async function withVmlinux(m: PreparedKernel): Promise<PreparedKernel> {
  if (m.vmlinux !== undefined && existsSync(m.vmlinux)) return m;
  const out = join(dirname(m.vmlinuz), `vmlinux-${m.release}`);
  if (!(await extractVmlinux(m.vmlinuz, out))) return m;
  const next = { ...m, vmlinux: out };
  writeFileSync(join(dirname(m.vmlinuz), MANIFEST), `${JSON.stringify(next, null, 2)}\n`);
  return next;
}

/** A kernel ready to boot, from the cache when it is there, else downloaded and unpacked. */
export async function prepareKernel(kernel: KernelId, log?: (l: string) => void): Promise<PreparedKernel> {
  const root = cacheDir();
  mkdirSync(root, { recursive: true });
  // A cached kernel for this id is used as is: no apt, no network.
  const cached = readdirSync(root)
    .filter((d) => d.startsWith(`kernel-${kernel}-`))
    .map((d) => readManifest(join(root, d)))
    .find((m) => m !== undefined);
  if (cached) return withVmlinux(cached);

  const pkg = await findPackage(kernel, log);
  const debs = join(root, 'debs');
  mkdirSync(debs, { recursive: true });
  let deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  if (!deb) {
    log?.(`apt-get download ${pkg}`);
    const r = await run('apt-get', ['download', pkg], { cwd: debs, env: aptEnv() });
    deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
    if (r.code !== 0 || !deb) throw new MissingError(`could not download ${pkg}: ${r.stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
  }
  const tmp = join(root, `unpack-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  log?.(`dpkg-deb -x ${deb}`);
  await runOk('dpkg-deb', ['-x', join(debs, deb), tmp]);
  try {
    const boot = join(tmp, 'boot');
    const vmlinuzName = readdirSync(boot).find((f) => f.startsWith('vmlinuz-'));
    if (!vmlinuzName) throw new Error(`${deb} holds no /boot/vmlinuz-*`);
    const release = vmlinuzName.slice('vmlinuz-'.length);
    const modRoot = join(tmp, 'lib', 'modules', release);
    const all = listModules(statSync(modRoot).isDirectory() ? modRoot : tmp);
    const dir = join(root, `kernel-${kernel}-${release}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'modules'), { recursive: true });
    const order: string[] = [];
    const seen = new Set<string>();
    const add = async (name: string): Promise<void> => {
      if (seen.has(name)) return;
      seen.add(name);
      const src = all.get(name);
      if (!src) throw new Error(`${pkg} has no module ${name}`);
      const bytes = await koBytes(src);
      for (const dep of moduleDepends(bytes)) await add(dep.replace(/-/g, '_'));
      const out = join(dir, 'modules', `${name}.ko`);
      writeFileSync(out, bytes);
      order.push(out);
    };
    for (const m of NEEDED_MODULES) await add(m);
    const vmlinuz = join(dir, vmlinuzName);
    copyFileSync(join(boot, vmlinuzName), vmlinuz);
    const manifest: PreparedKernel = { kernel, pkg, release, vmlinuz, modules: order };
    writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    return withVmlinux(manifest);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

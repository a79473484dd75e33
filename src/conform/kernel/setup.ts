// `npm run conform:setup`: install the tools (as root) and fetch both kernels
// into the cache, without booting anything. Exit 0 ready, 2 something is
// missing (one line naming the package).

import { cacheDir } from './packages.js';
import { prepareKernels } from './run.js';
import { MissingError } from './tools.js';

try {
  const started = Date.now();
  const kernels = await prepareKernels(['6.1', '6.12'], (l) => console.error(l));
  for (const k of kernels)
    console.log(`${k.kernel}: ${k.pkg} (${k.release}), ${k.vmlinux ? 'vmlinux (PVH boot)' : 'vmlinuz'}, modules ${k.modules.map((m) => m.split('/').pop()).join(' ')}`);
  console.log(`cache ${cacheDir()}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (e) {
  if (e instanceof MissingError) {
    console.error(e.message);
    process.exit(2);
  }
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(2);
}

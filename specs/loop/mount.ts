// Invariants about a mounted loop device (the mount holds an exclusive open
// for its life; it is live from a successful superblock read to umount).

import type { Invariant } from '../../src/engine/model.js';
import type { StateView } from '../../src/engine/state-view.js';
import { FILE_NONE, MNT_MOUNTED } from '../../models/loop/encoding.js';
import { loopIndex } from './view.js';

export const mountNoTeardown: Invariant = {
  name: 'mount-no-teardown',
  description: 'a mounted device (or a device with a mounted partition) is never torn down (its backing file detached) while mounted',
  holds(s: StateView): boolean {
    const ix = loopIndex(s.layout);
    for (let x = 0; x < ix.mnt.length; x++) {
      const mounted = s.at(ix.mnt[x]) === MNT_MOUNTED || s.at(ix.pmnt[x]) === MNT_MOUNTED;
      if (mounted && s.at(ix.bf[x]) === FILE_NONE) return false;
    }
    return true;
  },
};

export const mountIo: Invariant = {
  name: 'mount-io',
  description: 'I/O through a live mount (of a device or of its partition) never fails',
  holds(s: StateView): boolean {
    return s.at(loopIndex(s.layout).mountIo) === 0;
  },
};

// The shared driver: defines every strategy-independent function in the
// program and maps a scenario's Call data to SyscallItems. Adding a strategy
// never touches this file.

import type { Call, ConfigureFlag } from '../calls.js';
import { callName } from '../calls.js';
import { DEV_NONE, devCode } from '../encoding.js';
import type { Machine, SyscallItem } from '../machine.js';
import type { Fn, Program } from '../program.js';
import type { StrategyFns } from '../strategies/types.js';
import { defineControlRemove, removeCheckByOpeners } from './control-remove.js';
import { defineFiles } from './files.js';
import { FLAG_AUTOCLEAR, FLAG_PARTSCAN, FLAG_READ_ONLY, defineChangeFd, defineConfigure, defineIoctl } from './ioctl.js';
import { defineIo } from './io.js';
import { defineRescan } from './partitions.js';
import { defineValidate } from './validate.js';

export interface Driver {
  item(c: Call, pre?: SyscallItem['pre']): SyscallItem;
}

export function defineDriver(p: Program, m: Machine, s: StrategyFns): Driver {
  const files = defineFiles(p, s);
  m.blkdevRelease = files.blkdevRelease;
  m.partRescan = defineRescan(p);
  const validate = defineValidate(p);
  const configure = defineConfigure(p, validate);
  const changeFd = defineChangeFd(p, validate);
  const clr = defineIoctl(p, 'LOOP_CLR_FD', s.loop_clr_fd);
  const setFd = defineIoctl(p, 'LOOP_SET_FD', configure);
  const configureIoctl = defineIoctl(p, 'LOOP_CONFIGURE', configure);
  const change = defineIoctl(p, 'LOOP_CHANGE_FD', changeFd);
  const io = defineIo(p, s, files.blkdevPut);
  // A strategy that hands back no loop_control_remove gets the one of every tree since lo_refcnt went (disk_openers, ->free_disk).
  const remove = s.loop_control_remove ?? defineControlRemove(p, removeCheckByOpeners, 'free_disk');

  const mk = (c: Call, fn: Fn, dev: number, fd: number, fd2: number, pre?: SyscallItem['pre'], part = 0, flags = 0): SyscallItem => ({
    name: callName(c),
    fn,
    dev,
    fd,
    fd2,
    part,
    flags,
    regs: [dev >= 0 ? devCode(dev) : DEV_NONE, 0, 0],
    pre,
  });
  const bits = (fl: readonly ConfigureFlag[]): number =>
    (fl.includes('autoclear') ? FLAG_AUTOCLEAR : 0) | (fl.includes('partscan') ? FLAG_PARTSCAN : 0) | (fl.includes('read_only') ? FLAG_READ_ONLY : 0);
  const p1 = (c: Call & { readonly part?: number }): number => {
    const part = c.part ?? 0;
    if (part !== 0 && part !== 1) throw new Error(`${callName(c)}: the model's image has partition 1 only`);
    return part;
  };
  const b2 = (b: number | 'regular'): number => (b === 'regular' ? -2 : b);
  return {
    item(c: Call, pre?: SyscallItem['pre']): SyscallItem {
      switch (c.op) {
        case 'open':
          return mk(c, files.open, c.dev, c.fd, -1, pre);
        case 'open_part':
          return mk(c, files.open, c.dev, c.fd, -1, pre, p1(c));
        case 'close':
          return mk(c, files.close, -1, c.fd, -1, pre);
        case 'clr':
          return mk(c, clr, -1, c.fd, -1, pre);
        case 'set_fd':
          return mk(c, setFd, -1, c.fd, b2(c.backing), pre);
        case 'change_fd':
          return mk(c, change, -1, c.fd, b2(c.backing), pre);
        case 'configure':
          return mk(c, configureIoctl, -1, c.fd, b2(c.backing), pre, 0, bits(c.flags));
        case 'read':
          return mk(c, io.read, -1, c.fd, -1, pre);
        case 'mount':
          return mk(c, io.mount, c.dev, -1, -1, pre, p1(c));
        case 'umount':
          return mk(c, io.umount, c.dev, -1, -1, pre, p1(c));
        case 'mount_read':
          return mk(c, io.mountRead, c.dev, -1, -1, pre, p1(c));
        case 'remove':
          return mk(c, remove, c.dev, -1, -1, pre);
      }
    },
  };
}

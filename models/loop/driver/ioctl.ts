// The loop ioctls shared by all strategies: the lo_ioctl entry (fdget of the
// device fd; a reference is taken only when the fd table is shared, as
// fdget does), LOOP_SET_FD / LOOP_CONFIGURE = loop_configure, and
// LOOP_CHANGE_FD = loop_change_fd (with the loop_validate_mutex flush when
// the new file is not a loop device). LOOP_CLR_FD dispatches to the
// strategy's loop_clr_fd. A struct file of a partition is not a loop device
// to is_loop_device (default max_part=0: partitions get the extended major),
// so stacking on it takes no loop_validate_mutex and is not walked. LOOP_CONFIGURE
// applies AUTOCLEAR / PARTSCAN at bind time and, with PARTSCAN, rescans the
// partitions after the unlock. Bind and LOOP_CHANGE_FD's switch drop the
// device's page cache (disk_force_media_change). Bdev claiming, uevents and
// the queue freeze are not modelled (loop-driver.md §7; see the README).

import { FILE_NONE, FILE_REGULAR, Lo_bound, Lo_unbound, LO_STATE_NAMES, PC_NONE, fileSlot, isFileSlot } from '../encoding.js';
import { DEV, FILE, REG, type Machine } from '../machine.js';
import type { Fn, Program } from '../program.js';
import { fputText } from '../strategies/common.js';

const x = (d: Uint8Array, fr: number): number => d[fr + DEV] - 1;

/** Argument code passed to configure/change_fd in r: 1 = regular file, 2+j = fd slot j. */
export const argCode = (fd2: number): number => (fd2 === -2 ? 1 : fd2 + 2);

/** LOOP_CONFIGURE flag bits of SyscallItem.flags. */
export const FLAG_AUTOCLEAR = 1;
export const FLAG_PARTSCAN = 2;
export const FLAG_READ_ONLY = 4;

/** is_loop_device(file): a struct file of a whole loop disk (a partition's has the extended major). */
export const isLoopFile = (m: Machine, d: Uint8Array, code: number): boolean => isFileSlot(code) && d[m.fpart[fileSlot(code)]] === 0;

/** The syscall entry: fdget(item.fd), then the command body on that file's device. */
export function defineIoctl(p: Program, cmd: string, body: Fn): Fn {
  const f = p.fn(`ioctl ${cmd}`);
  const fdput = f.at('fdput');
  f.step('fdget', {
    action: 'ioctl',
    outcome: (m, s, t) => (m.fdRead(s, t, m.item(s, t).fd) === FILE_NONE ? '-EBADF' : null),
    text: (m, s, t) => {
      const it = m.item(s, t);
      const code = m.fdRead(s, t, it.fd);
      if (code === FILE_NONE) return `${it.name}: fdget: -EBADF`;
      const ref = m.shared[t] ? ` (shared table: f_count ${s[m.fref[fileSlot(code)]]} → ${s[m.fref[fileSlot(code)]] + 1})` : '';
      return `${it.name}: fdget(fd${it.fd}) = ${m.fnm(code)} on loop${m.dn(s[m.fdev[fileSlot(code)]])}${ref}`;
    },
    run: (m, d, t, fr) => {
      const it = m.item(d, t);
      const code = m.fdRead(d, t, it.fd);
      if (code === FILE_NONE) return m.ret(d, t, fr);
      const dev = d[m.fdev[fileSlot(code)]];
      const arg = it.fd2 === -1 ? 0 : argCode(it.fd2);
      if (m.shared[t]) {
        d[m.fref[fileSlot(code)]]++;
        d[fr + FILE] = code;
        return m.call(d, t, fr, body, fdput, dev, 0, arg);
      }
      return m.tail(d, fr, body, dev, 0, arg);
    },
  });
  f.step('fdput', {
    action: 'ioctl',
    text: (m, s, _t, fr) => `fdput: ${fputText(m, s, s[fr + FILE])}`,
    run: (m, d, t, fr) => m.fput(d, t, fr, d[fr + FILE], null),
  });
  return f;
}

/** fget of the backing fd, the global lock, and the error path: shared by configure and change_fd. */
function prologue(f: Fn): void {
  const acqLm = f.at('acq_lm');
  f.step('fget', {
    outcome: (m, s, t, fr) => (s[fr + REG] !== 1 && m.fdRead(s, t, s[fr + REG] - 2) === FILE_NONE ? '-EBADF' : null),
    text: (m, s, t, fr) => {
      const arg = s[fr + REG];
      if (arg === 1) return 'backing file = regular file: is_loop = false';
      const code = m.fdRead(s, t, arg - 2);
      if (code === FILE_NONE) return `fget(fd${arg - 2}): -EBADF`;
      const n = s[m.fref[fileSlot(code)]];
      const bdev = `loop${m.dn(s[m.fdev[fileSlot(code)]])}${s[m.fpart[fileSlot(code)]] ? 'p1' : ''}`;
      return `fget(fd${arg - 2}) = ${m.fnm(code)} (${bdev}, f_count ${n} → ${n + 1}): is_loop = ${isLoopFile(m, s, code)}`;
    },
    run: (m, d, t, fr) => {
      const arg = d[fr + REG];
      d[fr + REG] = 0;
      if (arg === 1) {
        d[fr + FILE] = FILE_REGULAR;
        return m.go(d, fr, acqLm);
      }
      const code = m.fget(d, t, arg - 2);
      if (code === FILE_NONE) return m.ret(d, t, fr);
      d[fr + FILE] = code;
      return isLoopFile(m, d, code) ? m.next(d, fr) : m.go(d, fr, acqLm);
    },
  });
  f.step('acq_vm', {
    text: 'ACQ loop_validate_mutex',
    run: (m, d, t, fr) => m.acquire(d, m.vm, t) && m.next(d, fr),
  });
  f.step('acq_lm', {
    text: (m, s, _t, fr) => `ACQ lo_mutex(${m.dn(s[fr + DEV])})`,
    run: (m, d, t, fr) => m.acquire(d, m.lm[x(d, fr)], t) && m.next(d, fr),
  });
}

function errorPath(f: Fn, why: string): void {
  const errFput = f.at('err_fput');
  f.step('err_lm', {
    text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])}): ${why}`,
    run: (m, d, t, fr) => {
      m.release(d, m.lm[x(d, fr)]);
      const code = d[fr + FILE];
      if (!isFileSlot(code)) return m.ret(d, t, fr);
      return isLoopFile(m, d, code) ? m.next(d, fr) : m.go(d, fr, errFput);
    },
  });
  f.step('err_vm', {
    text: 'REL loop_validate_mutex',
    run: (m, d, _t, fr) => {
      m.release(d, m.vm);
      return m.next(d, fr);
    },
  });
  f.step('err_fput', {
    text: (m, s, _t, fr) => fputText(m, s, s[fr + FILE]),
    run: (m, d, t, fr) => m.fput(d, t, fr, d[fr + FILE], null),
  });
}

/** Walk failed (r != 0): REL lo_mutex and continue on the error path (REL loop_validate_mutex if taken, fput). */
function walkFailed(m: Machine, d: Uint8Array, t: number, fr: number, errVm: { pc: number }): boolean {
  m.release(d, m.lm[x(d, fr)]);
  const code = d[fr + FILE];
  if (isFileSlot(code)) {
    d[fr] = isLoopFile(m, d, code) ? errVm.pc : errVm.pc + 1;
    return true;
  }
  return m.ret(d, t, fr);
}

/** After loop_configure's unlock: the PARTSCAN rescan (r = partscan, set at bind) or return. */
function afterUnlock(m: Machine, d: Uint8Array, t: number, fr: number): true {
  return d[fr + REG] ? m.tail(d, fr, m.partRescan, d[fr + DEV], 0, 0) : m.ret(d, t, fr);
}

/** loop_configure(lo, file): frame dev = lo, file = backing, r = fd arg, then the walk's result. */
export function defineConfigure(p: Program, validate: Fn): Fn {
  const f = p.fn('loop_configure');
  const bind = f.at('bind');
  const errLm = f.at('err_lm');
  const errVm = f.at('err_vm');
  prologue(f);
  f.step('check', {
    outcome: (m, s, _t, fr) => (s[m.st[x(s, fr)]] !== Lo_unbound ? '-EBUSY' : null),
    text: (m, s, _t, fr) => {
      const st = s[m.st[x(s, fr)]];
      return st === Lo_unbound
        ? `st(${m.dn(s[fr + DEV])}) == Lo_unbound; call loop_validate_file(${m.fnm(s[fr + FILE])})`
        : `st(${m.dn(s[fr + DEV])}) == ${LO_STATE_NAMES[st]}: -EBUSY`;
    },
    run: (m, d, t, fr) => {
      if (d[m.st[x(d, fr)]] !== Lo_unbound) return m.go(d, fr, errLm);
      return m.call(d, t, fr, validate, bind, d[fr + DEV], d[fr + FILE], 0);
    },
  });
  f.step('bind', {
    text: (m, s, t, fr) => {
      if (s[fr + REG] !== 0) return `loop_validate_file failed: REL lo_mutex(${m.dn(s[fr + DEV])})`;
      const d = m.dn(s[fr + DEV]);
      const fl = m.item(s, t).flags;
      const set = [fl & FLAG_AUTOCLEAR ? 'AUTOCLEAR' : '', fl & FLAG_PARTSCAN ? 'PARTSCAN' : ''].filter(Boolean).join(', ');
      return `lo_backing_file(${d}) := ${m.fnm(s[fr + FILE])}; st(${d}) := Lo_bound${set ? `; ${set} := 1` : ''}`;
    },
    run: (m, d, t, fr) => {
      if (d[fr + REG] !== 0) return walkFailed(m, d, t, fr, errVm);
      const i = x(d, fr);
      const fl = m.item(d, t).flags;
      d[m.bf[i]] = d[fr + FILE];
      d[m.ro[i]] = 1;
      if (fl & FLAG_AUTOCLEAR) d[m.ac[i]] = 1;
      if (fl & FLAG_PARTSCAN) d[m.ps[i]] = 1;
      d[m.pc[i]] = PC_NONE;
      d[m.ns[i]] = 1;
      d[m.st[i]] = Lo_bound;
      d[fr + REG] = d[m.ps[i]];
      return m.next(d, fr);
    },
  });
  f.step('rel_lm', {
    text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])})`,
    run: (m, d, t, fr) => {
      m.release(d, m.lm[x(d, fr)]);
      return isLoopFile(m, d, d[fr + FILE]) ? m.next(d, fr) : afterUnlock(m, d, t, fr);
    },
  });
  f.step('rel_vm', {
    text: 'REL loop_validate_mutex',
    run: (m, d, t, fr) => {
      m.release(d, m.vm);
      return afterUnlock(m, d, t, fr);
    },
  });
  errorPath(f, 'error');
  return f;
}

/** loop_change_fd(lo, file): frame dev = lo, file = new then old file, r = fd arg / walk result / is_loop. */
export function defineChangeFd(p: Program, validate: Fn): Fn {
  const f = p.fn('loop_change_fd');
  const swap = f.at('swap');
  const errLm = f.at('err_lm');
  const errVm = f.at('err_vm');
  const flush = f.at('flush_acq');
  const putOld = f.at('put_old');
  const relVm = f.at('rel_vm');
  prologue(f);
  f.step('check', {
    outcome: (m, s, _t, fr) => {
      const i = x(s, fr);
      if (s[m.st[i]] !== Lo_bound) return '-ENXIO';
      return s[m.ro[i]] ? null : '-EINVAL';
    },
    text: (m, s, _t, fr) => {
      const i = x(s, fr);
      const st = s[m.st[i]];
      if (st !== Lo_bound) return `st(${m.dn(s[fr + DEV])}) == ${LO_STATE_NAMES[st]}: -ENXIO`;
      if (!s[m.ro[i]]) return `st(${m.dn(s[fr + DEV])}) == Lo_bound, not READ_ONLY: -EINVAL`;
      return `st(${m.dn(s[fr + DEV])}) == Lo_bound, READ_ONLY; call loop_validate_file(${m.fnm(s[fr + FILE])})`;
    },
    run: (m, d, t, fr) => {
      const i = x(d, fr);
      if (d[m.st[i]] !== Lo_bound || d[m.ro[i]] === 0) return m.go(d, fr, errLm);
      return m.call(d, t, fr, validate, swap, d[fr + DEV], d[fr + FILE], 0);
    },
  });
  f.step('swap', {
    text: (m, s, _t, fr) =>
      s[fr + REG] !== 0
        ? `loop_validate_file failed: REL lo_mutex(${m.dn(s[fr + DEV])})`
        : `old := lo_backing_file(${m.dn(s[fr + DEV])}) = ${m.fnm(s[m.bf[x(s, fr)]])}; lo_backing_file(${m.dn(s[fr + DEV])}) := ${m.fnm(s[fr + FILE])}`,
    run: (m, d, t, fr) => {
      if (d[fr + REG] !== 0) return walkFailed(m, d, t, fr, errVm);
      const i = x(d, fr);
      const nf = d[fr + FILE];
      d[fr + FILE] = d[m.bf[i]];
      d[m.bf[i]] = nf;
      d[m.pc[i]] = PC_NONE;
      d[m.ns[i]] = 1;
      d[fr + REG] = isLoopFile(m, d, nf) ? 1 : 0;
      return m.next(d, fr);
    },
  });
  f.step('rel_lm', {
    text: (m, s, _t, fr) => `REL lo_mutex(${m.dn(s[fr + DEV])})`,
    run: (m, d, _t, fr) => {
      m.release(d, m.lm[x(d, fr)]);
      return m.go(d, fr, d[fr + REG] === 1 ? relVm : flush);
    },
  });
  f.step('rel_vm', {
    text: 'REL loop_validate_mutex',
    run: (m, d, t, fr) => {
      m.release(d, m.vm);
      return isFileSlot(d[fr + FILE]) ? m.go(d, fr, putOld) : m.ret(d, t, fr);
    },
  });
  f.step('flush_acq', {
    text: 'ACQ loop_validate_mutex (flush: !is_loop)',
    run: (m, d, t, fr) => m.acquire(d, m.vm, t) && m.next(d, fr),
  });
  f.step('flush_rel', {
    text: 'REL loop_validate_mutex (flush)',
    run: (m, d, t, fr) => {
      m.release(d, m.vm);
      return isFileSlot(d[fr + FILE]) ? m.next(d, fr) : m.ret(d, t, fr);
    },
  });
  f.step('put_old', {
    text: (m, s, _t, fr) => `${fputText(m, s, s[fr + FILE])} (old backing file)`,
    run: (m, d, t, fr) => m.fput(d, t, fr, d[fr + FILE], null),
  });
  errorPath(f, 'error');
  return f;
}

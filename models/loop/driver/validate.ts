// loop_validate_file (identical in all code states): the unlocked walk down a
// stacking chain. One step per dereference / unlocked read, so a concurrent
// teardown can slip between them: is_loop_device(f) dereferences f;
// read lo_state(l) and read lo_backing_file(l) are separate racy reads.
// Frame: dev = target device, file = current file, r = current device l.
// Returns 0 (valid) or 1 (error) into the caller's r. Dereferencing a NULL
// or freed struct file sets ghost.walk_unsafe (the 2021 crash). A struct
// file of a partition ends the walk: is_loop_device is false for it (the
// extended major), and a block device is a valid backing file. Nothing in
// the walk can sleep, so its statements run back to back: each step that
// does not return opens a stall window (after the walk, loop_configure and
// loop_change_fd allocate, sync or freeze, which can sleep).

import { FILE_NONE, FILE_REGULAR, Lo_bound, LO_STATE_NAMES, fileSlot } from '../encoding.js';
import { DEV, FILE, REG, type Machine } from '../machine.js';
import type { Fn, Program } from '../program.js';
import { retVal, statement } from '../steps.js';

/** Whether is_loop_device(f) finds another live loop device, so the walk goes on (no return to the caller). */
function continuesWalk(m: Machine, s: Uint8Array, fr: number): boolean {
  const code = s[fr + FILE];
  if (code <= FILE_REGULAR) return false;
  const slot = fileSlot(code);
  const dv = s[m.fdev[slot]];
  return dv !== 0 && s[m.fpart[slot]] === 0 && dv !== s[fr + DEV];
}

const VALID = retVal(0);
const INVALID = retVal(1);

export function defineValidate(p: Program): Fn {
  const w = p.fn('loop_validate_file');
  const top = w.at('is_loop');
  w.step('is_loop', statement({
    backToBack: (m, s, _t, fr) => continuesWalk(m, s, fr),
    outcome: (m, s, _t, fr) => {
      const code = s[fr + FILE];
      return code > FILE_REGULAR && s[m.fpart[fileSlot(code)]] === 0 && s[m.fdev[fileSlot(code)]] === s[fr + DEV] ? '-EBADF' : null;
    },
    text: (m, s, _t, fr) => {
      const code = s[fr + FILE];
      if (code === FILE_REGULAR) return 'is_loop_device(regular file) == false: S_ISREG, valid';
      if (code === FILE_NONE) return 'is_loop_device(NULL): NULL dereference';
      const dv = s[m.fdev[fileSlot(code)]];
      if (dv === 0) return `is_loop_device(${m.fnm(code)}): use after free`;
      if (s[m.fpart[fileSlot(code)]] !== 0) return `is_loop_device(${m.fnm(code)}) == false: loop${m.dn(dv)}p1 has the extended major; S_ISBLK, valid`;
      if (dv === s[fr + DEV]) return `is_loop_device(${m.fnm(code)}) → ${m.dn(dv)} == target: -EBADF`;
      return `is_loop_device(${m.fnm(code)}) → loop${m.dn(dv)}`;
    },
    run: (m, d, _t, fr) => {
      const code = d[fr + FILE];
      if (code === FILE_REGULAR) return VALID;
      if (code === FILE_NONE) {
        d[m.walkUnsafe] = 1;
        return INVALID;
      }
      const dv = d[m.fdev[fileSlot(code)]];
      if (dv === 0) {
        d[m.walkUnsafe] = 1;
        return INVALID;
      }
      if (d[m.fpart[fileSlot(code)]] !== 0) return VALID;
      if (dv === d[fr + DEV]) return INVALID;
      d[fr + REG] = dv;
    },
  }));
  w.step('read_state', statement({
    backToBack: (m, s, _t, fr) => s[m.st[s[fr + REG] - 1]] === Lo_bound,
    outcome: (m, s, _t, fr) => (s[m.st[s[fr + REG] - 1]] !== Lo_bound ? '-EINVAL' : null),
    text: (m, s, _t, fr) => {
      const st = s[m.st[s[fr + REG] - 1]];
      return `read lo_state(${m.dn(s[fr + REG])}) == ${LO_STATE_NAMES[st]}${st === Lo_bound ? '' : ': -EINVAL'}`;
    },
    run: (m, d, _t, fr) => (d[m.st[d[fr + REG] - 1]] !== Lo_bound ? INVALID : 'next'),
  }));
  w.step('read_backing', statement({
    backToBack: true,
    text: (m, s, _t, fr) => `read lo_backing_file(${m.dn(s[fr + REG])}) → ${m.fnm(s[m.bf[s[fr + REG] - 1]])}`,
    run: (m, d, _t, fr) => {
      d[fr + FILE] = d[m.bf[d[fr + REG] - 1]];
      d[fr + REG] = 0;
      return top;
    },
  }));
  return w;
}

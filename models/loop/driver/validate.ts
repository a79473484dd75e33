// loop_validate_file (identical in all code states): the unlocked walk down a
// stacking chain. One step per dereference / unlocked read, so a concurrent
// teardown can slip between them: is_loop_device(f) dereferences f;
// read lo_state(l) and read lo_backing_file(l) are separate racy reads.
// Frame: dev = target device, file = current file, r = current device l.
// Returns 0 (valid) or 1 (error) into the caller's r. Dereferencing a NULL
// or freed struct file sets ghost.walk_unsafe (the 2021 crash). A struct
// file of a partition ends the walk: is_loop_device is false for it (the
// extended major), and a block device is a valid backing file.

import { FILE_NONE, FILE_REGULAR, Lo_bound, LO_STATE_NAMES, fileSlot } from '../encoding.js';
import { DEV, FILE, REG } from '../machine.js';
import type { Fn, Program } from '../program.js';

export function defineValidate(p: Program): Fn {
  const w = p.fn('loop_validate_file');
  const top = w.at('is_loop');
  w.step('is_loop', {
    outcome: (m, s, _t, fr) => {
      const code = s[fr + FILE];
      return code > FILE_REGULAR && s[m.fdev[fileSlot(code)]] === s[fr + DEV] ? '-EBADF' : null;
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
    run: (m, d, t, fr) => {
      const code = d[fr + FILE];
      if (code === FILE_REGULAR) return m.retVal(d, t, fr, 0);
      if (code === FILE_NONE) {
        d[m.walkUnsafe] = 1;
        return m.retVal(d, t, fr, 1);
      }
      const dv = d[m.fdev[fileSlot(code)]];
      if (dv === 0) {
        d[m.walkUnsafe] = 1;
        return m.retVal(d, t, fr, 1);
      }
      if (d[m.fpart[fileSlot(code)]] !== 0) return m.retVal(d, t, fr, 0);
      if (dv === d[fr + DEV]) return m.retVal(d, t, fr, 1);
      d[fr + REG] = dv;
      return m.next(d, fr);
    },
  });
  w.step('read_state', {
    outcome: (m, s, _t, fr) => (s[m.st[s[fr + REG] - 1]] !== Lo_bound ? '-EINVAL' : null),
    text: (m, s, _t, fr) => {
      const st = s[m.st[s[fr + REG] - 1]];
      return `read lo_state(${m.dn(s[fr + REG])}) == ${LO_STATE_NAMES[st]}${st === Lo_bound ? '' : ': -EINVAL'}`;
    },
    run: (m, d, t, fr) => (d[m.st[d[fr + REG] - 1]] !== Lo_bound ? m.retVal(d, t, fr, 1) : m.next(d, fr)),
  });
  w.step('read_backing', {
    text: (m, s, _t, fr) => `read lo_backing_file(${m.dn(s[fr + REG])}) → ${m.fnm(s[m.bf[s[fr + REG] - 1]])}`,
    run: (m, d, _t, fr) => {
      d[fr + FILE] = d[m.bf[d[fr + REG] - 1]];
      d[fr + REG] = 0;
      return m.go(d, fr, top);
    },
  });
  return w;
}

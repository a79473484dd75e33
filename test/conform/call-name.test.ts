// Probe call names: the calls conform runs beyond the model's Call (a
// partition opened with op 'open', LOOP_CONFIGURE with kernel flag names)
// read like the model's own names for the same calls.

import { describe, expect, it } from 'vitest';
import { callName } from '../../models/loop/calls.js';
import { probeCallName } from '../../src/conform/call-name.js';

describe('probeCallName', () => {
  it('names a partition open as the model names open_part, and partition mounts by their node', () => {
    expect(probeCallName({ op: 'open', dev: 0, fd: 0, part: 1 })).toBe(callName({ op: 'open_part', dev: 0, part: 1, fd: 0 }));
    expect(probeCallName({ op: 'open', dev: 0, fd: 0, part: 1 })).toBe('open(/dev/loopAp1) -> fd0');
    expect(probeCallName({ op: 'open', dev: 1, fd: 2 })).toBe('open(/dev/loopB) -> fd2');
    expect(probeCallName({ op: 'mount', dev: 0, part: 1 })).toBe('mount(/dev/loopAp1)');
    expect(probeCallName({ op: 'mount_read', dev: 0, part: 1 })).toBe('read via mount of loopAp1');
  });

  it('names LOOP_CONFIGURE with its backing and upper-case flags', () => {
    expect(probeCallName({ op: 'configure', fd: 0, backing: 'regular', flags: ['partscan', 'autoclear'] })).toBe('ioctl(fd0, LOOP_CONFIGURE, regular file, PARTSCAN|AUTOCLEAR)');
    expect(probeCallName({ op: 'configure', fd: 1, backing: 0, flags: [] })).toBe('ioctl(fd1, LOOP_CONFIGURE, fd0)');
  });
});

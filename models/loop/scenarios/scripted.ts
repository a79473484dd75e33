// The scripted scenarios of issue 3: small fixed races around LOOP_CLR_FD on
// device A (index 0), with B = index 1. T1 always starts with an open fd of
// a bound A (the LOOP_CLR_FD caller is itself an opener).

import type { Call } from '../calls.js';
import type { InitDesc, Scenario, ScenarioSetup } from './types.js';

const A = 0;
const B = 1;

/** T1: LOOP_CLR_FD on its fd of A, then close it. */
export const clearer: readonly Call[] = [
  { op: 'clr', fd: 0 },
  { op: 'close', fd: 0 },
];

/** A bound to a regular file, struct file f0 on A open in table P1 as fd0. */
const aOpenByT1: InitDesc = {
  bound: [{ dev: A, backing: 'regular' }],
  files: [A],
  fds: [{ table: 0, slot: 0, file: 0 }],
};

function needDevices(name: string, n: number, params: Readonly<Record<string, number>>): number {
  const d = params.devices ?? n;
  if (d < n) throw new Error(`scenario ${name} needs devices >= ${n} (got ${d})`);
  return n;
}

export function scripted(
  name: string,
  description: string,
  minDevices: number,
  make: () => Omit<ScenarioSetup, 'devices'>,
): Scenario {
  return {
    name,
    description,
    scripted: true,
    setup(params) {
      return { devices: needDevices(name, minDevices, params), ...make() };
    },
  };
}

export const stackIndependent = scripted(
  'stack-independent',
  'T1 (fd of bound A) LOOP_CLR_FD(A) + close; T2 opens A and B itself, LOOP_SET_FD(B, its fd of A), reads B, closes both',
  2,
  () => ({
    tableOf: [0, 1],
    slots: 2,
    init: aOpenByT1,
    scripts: [
      clearer,
      [
        { op: 'open', dev: A, fd: 0 },
        { op: 'open', dev: B, fd: 1 },
        { op: 'set_fd', fd: 1, backing: 0 },
        { op: 'read', fd: 1 },
        { op: 'close', fd: 0 },
        { op: 'close', fd: 1 },
      ],
    ],
  }),
);

export const stackSharedFd = scripted(
  'stack-shared-fd',
  'as stack-independent, but T1 and T2 are threads of one process sharing one fd table and one struct file of A',
  2,
  () => ({
    tableOf: [0, 0],
    slots: 2,
    init: aOpenByT1,
    scripts: [
      clearer,
      [
        { op: 'open', dev: B, fd: 1 },
        { op: 'set_fd', fd: 1, backing: 0 },
        { op: 'read', fd: 1 },
        { op: 'close', fd: 1 },
      ],
    ],
  }),
);

export const stackFork = scripted(
  'stack-fork',
  'as stack-shared-fd, but after fork(): two fd tables, one struct file of A with two references; each side closes its own fd',
  2,
  () => ({
    tableOf: [0, 1],
    slots: 2,
    init: {
      bound: [{ dev: A, backing: 'regular' }],
      files: [A],
      fds: [
        { table: 0, slot: 0, file: 0 },
        { table: 1, slot: 0, file: 0 },
      ],
    },
    scripts: [
      clearer,
      [
        { op: 'open', dev: B, fd: 1 },
        { op: 'set_fd', fd: 1, backing: 0 },
        { op: 'read', fd: 1 },
        { op: 'close', fd: 0 },
        { op: 'close', fd: 1 },
      ],
    ],
  }),
);

export const mountScenario = scripted(
  'mount',
  'T1 LOOP_CLR_FD(A) + close while T2 mounts A, reads through the mount and unmounts',
  1,
  () => ({
    tableOf: [0, 1],
    slots: 1,
    init: aOpenByT1,
    scripts: [
      clearer,
      [
        { op: 'mount', dev: A },
        { op: 'mount_read', dev: A },
        { op: 'umount', dev: A },
      ],
    ],
  }),
);

export const udev = scripted(
  'udev',
  'a short-lived udev-style reader (T2) opens, reads and closes A around T1 LOOP_CLR_FD(A) + close',
  1,
  () => ({
    tableOf: [0, 1],
    slots: 1,
    init: aOpenByT1,
    scripts: [
      clearer,
      [
        { op: 'open', dev: A, fd: 0 },
        { op: 'read', fd: 0 },
        { op: 'close', fd: 0 },
      ],
    ],
  }),
);

export const changeFd = scripted(
  'change-fd',
  'T2 LOOP_CHANGE_FD on read-only B (bound to a regular file) to its own fd of A, then reads B, racing T1 LOOP_CLR_FD(A) + close',
  2,
  () => ({
    tableOf: [0, 1],
    slots: 2,
    init: {
      bound: [
        { dev: A, backing: 'regular' },
        { dev: B, backing: 'regular', ro: true },
      ],
      files: [A, B],
      fds: [
        { table: 0, slot: 0, file: 0 },
        { table: 1, slot: 0, file: 1 },
      ],
    },
    scripts: [
      clearer,
      [
        { op: 'open', dev: A, fd: 1 },
        { op: 'change_fd', fd: 0, backing: 1 },
        { op: 'read', fd: 0 },
        { op: 'close', fd: 1 },
        { op: 'close', fd: 0 },
      ],
    ],
  }),
);

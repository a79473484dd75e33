// The contract between the two halves of `loopcheck conform`.
//
// Exists so the model side (schedule enumeration, walking the model, comparing)
// and the kernel side (a generated C program, an initramfs, QEMU, the serial
// console) agree on plain data and nothing else. The model side builds a
// ProbeScenario per scripted scenario; the kernel side runs every schedule on
// fresh loop devices and answers with one CallObservation per call.

import type { Backing, Call } from '../../models/loop/calls.js';
import type { InitDesc } from '../../models/loop/scenarios/types.js';

/** The real kernels conform can boot, and the code state each implements. */
export type KernelId = '6.1' | '6.12';

/** Loop flags a LOOP_CONFIGURE call can set (LO_FLAGS_READ_ONLY, _AUTOCLEAR, _PARTSCAN). */
export type LoopFlag = 'read_only' | 'autoclear' | 'partscan';

/**
 * Calls the kernel side runs beyond the model's Call (proposed shapes for
 * issue #13): LOOP_CONFIGURE with flags, and opens and mounts of partition
 * `part` (1 = /dev/loopNp1; 0 or absent = the whole device). LOOP_CLR_FD
 * through a partition needs no new shape: `clr` on a slot holding a
 * partition's fd.
 */
export type ExtraCall =
  | { readonly op: 'configure'; readonly fd: number; readonly backing: Backing; readonly flags: readonly LoopFlag[] }
  | { readonly op: 'open'; readonly dev: number; readonly fd: number; readonly part?: number }
  | { readonly op: 'mount' | 'umount' | 'mount_read'; readonly dev: number; readonly part?: number };

/** The model's calls the probe runs: all but LOOP_CTL_REMOVE (kernel-calls.ts says why). */
export type KernelCall = Exclude<Call, { readonly op: 'remove' }>;

/** What a probe schedule may contain. */
export type ProbeOp = KernelCall | ExtraCall;

/**
 * One whole system call of a schedule: thread `thread` (fd table `table`) issues `call`.
 * The model side uses the default (the model's calls the probe runs); the kernel side accepts any ProbeOp.
 */
export interface ProbeCall<C extends ProbeOp = KernelCall> {
  readonly thread: number;
  readonly table: number;
  readonly call: C;
}

/** A syscall-serial schedule: the calls in the order they run, each from entry to return. */
export interface ProbeSchedule<C extends ProbeOp = KernelCall> {
  readonly id: number;
  readonly calls: readonly ProbeCall<C>[];
}

/** One scenario to run: its initial kernel state and every schedule. Devices are named A, B, … by index. */
export interface ProbeScenario<C extends ProbeOp = KernelCall> {
  readonly name: string;
  readonly devices: number;
  /** Number of fd tables (processes); a thread's table is ProbeCall.table. */
  readonly tables: number;
  /** Fd slots per table. */
  readonly slots: number;
  readonly init: InitDesc;
  readonly schedules: readonly ProbeSchedule<C>[];
}

/**
 * What user space can see of one device after a call.
 * `backing`: null when unbound (no loop/backing_file in sysfs), 'regular' for the
 * scenario's regular backing file, or a device letter ('A', 'B', …) when the
 * backing file is another loop device of the schedule ('Ap1' for its partition 1).
 */
export interface DeviceObservation {
  readonly backing: string | null;
  readonly autoclear: boolean;
  /** Outcome of a fresh open(2) of the device node (then closed): 'ok' or '-ENXIO', … */
  readonly open: string;
  /** Partitions the kernel currently shows for the device (/sys/block/loopN/loopNpK). */
  readonly partitions?: number;
}

/**
 * Outcome vocabulary (canonical strings): 'ok' or '-E…' (errno name) for every
 * call; for a read (of a device or through a mount) 'ok:pattern' (the backing
 * data), 'ok:zeros', 'ok:empty' (0 bytes), 'ok:other', or '-E…'.
 */
export interface CallObservation {
  readonly outcome: string;
  readonly devices: readonly DeviceObservation[];
}

export interface ScheduleObservation {
  readonly scenario: string;
  readonly schedule: number;
  readonly calls: readonly CallObservation[];
  /** The devices after the initial state was set up, before the first call. */
  readonly initial?: readonly DeviceObservation[];
  /** Setting up the initial state failed (the reason); no call ran. */
  readonly setupError?: string;
  /** The schedule began but its end never arrived (timeout, crash, lost record): `calls` is a prefix. */
  readonly incomplete?: boolean;
}

/**
 * What one boot of a kernel yields. `ok`: the probe ran to its end and every
 * record arrived intact. `timeout`: the per-boot limit killed QEMU (never a
 * pass; `observations` is what arrived). `failed`: the boot ended without a
 * complete result (kernel panic, probe error, damaged records). `missing`: a
 * tool or kernel package is not there and could not be installed (one line
 * naming the package). Times: `bootSeconds` wall clock from starting QEMU to the
 * probe's first record, `totalSeconds` until QEMU exited; `guest…` in the
 * guest's own uptime (boot = uptime when the probe started, probe = its run).
 */
export type KernelRun =
  | { readonly kind: 'ok'; readonly kernel: KernelId; readonly release: string; readonly loopParams: Readonly<Record<string, string>>; readonly observations: readonly ScheduleObservation[]; readonly bootSeconds: number; readonly totalSeconds: number; readonly guestBootSeconds?: number; readonly guestProbeSeconds?: number }
  | { readonly kind: 'timeout'; readonly kernel: KernelId; readonly observations: readonly ScheduleObservation[]; readonly message: string }
  | { readonly kind: 'failed'; readonly kernel: KernelId; readonly observations: readonly ScheduleObservation[]; readonly message: string }
  | { readonly kind: 'missing'; readonly kernel: KernelId; readonly message: string };

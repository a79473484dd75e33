// The machine: state-vector field indices plus the primitive operations
// (locks, calls, returns, fput, the teardown's detach tail) that step closures use.
//
// Exists so every step closure works on raw bytes through precomputed
// indices: nothing here allocates or looks anything up by name once built.
// Each thread owns a bounded call stack of FRAME-byte frames
// (pc, dev, file, r); a popped frame is zeroed so equal kernel states have
// equal vectors. Each thread also has a small task-work stack: the last fput
// of a loop device's struct file queues its release there, and it runs when
// the system call returns to user space, after every lock of the call is
// dropped (as the kernel's deferred __fput does).

import { Layout, type FieldDecl } from '../../src/engine/layout.js';
import type { Fn, Linked, Ref } from './program.js';
import {
  F, FILE_NONE, FILE_REGULAR, LO_STATE_NAMES, Lo_bound, MNT_NAMES, PC_NAMES, PC_NONE, MNT_NONE, REMOVAL_NAMES, RM_DELETED, devName, fileName,
  fileRefName, fileSlot, isFileSlot, threadName,
} from './encoding.js';

export const FRAME = 4;
/** Deferred releases a thread can have queued at once (a teardown's fput, then the ioctl's fdput). */
export const TASK_WORK = 2;
export const PC = 0;
export const DEV = 1;
export const FILE = 2;
export const REG = 3;

/** A per-device field a strategy adds (e.g. lo_refcnt for v5.17). */
export interface ExtraDeviceField {
  readonly name: string;
  /** A number of values, or `owner`: free or one of the threads (a lock-like field). */
  readonly domain: number | 'owner';
  readonly values?: readonly string[];
  /**
   * Lock-like resource (domain `owner`): the field holds its owner thread + 1,
   * and traces and the lock-order analysis list it as `<lock>(<device>)`.
   */
  readonly lock?: string;
}

export interface Shape {
  readonly devices: number;
  /** Struct file slots. */
  readonly files: number;
  /** Slots per fd table. */
  readonly slots: number;
  /** Fd table of each thread (threads of one process share one). */
  readonly tableOf: readonly number[];
  /** Frames per thread. */
  readonly depth: number;
  readonly maxOpeners: number;
  readonly maxRefs: number;
  readonly regDomain: number;
  /** Domain of each thread's `done` counter. */
  readonly doneDomain: readonly number[];
  /** Printable names of each thread's syscall items (index = item). */
  readonly itemNames: readonly (readonly string[])[];
  readonly extraDeviceFields: readonly ExtraDeviceField[];
  /**
   * Whether every open of a partition opens the whole disk (->open and
   * bd_openers++ each time, 6.11+), or only its first opener (up to 6.10).
   */
  readonly partitionOpensEach: boolean;
  /** Whether the strategy's ->open refuses Lo_rundown (then an admitted open counted in Lo_rundown is flagged). */
  readonly openRefusesRundown: boolean;
  /** Steps other threads may take inside one stall window (-1: unbounded, no window fields). */
  readonly windowSteps: number;
  /**
   * Whether some thread can issue LOOP_CTL_REMOVE: only then does each device
   * carry its `removal` field (so models without a remove keep their layout).
   */
  readonly removes: boolean;
}

/** One system call a thread can issue: a program plus its static arguments. */
export interface SyscallItem {
  readonly name: string;
  readonly fn: Fn;
  /** Device argument (index) or -1. */
  readonly dev: number;
  /** Fd slot argument or -1. */
  readonly fd: number;
  /** Second fd slot (backing fd) or -1; -2 = a regular file. */
  readonly fd2: number;
  /** Partition number of the device argument (0 = the whole disk). */
  readonly part: number;
  /** LOOP_CONFIGURE flags as lo_flags bits (FLAG_*), 0 for the other calls. */
  readonly flags: number;
  /** Initial frame registers. */
  readonly regs: readonly [number, number, number];
  /** Explore only: whether the program would issue this call now (its own knowledge of its fds/mounts). */
  readonly pre?: (m: Machine, d: Uint8Array, t: number) => boolean;
}

const owners = (threads: number): string[] => ['free', ...Array.from({ length: threads }, (_, t) => threadName(t))];
const range = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i));

export class Machine {
  readonly D: number;
  readonly NF: number;
  readonly T: number;
  readonly S: number;
  readonly K: number;
  // device fields
  readonly st: number[] = [];
  readonly ac: number[] = [];
  readonly ro: number[] = [];
  readonly bf: number[] = [];
  readonly lm: number[] = [];
  readonly om: number[] = [];
  readonly op: number[] = [];
  readonly mnt: number[] = [];
  /** LO_FLAGS_PARTSCAN, partition p1 present, bd_openers(p1), mount of p1. */
  readonly ps: number[] = [];
  /** GD_NEED_PART_SCAN: set by disk_force_media_change, cleared by a rescan that runs. */
  readonly ns: number[] = [];
  readonly part: number[] = [];
  readonly pop: number[] = [];
  readonly pmnt: number[] = [];
  /** Page caches: the whole disk's bdev mapping and p1's. */
  readonly pc: number[] = [];
  readonly ppc: number[] = [];
  /** The queue freeze, a lock-like resource: 0 or the freezing thread + 1. */
  readonly qf: number[] = [];
  /** LOOP_CTL_REMOVE progress per device (RM_*); empty unless shape.removes. */
  readonly rm: number[] = [];
  readonly extra: Record<string, number[]> = {};
  vm = -1;
  // struct files
  readonly fdev: number[] = [];
  readonly fref: number[] = [];
  /** Partition of the file's bdev (0 = whole disk). */
  readonly fpart: number[] = [];
  // fd tables: fd[table][slot]
  readonly fd: number[][] = [];
  readonly tableOf: readonly number[];
  /** Whether thread t's fd table is shared with another thread (fdget then takes a reference). */
  readonly shared: boolean[];
  // threads
  readonly done: number[] = [];
  readonly cur: number[] = [];
  readonly frames: number[] = [];
  /** Per thread (when windows are bounded): 0 = no open stall window, 1 + n = open with n steps of other threads inside. */
  readonly window: number[] = [];
  /** Per thread, TASK_WORK slots of queued file releases (file codes; slot 0 is the oldest). */
  readonly taskWork: number[][] = [];
  // ghosts
  bugOn = -1;
  walkUnsafe = -1;
  stackedIo = -1;
  mountIo = -1;
  wrongData = -1;
  admittedRundown = -1;

  /** Syscall items per thread (script or menu), set by the model builder. */
  items: SyscallItem[][] = [];
  /** The block layer's release path, set by the driver. */
  blkdevRelease!: Fn;
  /** bdev_disk_changed (the partition rescan), set by the driver. */
  partRescan!: Fn;

  readonly decls: FieldDecl[] = [];
  private readonly pcSlots: number[] = [];
  layout!: Layout;
  linked!: Linked;

  constructor(readonly shape: Shape) {
    const D = (this.D = shape.devices);
    const NF = (this.NF = shape.files);
    const T = (this.T = shape.tableOf.length);
    this.S = shape.depth;
    this.K = shape.slots;
    this.tableOf = shape.tableOf;
    this.shared = shape.tableOf.map((p) => shape.tableOf.filter((q) => q === p).length > 1);
    const devs = ['none', ...range(D).map((x) => devName(+x))];
    const files = ['NULL', 'regular', ...range(NF).map((i) => fileName(+i))];
    const add = (d: FieldDecl): number => {
      this.decls.push(d);
      return this.decls.length - 1;
    };
    for (let x = 0; x < D; x++) {
      const group = `device ${devName(x)}`;
      this.st.push(add({ name: F.state(x), domain: 4, values: [...LO_STATE_NAMES], group }));
      this.ac.push(add({ name: F.autoclear(x), domain: 2, group }));
      this.ro.push(add({ name: F.readOnly(x), domain: 2, group }));
      this.bf.push(add({ name: F.backing(x), domain: NF + 2, values: files, group }));
      this.lm.push(add({ name: F.loMutex(x), domain: T + 1, values: owners(T), group: 'locks' }));
      this.om.push(add({ name: F.openMutex(x), domain: T + 1, values: owners(T), group: 'locks' }));
      this.op.push(add({ name: F.openers(x), domain: shape.maxOpeners + 1, group }));
      this.mnt.push(add({ name: F.mount(x), domain: 4, values: [...MNT_NAMES], group }));
      this.ps.push(add({ name: F.partscan(x), domain: 2, group }));
      this.ns.push(add({ name: F.needScan(x), domain: 2, group }));
      this.pc.push(add({ name: F.cache(x), domain: 3, values: [...PC_NAMES], group }));
      const pgroup = `partition ${devName(x)}p1`;
      this.part.push(add({ name: F.part(x), domain: 2, group: pgroup }));
      this.pop.push(add({ name: F.partOpeners(x), domain: shape.maxOpeners + 1, group: pgroup }));
      this.pmnt.push(add({ name: F.partMount(x), domain: 4, values: [...MNT_NAMES], group: pgroup }));
      this.ppc.push(add({ name: F.partCache(x), domain: 3, values: [...PC_NAMES], group: pgroup }));
      this.qf.push(add({ name: F.freeze(x), domain: T + 1, values: owners(T), group: 'locks' }));
      if (shape.removes) this.rm.push(add({ name: F.removal(x), domain: REMOVAL_NAMES.length, values: [...REMOVAL_NAMES], group }));
      for (const e of shape.extraDeviceFields) {
        const owner = e.domain === 'owner';
        (this.extra[e.name] ??= []).push(
          add({ name: `${devName(x)}.${e.name}`, domain: owner ? T + 1 : (e.domain as number), values: owner ? owners(T) : e.values, group: owner ? 'locks' : group }),
        );
      }
    }
    this.vm = add({ name: F.vm, domain: T + 1, values: owners(T), group: 'locks' });
    for (let i = 0; i < NF; i++) {
      const group = `file ${fileName(i)}`;
      this.fdev.push(add({ name: F.fileBdev(i), domain: D + 1, values: devs, group }));
      this.fref.push(add({ name: F.fileCount(i), domain: shape.maxRefs + 1, group }));
      this.fpart.push(add({ name: F.filePart(i), domain: 2, values: ['whole disk', 'p1'], group }));
    }
    const tables = Math.max(...shape.tableOf) + 1;
    for (let p = 0; p < tables; p++) {
      const users = shape.tableOf.map((q, t) => (q === p ? threadName(t) : '')).filter(Boolean).join('+');
      const row: number[] = [];
      for (let k = 0; k < shape.slots; k++) {
        row.push(add({ name: F.fd(p, k), domain: NF + 2, values: files, group: `fd table P${p + 1} (${users})` }));
      }
      this.fd.push(row);
    }
    for (let t = 0; t < T; t++) {
      const group = `thread ${threadName(t)}`;
      this.done.push(add({ name: F.done(t), domain: shape.doneDomain[t], group }));
      this.cur.push(
        add({ name: F.cur(t), domain: shape.itemNames[t].length + 1, values: ['idle', ...shape.itemNames[t]], group }),
      );
      if (shape.windowSteps >= 0) this.window.push(add({ name: F.stallWindow(t), domain: shape.windowSteps + 2, group }));
      this.taskWork.push(
        Array.from({ length: TASK_WORK }, (_, k) => add({ name: F.taskWork(t, k), domain: NF + 2, values: files, group })),
      );
      for (let s = 0; s < this.S; s++) {
        const pc = add({ name: F.frame(t, s, 'pc'), domain: 1, group, quiet: true });
        if (s === 0) this.frames.push(pc);
        this.pcSlots.push(pc);
        add({ name: F.frame(t, s, 'dev'), domain: D + 1, values: devs, group, quiet: true });
        add({ name: F.frame(t, s, 'file'), domain: NF + 2, values: files, group, quiet: true });
        add({ name: F.frame(t, s, 'r'), domain: shape.regDomain, group, quiet: true });
      }
    }
    this.bugOn = add({ name: F.bugOn, domain: 2, group: 'ghost' });
    this.walkUnsafe = add({ name: F.walkUnsafe, domain: 2, group: 'ghost' });
    this.stackedIo = add({ name: F.stackedIoFailed, domain: 2, group: 'ghost' });
    this.mountIo = add({ name: F.mountIoFailed, domain: 2, group: 'ghost' });
    this.wrongData = add({ name: F.wrongData, domain: 2, group: 'ghost' });
    this.admittedRundown = add({ name: F.admittedRundown, domain: 2, group: 'ghost' });
  }

  /** Link-time: give pc fields their domain and names, and build the layout. */
  finish(linked: Linked): void {
    this.linked = linked;
    for (const i of this.pcSlots) {
      const d = this.decls[i];
      this.decls[i] = { ...d, domain: linked.names.length, values: [...linked.names] };
    }
    this.layout = new Layout(this.decls);
  }

  // ---- primitives used by step closures (hot path: no allocation) ----

  /** Take a mutex; false (and nothing written) if another owner holds it. */
  acquire(d: Uint8Array, lock: number, t: number): boolean {
    if (d[lock] !== 0) return false;
    d[lock] = t + 1;
    return true;
  }

  release(d: Uint8Array, lock: number): void {
    d[lock] = 0;
  }

  go(d: Uint8Array, fr: number, to: Ref): true {
    d[fr] = to.pc;
    return true;
  }

  next(d: Uint8Array, fr: number): true {
    d[fr]++;
    return true;
  }

  /** Call `fn` with registers; the caller resumes at `cont`. */
  call(d: Uint8Array, t: number, fr: number, fn: Fn, cont: Ref, dev: number, file: number, r: number): true {
    const nf = fr + FRAME;
    if (nf >= this.frames[t] + this.S * FRAME) throw new Error(`${threadName(t)}: call stack deeper than ${this.S} frames`);
    d[fr] = cont.pc;
    d[nf] = fn.entry;
    d[nf + DEV] = dev;
    d[nf + FILE] = file;
    d[nf + REG] = r;
    return true;
  }

  /** Call `fn` with registers; the caller resumes at its next step. */
  callNext(d: Uint8Array, t: number, fr: number, fn: Fn, dev: number, file: number, r: number): true {
    const nf = fr + FRAME;
    if (nf >= this.frames[t] + this.S * FRAME) throw new Error(`${threadName(t)}: call stack deeper than ${this.S} frames`);
    d[fr]++;
    d[nf] = fn.entry;
    d[nf + DEV] = dev;
    d[nf + FILE] = file;
    d[nf + REG] = r;
    return true;
  }

  /**
   * The end of __loop_clr_fd's detach, shared by every strategy's teardown:
   * invalidate_disk drops the whole disk's page cache (capacity 0 comes with
   * lo_backing_file := NULL), disk_force_media_change sets GD_NEED_PART_SCAN,
   * then, if LO_FLAGS_PARTSCAN, the partition rescan runs (bdev_disk_changed,
   * taking open_mutex unless this thread holds it) before the next step;
   * PARTSCAN is cleared with the other lo_flags.
   */
  afterDetach(d: Uint8Array, t: number, fr: number): true {
    const i = d[fr + DEV] - 1;
    d[this.pc[i]] = PC_NONE;
    d[this.ns[i]] = 1;
    if (d[this.ps[i]] === 0) return this.next(d, fr);
    d[this.ps[i]] = 0;
    return this.callNext(d, t, fr, this.partRescan, d[fr + DEV], 0, 0);
  }

  /** Replace the current frame by a call to `fn` (the caller had nothing left to do). */
  tail(d: Uint8Array, fr: number, fn: Fn, dev: number, file: number, r: number): true {
    d[fr] = fn.entry;
    d[fr + DEV] = dev;
    d[fr + FILE] = file;
    d[fr + REG] = r;
    return true;
  }

  /**
   * Return from the current frame (zeroing it). Popping the bottom frame
   * returns to user space: queued task work runs first (the newest queued
   * release becomes the bottom frame), and the system call ends only when
   * none is left.
   */
  ret(d: Uint8Array, t: number, fr: number): true {
    if (fr === this.frames[t]) {
      const tw = this.taskWork[t];
      for (let k = TASK_WORK - 1; k >= 0; k--) {
        const code = d[tw[k]];
        if (code === 0) continue;
        d[tw[k]] = 0;
        return this.tail(d, fr, this.blkdevRelease, d[this.fdev[fileSlot(code)]], code, 0);
      }
    }
    d[fr] = 0;
    d[fr + DEV] = 0;
    d[fr + FILE] = 0;
    d[fr + REG] = 0;
    if (fr === this.frames[t]) {
      d[this.cur[t]] = 0;
      d[this.done[t]]++;
    }
    return true;
  }

  /** Return a value into the caller's r register. */
  retVal(d: Uint8Array, t: number, fr: number, v: number): true {
    this.ret(d, t, fr);
    if (fr !== this.frames[t]) d[fr - FRAME + REG] = v;
    return true;
  }

  /**
   * fput(code): drop one reference; the last reference of a loop device's
   * struct file queues its release (blkdev_release) as task work of this
   * thread, run at the return to user space. Continue at `cont`, or return
   * from the current frame if `cont` is null.
   */
  fput(d: Uint8Array, t: number, fr: number, code: number, cont: Ref | null): true {
    if (isFileSlot(code) && --d[this.fref[fileSlot(code)]] === 0) {
      const tw = this.taskWork[t];
      let k = 0;
      while (k < TASK_WORK && d[tw[k]] !== 0) k++;
      if (k === TASK_WORK) throw new Error(`${threadName(t)}: more than ${TASK_WORK} deferred fputs queued: model bound too small`);
      d[tw[k]] = code;
    }
    return cont ? this.go(d, fr, cont) : this.ret(d, t, fr);
  }

  /** fget: take a reference to the file in an fd slot (0 if the slot is empty). */
  fget(d: Uint8Array, t: number, slot: number): number {
    const code = d[this.fd[this.tableOf[t]][slot]];
    if (isFileSlot(code)) d[this.fref[fileSlot(code)]]++;
    return code;
  }

  fdRead(d: Uint8Array, t: number, slot: number): number {
    return d[this.fd[this.tableOf[t]][slot]];
  }

  /** Allocate the lowest free struct file slot for device x (partition `part`, 0 = whole disk; refcount 1). */
  newFile(d: Uint8Array, x: number, part = 0): number {
    for (let i = 0; i < this.NF; i++) {
      if (d[this.fdev[i]] === 0) {
        d[this.fdev[i]] = x + 1;
        d[this.fref[i]] = 1;
        d[this.fpart[i]] = part;
        return i + 2;
      }
    }
    throw new Error(`struct file table exhausted (${this.NF} slots): model bound too small`);
  }

  /** Whether device i's disk was deleted by LOOP_CTL_REMOVE (del_gendisk; freed or not): the block layer refuses every new open of it. */
  diskDeleted(d: Uint8Array, i: number): boolean {
    return this.rm.length > 0 && d[this.rm[i]] >= RM_DELETED;
  }

  /**
   * Whether anything holds device i open: a struct file of it or of its
   * partition, a mount of either, or a count in their bd_openers.
   */
  hasOpener(d: Uint8Array, i: number): boolean {
    if (d[this.op[i]] > 0 || d[this.pop[i]] > 0 || d[this.mnt[i]] !== MNT_NONE || d[this.pmnt[i]] !== MNT_NONE) return true;
    for (let f = 0; f < this.NF; f++) if (d[this.fdev[f]] === i + 1) return true;
    return false;
  }

  /** The current syscall item of thread t. */
  item(d: Uint8Array, t: number): SyscallItem {
    return this.items[t][d[this.cur[t]] - 1];
  }

  // ---- label helpers (may allocate) ----
  dn(code: number): string {
    return code === 0 ? 'none' : devName(code - 1);
  }

  fnm(code: number): string {
    return fileRefName(code);
  }
}

// Value encodings of the loop model's state vector.
//
// Exists so the model, the strategies and the invariants in specs/loop agree
// on what each byte means without importing each other's internals. Every
// field is one byte with a tight domain; 0 always means "nothing" so that a
// zeroed (popped) call frame and a free lock read the same everywhere.

/** lo_state values (the kernel enum, same order). */
export const Lo_unbound = 0;
export const Lo_bound = 1;
export const Lo_rundown = 2;
export const Lo_deleting = 3;
export const LO_STATE_NAMES = ['Lo_unbound', 'Lo_bound', 'Lo_rundown', 'Lo_deleting'] as const;

/**
 * File references (lo_backing_file, fd-table slots, frame `file` registers):
 * 0 = none (NULL), 1 = a regular file (not modelled as an object), 2+i = struct file slot i.
 */
export const FILE_NONE = 0;
export const FILE_REGULAR = 1;
export const fileCode = (slot: number): number => slot + 2;
export const fileSlot = (code: number): number => code - 2;
export const isFileSlot = (code: number): boolean => code >= 2;

/** Device references (frame `dev` register, struct file bdev): 0 = none, 1+x = device x. */
export const DEV_NONE = 0;
export const devCode = (x: number): number => x + 1;

/** Lock owners: 0 = free, 1+t = thread t. */
export const FREE = 0;
export const owner = (t: number): number => t + 1;

/** Mount of a device (its exclusive opener): none, opening (claimed, superblock not yet read), mounted, closing (umount in progress). */
export const MNT_NONE = 0;
export const MNT_OPENING = 1;
export const MNT_MOUNTED = 2;
export const MNT_CLOSING = 3;
export const MNT_NAMES = ['none', 'opening', 'mounted', 'closing'] as const;

/**
 * A page cache (a whole disk's or a partition's bdev mapping) holds the one
 * block the model reads: nothing, the backing file's data, or zeros (filled in
 * by a loop worker's short read of a torn-down lower device).
 */
export const PC_NONE = 0;
export const PC_DATA = 1;
export const PC_ZEROS = 2;
export const PC_NAMES = ['none', 'data', 'zeros'] as const;

/**
 * What a read returns (models/loop/driver/read-path.ts): the backing file's
 * data, zeros, 0 bytes (capacity 0), or -EIO decided by the device read itself
 * (EIO_TOP) or by a device below it in its stacking chain (EIO_LOWER).
 */
export const RD_DATA = 0;
export const RD_ZEROS = 1;
export const RD_EMPTY = 2;
export const RD_EIO_TOP = 3;
export const RD_EIO_LOWER = 4;
export const readOutcome = (r: number): string =>
  r === RD_DATA ? 'ok:pattern' : r === RD_ZEROS ? 'ok:zeros' : r === RD_EMPTY ? 'ok:empty' : '-EIO';

/** Partition p1 of a device (the backing image has one partition): none, or present in the partition table. */
export const PART_NONE = 0;
export const PART_PRESENT = 1;

/**
 * A device's removal by LOOP_CTL_REMOVE (a field only models whose scenario
 * removes a device have): visible in loop_index_idr; hidden from it by a
 * loop_control_remove in progress; deleted — del_gendisk unhashed the disk's
 * bdev inode under open_mutex, so no open finds the device again, but its
 * memory lives on; freed — the loop device's memory is gone (kfree in
 * v5.17's loop_remove, ->free_disk at the disk's last reference from v5.19).
 * The model keeps a freed device as a tombstone: its fields stay, and
 * whatever still reaches them is a use-after-free (no-free-with-opener).
 */
export const RM_VISIBLE = 0;
export const RM_HIDDEN = 1;
export const RM_DELETED = 2;
export const RM_FREED = 3;
export const REMOVAL_NAMES = ['visible', 'hidden', 'deleted', 'freed'] as const;

/** Device names: A, B, C, ... */
export const devName = (x: number): string => String.fromCharCode(65 + x);
export const threadName = (t: number): string => `T${t + 1}`;
export const fileName = (slot: number): string => `f${slot}`;

export function fileRefName(code: number): string {
  if (code === FILE_NONE) return 'NULL';
  if (code === FILE_REGULAR) return 'regular file';
  return fileName(fileSlot(code));
}

/** Field names, the contract between the model and specs/loop. */
export const F = {
  state: (x: number) => `${devName(x)}.lo_state`,
  autoclear: (x: number) => `${devName(x)}.AUTOCLEAR`,
  readOnly: (x: number) => `${devName(x)}.READ_ONLY`,
  backing: (x: number) => `${devName(x)}.lo_backing_file`,
  loMutex: (x: number) => `${devName(x)}.lo_mutex`,
  openMutex: (x: number) => `${devName(x)}.open_mutex`,
  openers: (x: number) => `${devName(x)}.bd_openers`,
  mount: (x: number) => `${devName(x)}.mount`,
  partscan: (x: number) => `${devName(x)}.PARTSCAN`,
  needScan: (x: number) => `${devName(x)}.GD_NEED_PART_SCAN`,
  part: (x: number) => `${devName(x)}p1.present`,
  partOpeners: (x: number) => `${devName(x)}p1.bd_openers`,
  partMount: (x: number) => `${devName(x)}p1.mount`,
  cache: (x: number) => `${devName(x)}.page_cache`,
  partCache: (x: number) => `${devName(x)}p1.page_cache`,
  removal: (x: number) => `${devName(x)}.removal`,
  filePart: (i: number) => `${fileName(i)}.partition`,
  freeze: (x: number) => `${devName(x)}.freeze`,
  vm: 'loop_validate_mutex',
  fileBdev: (i: number) => `${fileName(i)}.bdev`,
  fileCount: (i: number) => `${fileName(i)}.f_count`,
  fd: (p: number, k: number) => `P${p + 1}.fd${k}`,
  done: (t: number) => `${threadName(t)}.done`,
  cur: (t: number) => `${threadName(t)}.syscall`,
  taskWork: (t: number, k: number) => `${threadName(t)}.task_work${k}`,
  stallWindow: (t: number) => `${threadName(t)}.stall_window`,
  frame: (t: number, s: number, reg: 'pc' | 'dev' | 'file' | 'r') => `${threadName(t)}.s${s}.${reg}`,
  bugOn: 'ghost.BUG_ON',
  walkUnsafe: 'ghost.walk_unsafe',
  stackedIoFailed: 'ghost.stacked_io_failed',
  mountIoFailed: 'ghost.mount_io_failed',
  wrongData: 'ghost.read_wrong_data',
  admittedRundown: 'ghost.open_counted_in_rundown',
} as const;

/** Name prefix every __loop_clr_fd pc value carries (single-teardown scans frames for it). */
export const TEARDOWN_FN = '__loop_clr_fd';

// C reproducers of a counterexample's system calls, for a real machine.
//
// Exists for issue #12's "counterexamples you can run": one pthread per model
// thread (threads of separate fd tables stand for separate processes: each
// table is its own fd array), the scenario's initial state on fresh loop
// devices, then the trace's calls.
//  - serial: a turn counter makes the calls run in exactly the trace's order,
//    so the outcome is deterministic; the program says whether the bad outcome
//    happened (exit 0 reproduced, 1 not, 2 could not set up).
//  - race: the threads are released together at a barrier, over and over on
//    fresh devices, bounded by iterations and seconds; it prints how often the
//    bad outcome was hit as hits/iterations (a hit is not required).
// The input is plain data so the model side can fill it from a trace.

import { probeCallName as callName } from '../call-name.js';
import type { ProbeOp } from '../probe-plan.js';
import type { InitDesc } from '../../../models/loop/scenarios/types.js';
import { C_EMIT } from './emit.js';
import { C_PCALL, cCallRow, cOpEnum, cOpHandlers } from './ops.js';
import { C_COMMON, C_SETUP, cHeaders } from './runtime.js';
import { LIMITS, initTables } from './tables.js';

export interface ReproducerCall {
  readonly thread: number;
  readonly call: ProbeOp;
}

export interface ReproducerSpec {
  readonly scenario: string;
  readonly devices: number;
  /** Fd table of each model thread. */
  readonly tableOf: readonly number[];
  readonly slots: number;
  readonly init: InitDesc;
  /** The trace's system calls in trace order. */
  readonly calls: readonly ReproducerCall[];
  /** The bad outcome: each listed call (index into `calls`) returns this outcome string. */
  readonly bad: readonly { readonly call: number; readonly outcome: string }[];
  readonly mode: { readonly kind: 'serial' } | { readonly kind: 'race'; readonly iterations: number; readonly seconds: number };
  /** Lines for the header comment (what the trace shows, its racing window). */
  readonly notes?: readonly string[];
  /** Where the program keeps its backing file and mount points on the target machine. */
  readonly workDir?: string;
}

const cString = (s: string): string => JSON.stringify(s);

const C_REPRO_MAIN = `\
static void out(const char *fmt, ...);
static struct ctx C;
static char outcome[NCALLS][64];
static volatile int serial_mode = SERIAL;
static int turn;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t start;

static void *thread_main(void *arg)
{
\tint t = (int)(intptr_t)arg;
\tpthread_barrier_wait(&start);
\tfor (int i = 0; i < NCALLS; i++) {
\t\tif (calls[i].thread != t) continue;
\t\tif (serial_mode) {
\t\t\tpthread_mutex_lock(&mu);
\t\t\twhile (turn != i) pthread_cond_wait(&cv, &mu);
\t\t\tpthread_mutex_unlock(&mu);
\t\t}
\t\terrno = 0;
\t\top_table[calls[i].op](&C, &calls[i], outcome[i]);
\t\tif (serial_mode) {
\t\t\tpthread_mutex_lock(&mu);
\t\t\tturn = i + 1;
\t\t\tpthread_cond_broadcast(&cv);
\t\t\tpthread_mutex_unlock(&mu);
\t\t}
\t}
\treturn NULL;
}

/* One run on fresh devices: 1 the bad outcome happened, 0 not, -1 set-up failed. */
static int one_round(void)
{
\tctx_init(&C, NDEV, NTAB, NSLOT);
\tconst char *why = add_devices(&C);
\tif (!why) why = apply_init(&C, &init);
\tif (why) { out("set-up failed: %s", why); clean_up(&C); return -1; }
\tturn = 0;
\tfor (int i = 0; i < NCALLS; i++) strcpy(outcome[i], "(not run)");
\tpthread_t th[NTHREADS];
\tpthread_barrier_init(&start, NULL, NTHREADS);
\tfor (int t = 0; t < NTHREADS; t++) pthread_create(&th[t], NULL, thread_main, (void *)(intptr_t)t);
\tfor (int t = 0; t < NTHREADS; t++) pthread_join(th[t], NULL);
\tpthread_barrier_destroy(&start);
\tint hit = NBAD > 0;
\tfor (int b = 0; b < NBAD; b++)
\t\tif (strcmp(outcome[bad[b].call], bad[b].outcome) != 0) hit = 0;
\tclean_up(&C);
\treturn hit;
}

/* Output: plain stdout, or with -c ID console records "R ID <line>" and "X ID <exit code>" (conform's VM runs). */
static int console_id = -1;
static void out(const char *fmt, ...)
{
\tchar line[1024];
\tva_list ap;
\tva_start(ap, fmt);
\tvsnprintf(line, sizeof line, fmt, ap);
\tva_end(ap);
\tif (console_id >= 0) emit("R %d %s", console_id, line);
\telse printf("%s\\n", line);
}
static int finish(int code)
{
\tif (console_id >= 0) { emit("X %d %d", console_id, code); tcdrain(1); }
\tunlink(BACKING);
\treturn code;
}

/* The backing file; with an image path (-i), an empty minix image is copied instead of running mkfs.minix. */
static const char *prepare(const char *image)
{
\tmkdir(MNT_ROOT, 0755);
\tint fd = open(BACKING, O_RDWR | O_CREAT | O_TRUNC, 0644);
\tif (fd < 0 || ftruncate(fd, IMG_SIZE) < 0) return "create the backing file";
\tif (NEED_FS && image) {
\t\tint in = open(image, O_RDONLY);
\t\tstatic unsigned char buf[IMG_SIZE];
\t\tif (in < 0 || read(in, buf, IMG_SIZE) != IMG_SIZE || pwrite(fd, buf, IMG_SIZE, 0) != IMG_SIZE) return "copy the minix image";
\t\tclose(in);
\t}
\tclose(fd);
\tif (NEED_FS) {
\t\tif (!image && system("mkfs.minix " BACKING " >/dev/null 2>&1") != 0) return "mkfs.minix (util-linux) failed";
\t\treturn prepare_backing();
\t}
\treturn finish_image();
}

int main(int argc, char **argv)
{
\tconst char *image = NULL;
\tfor (int i = 1; i + 1 < argc; i += 2) {
\t\tif (strcmp(argv[i], "-c") == 0) console_id = atoi(argv[i + 1]);
\t\telse if (strcmp(argv[i], "-i") == 0) image = argv[i + 1];
\t}
\tif (geteuid() != 0) { out("run as root: the reproducer creates loop devices"); return finish(2); }
\tctl_fd = open("/dev/loop-control", O_RDWR);
\tif (ctl_fd < 0) { out("/dev/loop-control: %s (modprobe loop)", errname(errno)); return finish(2); }
\tconst char *why = prepare(image);
\tif (why) { out("%s", why); return finish(2); }
\tif (SERIAL) {
\t\tint r = one_round();
\t\tif (r < 0) return finish(2);
\t\tfor (int i = 0; i < NCALLS; i++) out("T%d %s => %s", calls[i].thread + 1, call_names[i], outcome[i]);
\t\tout("%s: %s", r ? "REPRODUCED" : "not reproduced", BAD_TEXT);
\t\treturn finish(r ? 0 : 1);
\t}
\tint hits = 0, runs = 0;
\ttime_t until = time(NULL) + RACE_SECONDS;
\twhile (runs < RACE_ITERATIONS && time(NULL) < until) {
\t\tint r = one_round();
\t\tif (r < 0) return finish(2);
\t\truns++;
\t\thits += r;
\t}
\tout("%d/%d hits: %s", hits, runs, BAD_TEXT);
\treturn finish(0);
}
`;

function check(spec: ReproducerSpec): void {
  const tables = Math.max(0, ...spec.tableOf) + 1;
  if (spec.devices > LIMITS.devices || tables > LIMITS.tables || spec.slots > LIMITS.slots)
    throw new Error(`reproducer ${spec.scenario}: at most ${LIMITS.devices} devices, ${LIMITS.tables} fd tables, ${LIMITS.slots} slots`);
  for (const c of spec.calls)
    if (c.thread < 0 || c.thread >= spec.tableOf.length) throw new Error(`reproducer ${spec.scenario}: call of unknown thread T${c.thread + 1}`);
  for (const b of spec.bad)
    if (b.call < 0 || b.call >= spec.calls.length) throw new Error(`reproducer ${spec.scenario}: bad outcome names call ${b.call}, which the trace does not have`);
}

/** The reproducer's C source (compile with `gcc -static -O1 -pthread`). */
export function generateReproducer(spec: ReproducerSpec): string {
  check(spec);
  const dir = spec.workDir ?? '/tmp/loopcheck-repro';
  const badText = spec.bad.map((b) => `${callName(spec.calls[b.call].call)} (call ${b.call + 1}) => ${b.outcome}`).join(' and ') || '(no bad outcome given)';
  const serial = spec.mode.kind === 'serial';
  const header = [
    `/* loopcheck reproducer: scenario ${spec.scenario}, ${serial ? 'syscall-serial trace (runs once, in trace order)' : 'racing trace (threads released together, repeated)'}.`,
    ` * Build: gcc -static -O1 -pthread -o repro repro.c   Run as root (creates loop devices at free indices from 16).`,
    ` * Bad outcome: ${badText.replace(/\*\//g, '* /')}`,
    ...(spec.notes ?? []).map((n) => ` * ${n.replace(/\*\//g, '* /')}`),
    ' * Trace:',
    ...spec.calls.map((c, i) => ` *   ${i + 1}. T${c.thread + 1} ${callName(c.call)}`),
    ' */',
    '',
  ].join('\n');
  const usesFs = spec.calls.some((c) => c.call.op === 'mount' || c.call.op === 'mount_read' || c.call.op === 'umount');
  const defs = [
    `#define NDEV ${spec.devices}`,
    `#define NTAB ${Math.max(0, ...spec.tableOf) + 1}`,
    `#define NSLOT ${spec.slots}`,
    `#define NTHREADS ${spec.tableOf.length}`,
    `#define NCALLS ${spec.calls.length}`,
    `#define NBAD ${spec.bad.length}`,
    `#define SERIAL ${serial ? 1 : 0}`,
    `#define NEED_FS ${usesFs ? 1 : 0}`,
    `#define RACE_ITERATIONS ${spec.mode.kind === 'race' ? spec.mode.iterations : 1}`,
    `#define RACE_SECONDS ${spec.mode.kind === 'race' ? spec.mode.seconds : 0}`,
    `#define BAD_TEXT ${cString(badText)}`,
    '',
  ].join('\n');
  const data = [
    initTables('repro', spec.init),
    'static const struct init_desc init = repro_init;',
    `static const struct pcall calls[] = { ${spec.calls.map((c) => cCallRow(c.thread, spec.tableOf[c.thread], c.call)).join(',\n\t')} };`,
    `static const char *const call_names[] = { ${spec.calls.map((c) => cString(callName(c.call))).join(', ')} };`,
    `static const struct { int call; const char *outcome; } bad[] = { ${spec.bad.length > 0 ? spec.bad.map((b) => `{ ${b.call}, ${cString(b.outcome)} }`).join(', ') : '{ 0, "" }'} };`,
    '',
  ].join('\n');
  return [
    header,
    cHeaders({ backing: `${dir}-backing.img`, mntRoot: dir }),
    defs,
    cOpEnum(),
    C_COMMON,
    C_SETUP,
    C_PCALL,
    cOpHandlers(),
    C_EMIT,
    data,
    C_REPRO_MAIN,
  ].join('\n');
}

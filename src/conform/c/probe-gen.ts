// Generates the probe: one static C program that runs every schedule of
// every ProbeScenario on fresh loop devices and prints the observations on
// the console in the line protocol of ../kernel/protocol.ts.
//
// Exists so one boot per kernel covers a whole `conform` run: the schedules
// become data tables, executed by one interpreter loop that dispatches through
// the op table (ops.ts). Threads are emulated: a schedule is syscall-serial,
// so the process runs each call whole, in order, on the fd array of the
// calling thread's table.

import type { ProbeOp, ProbeScenario } from '../probe-plan.js';
import { C_PCALL, cCallRow, cOpEnum, cOpHandlers } from './ops.js';
import { C_COMMON, C_HEADERS, C_SETUP } from './runtime.js';
import { LIMITS, initTables } from './tables.js';
import { C_EMIT } from './emit.js';

const C_PROBE_TYPES = `\
struct sched { int id, ncalls; const struct pcall *calls; };
struct scenario {
\tconst char *name;
\tint devices, tables, slots;
\tstruct init_desc init;
\tint nsched;
\tconst struct sched *sched;
};
`;

/** Observation of every device of a schedule. */
const C_OBSERVE = `\
/* " backing/autoclear/open/partitions" per device, appended to out. */
static void observe(struct ctx *c, char *out, size_t cap)
{
\tfor (int d = 0; d < c->devices; d++) {
\t\tchar bf[256], ac[16], node[64], item[400], res[64];
\t\tconst char *b = "-";
\t\tchar other[260];
\t\tif (read_sysfs(c->idx[d], "backing_file", bf, sizeof bf) > 0) {
\t\t\tb = NULL;
\t\t\tif (strcmp(bf, BACKING) == 0) b = "R";
\t\t\tfor (int e = 0; e < c->devices && !b; e++) {
\t\t\t\tnode_of(node, c->idx[e]);
\t\t\t\tsize_t len = strlen(node);
\t\t\t\tif (strcmp(bf, node) == 0) { other[0] = (char)('A' + e); other[1] = 0; b = other; }
\t\t\t\telse if (strncmp(bf, node, len) == 0 && bf[len] == 'p') { snprintf(other, sizeof other, "%c%s", 'A' + e, bf + len); b = other; }
\t\t\t}
\t\t\tif (!b) {
\t\t\t\tsnprintf(other, sizeof other, "?%s", bf);
\t\t\t\tfor (char *q = other; *q; q++) if (*q == ' ') *q = '_';
\t\t\t\tb = other;
\t\t\t}
\t\t}
\t\tint autoclear = read_sysfs(c->idx[d], "autoclear", ac, sizeof ac) > 0 && ac[0] == '1';
\t\t/* Partitions are counted before the fresh open: that open would run a pending rescan (GD_NEED_PART_SCAN). */
\t\tint parts = 0;
\t\tfor (int k = 1; k <= 15; k++) {
\t\t\tchar sp[128];
\t\t\tsnprintf(sp, sizeof sp, "/sys/block/loop%d/loop%dp%d", c->idx[d], c->idx[d], k);
\t\t\tif (access(sp, F_OK) == 0) parts++;
\t\t}
\t\tnode_of(node, c->idx[d]);
\t\tint fd = open(node, O_RDONLY);
\t\tif (fd < 0) set_err(res, errno); else { strcpy(res, "ok"); close(fd); }
\t\tsnprintf(item, sizeof item, " %s/%d/%s/%d", b, autoclear, res, parts);
\t\tstrncat(out, item, cap - strlen(out) - 1);
\t}
}
`;

const C_PROBE_MAIN = `\
/* Guest uptime (seconds since the kernel started), to tell boot from probe time in the guest's own clock. */
static void emit_uptime(void)
{
\tchar buf[64] = "";
\tint fd = open("/proc/uptime", O_RDONLY);
\tif (fd < 0) return;
\tssize_t n = read(fd, buf, sizeof buf - 1);
\tclose(fd);
\tif (n <= 0) return;
\tbuf[n] = 0;
\tchar *sp = strchr(buf, ' ');
\tif (sp) *sp = 0;
\temit("H uptime %s", buf);
}

static int run_schedule(int si, const struct scenario *sc, const struct sched *sh)
{
\tstruct ctx c;
\tchar obs[1024];
\tctx_init(&c, sc->devices, sc->tables, sc->slots);
\tconst char *why = add_devices(&c);
\tif (!why) why = apply_init(&c, &sc->init);
\tif (why) {
\t\temit("F %d %d %s", si, sh->id, why);
\t\tclean_up(&c);
\t\treturn 0;
\t}
\tobs[0] = 0;
\tobserve(&c, obs, sizeof obs);
\temit("S %d %d%s", si, sh->id, obs);
\tfor (int i = 0; i < sh->ncalls; i++) {
\t\tconst struct pcall *p = &sh->calls[i];
\t\tchar out[64] = "?";
\t\terrno = 0;
\t\top_table[p->op](&c, p, out);
\t\tobs[0] = 0;
\t\tobserve(&c, obs, sizeof obs);
\t\temit("C %d %d %d %s%s", si, sh->id, i, out, obs);
\t}
\tint left = clean_up(&c);
\temit("E %d %d %d %d", si, sh->id, sh->ncalls, left);
\treturn 1;
}

int main(void)
{
\tstruct utsname u;
\temit("H start");
\temit_uptime();
\tif (uname(&u) == 0) emit("H release %s", u.release);
\tconst char *params[] = { "max_loop", "max_part", "hw_queue_depth" };
\tfor (unsigned i = 0; i < sizeof params / sizeof params[0]; i++) {
\t\tchar path[128], val[64] = "?";
\t\tsnprintf(path, sizeof path, "/sys/module/loop/parameters/%s", params[i]);
\t\tint fd = open(path, O_RDONLY);
\t\tif (fd >= 0) {
\t\t\tssize_t n = read(fd, val, sizeof val - 1);
\t\t\tclose(fd);
\t\t\tif (n > 0) { val[n] = 0; while (n > 0 && (val[n - 1] == '\\n')) val[--n] = 0; }
\t\t}
\t\temit("H param %s %s", params[i], val);
\t}
\tconst char *why = prepare_backing();
\tif (why) { emit("H fatal prepare: %s (%s)", why, errname(errno)); return 1; }
\tctl_fd = open("/dev/loop-control", O_RDWR);
\tif (ctl_fd < 0) { emit("H fatal open /dev/loop-control: %s", errname(errno)); return 1; }
\tint done = 0;
\tfor (int si = 0; si < NSCEN; si++) {
\t\temit("N %d %d %s", si, scenarios[si].nsched, scenarios[si].name);
\t\tfor (int k = 0; k < scenarios[si].nsched; k++) done += run_schedule(si, &scenarios[si], &scenarios[si].sched[k]);
\t}
\temit_uptime();
\temit("H done %d", done);
\ttcdrain(1); /* let the serial line drain before /init powers off (late kernel messages must not cut a record) */
\treturn 0;
}
`;

function checkScenario(sc: ProbeScenario<ProbeOp>): void {
  if (!/^[A-Za-z0-9._-]+$/.test(sc.name)) throw new Error(`scenario name ${JSON.stringify(sc.name)} must be letters, digits, '.', '_' or '-'`);
  if (sc.devices > LIMITS.devices || sc.tables > LIMITS.tables || sc.slots > LIMITS.slots)
    throw new Error(`scenario ${sc.name}: at most ${LIMITS.devices} devices, ${LIMITS.tables} fd tables, ${LIMITS.slots} slots`);
}

/** The probe's C source for these scenarios. */
export function generateProbe(scenarios: readonly ProbeScenario<ProbeOp>[]): string {
  const parts: string[] = [C_HEADERS, cOpEnum(), C_COMMON, C_SETUP, C_PCALL, C_PROBE_TYPES, cOpHandlers()];
  parts.push(C_EMIT, C_OBSERVE);
  const scenRows: string[] = [];
  scenarios.forEach((sc, si) => {
    checkScenario(sc);
    const p = `sc${si}`;
    parts.push(initTables(p, sc.init));
    const schedRows: string[] = [];
    for (const sh of sc.schedules) {
      const rows = sh.calls.map((pc) => cCallRow(pc.thread, pc.table, pc.call));
      parts.push(`static const struct pcall ${p}_s${sh.id}[] = { ${rows.length > 0 ? rows.join(', ') : '{ 0 }'} };\n`);
      schedRows.push(`{ ${sh.id}, ${sh.calls.length}, ${p}_s${sh.id} }`);
    }
    parts.push(`static const struct sched ${p}_sched[] = { ${schedRows.length > 0 ? schedRows.join(',\n\t') : '{ 0 }'} };\n`);
    scenRows.push(`{ "${sc.name}", ${sc.devices}, ${sc.tables}, ${sc.slots}, ${p}_init, ${sc.schedules.length}, ${p}_sched }`);
  });
  parts.push(`#define NSCEN ${scenarios.length}\nstatic const struct scenario scenarios[] = { ${scenRows.length > 0 ? scenRows.join(',\n\t') : '{ 0 }'} };\n`);
  parts.push(C_PROBE_MAIN);
  return parts.join('\n');
}

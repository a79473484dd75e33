// The fixed C text shared by the generated programs (probe and reproducers).
//
// Exists so the generators only emit data tables and a main(): everything
// that touches the kernel the same way each time lives here once — errno
// names, classifying read data, building the minix image on the backing
// file inside the guest, creating fresh loop devices and their initial state.

/** Name of the regular backing file (holds a minix image) and the file inside it. */
export const BACKING_PATH = '/backing.img';
export const DATA_NAME = 'data';
/** Size of the minix image made on the host; the backing file is twice that (the image, then partition 1). */
export const IMAGE_BYTES = 1024 * 1024;

/** Headers and constants; a reproducer running on a real machine uses other paths than the guest. */
export function cHeaders(paths: { readonly backing: string; readonly mntRoot: string } = { backing: BACKING_PATH, mntRoot: '/mnt' }): string {
  return `\
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <linux/loop.h>

#include <pthread.h>
#include <time.h>

#define BACKING "${paths.backing}"
#define MNT_ROOT "${paths.mntRoot}"
#define DATA_NAME "${DATA_NAME}"
#define FS_TYPE "minix"
#define IMG_SIZE ${IMAGE_BYTES}
#define BUFSZ 4096
#define MAXDEV 8
#define MAXTAB 8
#define MAXSLOT 8
`;
}

export const C_HEADERS = cHeaders();

/** Error names, read classification, the known patterns, preparing the backing image. */
export const C_COMMON = `\
static unsigned char dev_pattern[BUFSZ];  /* first BUFSZ bytes of the backing file */
static unsigned char part_pattern[BUFSZ]; /* first BUFSZ bytes of its partition 1 */
static unsigned char file_pattern[BUFSZ]; /* contents of DATA_NAME inside the image */

static const char *errname(int e)
{
\tstatic char buf[24];
\tconst char *n = strerrorname_np(e);
\tif (n) return n;
\tsnprintf(buf, sizeof buf, "E%d", e);
\treturn buf;
}

static void set_err(char *out, int e) { snprintf(out, 64, "-%s", errname(e)); }

/* Canonical outcome of a read: ok:pattern / ok:zeros / ok:empty / ok:other / -EXXX. */
static void classify(char *out, ssize_t n, int err, const unsigned char *buf, const unsigned char *pattern)
{
\tif (n < 0) { set_err(out, err); return; }
\tif (n == 0) { strcpy(out, "ok:empty"); return; }
\tif (memcmp(buf, pattern, (size_t)n) == 0) { strcpy(out, "ok:pattern"); return; }
\tfor (ssize_t i = 0; i < n; i++)
\t\tif (buf[i]) { strcpy(out, "ok:other"); return; }
\tstrcpy(out, "ok:zeros");
}

static unsigned char pattern_byte(unsigned i, unsigned seed)
{
\treturn (unsigned char)(((i * 131u) ^ (i >> 7) ^ (seed * 29u)) % 251u + 1u);
}

static void node_of(char *buf, int index) { sprintf(buf, "/dev/loop%d", index); }
static void mnt_of(char *buf, int index) { sprintf(buf, MNT_ROOT "/%d", index); }
/* Partition part (1..) of a device, or the whole device for part 0. */
static void part_node_of(char *buf, int index, int part) { if (part > 0) sprintf(buf, "/dev/loop%dp%d", index, part); else node_of(buf, index); }
static void part_mnt_of(char *buf, int index, int part) { if (part > 0) sprintf(buf, MNT_ROOT "/%dp%d", index, part); else mnt_of(buf, index); }

static int open_backing(int flags) { return open(BACKING, flags); }

/* Give the backing file its final layout: the minix image (IMG_SIZE bytes) copied
   once more behind itself as partition 1 of an MBR written into the first
   image's unused boot block, together with a byte pattern, so that a device
   read of offset 0 is recognisable and a partition scan finds one partition
   holding the same file system. Reads the first BUFSZ bytes back as dev_pattern. */
static const char *finish_image(void)
{
\tstatic unsigned char img[IMG_SIZE];
\tint fd = open(BACKING, O_RDWR);
\tif (fd < 0 || pread(fd, img, IMG_SIZE, 0) != IMG_SIZE) return "read the image";
\tif (pwrite(fd, img, IMG_SIZE, IMG_SIZE) != IMG_SIZE) return "write partition 1";
\tunsigned char boot[1024];
\tfor (unsigned i = 0; i < sizeof boot; i++) boot[i] = pattern_byte(i, 2);
\tmemset(boot + 446, 0, 64);
\tunsigned char *pe = boot + 446;           /* partition entry 1 */
\tpe[4] = 0x83;                             /* Linux */
\tuint32_t first = IMG_SIZE / 512, count = IMG_SIZE / 512;
\tmemcpy(pe + 8, &first, 4);
\tmemcpy(pe + 12, &count, 4);
\tboot[510] = 0x55; boot[511] = 0xaa;
\tif (pwrite(fd, boot, sizeof boot, 0) != (ssize_t)sizeof boot || fsync(fd) < 0) return "write boot block";
\tif (pread(fd, dev_pattern, BUFSZ, 0) != BUFSZ || pread(fd, part_pattern, BUFSZ, IMG_SIZE) != BUFSZ) return "read back";
\tclose(fd);
\treturn NULL;
}

/* Finish the backing file (an empty minix image made on the host with mkfs.minix):
   write DATA_NAME (file_pattern) into it, then finish_image(). Uses one loop
   device of its own, cleared afterwards.
   Returns NULL or a short reason. */
static const char *prepare_backing(void)
{
\tstatic char why[128];
\tfor (unsigned i = 0; i < BUFSZ; i++) file_pattern[i] = pattern_byte(i, 1);
\tmkdir(MNT_ROOT, 0755);
\tint ctl = open("/dev/loop-control", O_RDWR);
\tif (ctl < 0) return "open /dev/loop-control";
\tint n = ioctl(ctl, LOOP_CTL_GET_FREE);
\tclose(ctl);
\tif (n < 0) return "LOOP_CTL_GET_FREE";
\tchar node[64];
\tnode_of(node, n);
\tint dfd = open(node, O_RDWR), bfd = open(BACKING, O_RDWR);
\tif (dfd < 0 || bfd < 0 || ioctl(dfd, LOOP_SET_FD, bfd) < 0) {
\t\tsnprintf(why, sizeof why, "bind %s: %s", node, errname(errno));
\t\treturn why;
\t}
\tclose(bfd);
\tmkdir(MNT_ROOT "/setup", 0755);
\tif (mount(node, MNT_ROOT "/setup", FS_TYPE, 0, NULL) < 0) {
\t\tsnprintf(why, sizeof why, "mount minix: %s", errname(errno));
\t\treturn why;
\t}
\tint fd = open(MNT_ROOT "/setup/" DATA_NAME, O_WRONLY | O_CREAT | O_TRUNC, 0644);
\tif (fd < 0 || write(fd, file_pattern, BUFSZ) != BUFSZ || fsync(fd) < 0) return "write data file";
\tclose(fd);
\tif (umount2(MNT_ROOT "/setup", 0) < 0) return "umount setup";
\tioctl(dfd, LOOP_CLR_FD, 0);
\tclose(dfd);
\treturn finish_image();
}
`;

/**
 * Per-schedule context and initial state: fresh devices (LOOP_CTL_ADD at new
 * indices), struct files, bindings and fd tables as an InitDesc describes.
 */
export const C_SETUP = `\
struct init_bound { int dev; int file; int ro; int partscan; }; /* file -1: the regular backing file; partscan: bound with LOOP_CONFIGURE + LO_FLAGS_PARTSCAN */
struct init_fd { int table, slot, file; };
struct init_desc {
\tint nbound; const struct init_bound *bound;
\tint nfiles; const int *files;
\tint nfds; const struct init_fd *fds;
};

struct ctx {
\tint devices, tables, slots;
\tint idx[MAXDEV];
\tint fdt[MAXTAB][MAXSLOT];
\tint fdpart[MAXTAB][MAXSLOT]; /* partition the slot's fd was opened on (0: the whole device) */
\tint fddev[MAXTAB][MAXSLOT];  /* scenario device the slot's fd was opened on (-1: none known) */
\tint origin[MAXDEV];          /* where a bound device's data starts: 0 the image, 1 its partition 1 */
\tint extra[64]; int nextra; /* fds displaced from a slot, closed at clean-up */
\tint mounted[MAXDEV];
};

static int ctl_fd = -1;
static int next_index = 16;

static int slot_fd(struct ctx *c, int table, int slot)
{
\tif (table < 0 || table >= MAXTAB || slot < 0 || slot >= MAXSLOT) return -1;
\treturn c->fdt[table][slot];
}

static void set_slot(struct ctx *c, int table, int slot, int fd)
{
\tint old = c->fdt[table][slot];
\tif (old >= 0 && c->nextra < 64) c->extra[c->nextra++] = old;
\tc->fdt[table][slot] = fd;
\tc->fdpart[table][slot] = 0;
\tc->fddev[table][slot] = -1;
}

/* The data origin a backing fd gives the device bound to it: a slot's partition,
   the origin of the device the slot's fd is on, or the image itself (-1: the regular file). */
static int backing_origin(struct ctx *c, int table, int slot)
{
\tif (slot < 0) return 0;
\tif (c->fdpart[table][slot] > 0) return 1;
\tint d = c->fddev[table][slot];
\treturn d >= 0 ? c->origin[d] : 0;
}

/* The pattern a read through a slot's fd should return when the data is intact. */
static const unsigned char *slot_pattern(struct ctx *c, int table, int slot)
{
\treturn backing_origin(c, table, slot) ? part_pattern : dev_pattern;
}

static void ctx_init(struct ctx *c, int devices, int tables, int slots)
{
\tmemset(c, 0, sizeof *c);
\tc->devices = devices; c->tables = tables; c->slots = slots;
\tfor (int t = 0; t < MAXTAB; t++)
\t\tfor (int s = 0; s < MAXSLOT; s++) { c->fdt[t][s] = -1; c->fddev[t][s] = -1; }
\tfor (int d = 0; d < MAXDEV; d++) c->idx[d] = -1;
}

/* Fresh devices at unused indices. Returns NULL or a reason. */
static const char *add_devices(struct ctx *c)
{
\tstatic char why[96];
\tfor (int d = 0; d < c->devices; d++) {
\t\tint r;
\t\tdo r = ioctl(ctl_fd, LOOP_CTL_ADD, next_index++); while (r < 0 && errno == EEXIST);
\t\tif (r < 0) { snprintf(why, sizeof why, "LOOP_CTL_ADD: %s", errname(errno)); return why; }
\t\tc->idx[d] = r;
\t\tchar mnt[64];
\t\tmnt_of(mnt, r);
\t\tmkdir(mnt, 0755);
\t}
\treturn NULL;
}

/* Struct files opened, devices bound (regular first, then in order), fd entries dup()ed, temporaries closed. */
static const char *apply_init(struct ctx *c, const struct init_desc *in)
{
\tstatic char why[128];
\tint tmp[MAXSLOT * MAXTAB];
\tconst char *fail = NULL;
\tfor (int i = 0; i < in->nfiles; i++) tmp[i] = -1;
\tfor (int i = 0; i < in->nfiles && !fail; i++) {
\t\tint ro = 0;
\t\tfor (int b = 0; b < in->nbound; b++)
\t\t\tif (in->bound[b].file == i && in->bound[b].ro) ro = 1;
\t\tchar node[64];
\t\tnode_of(node, c->idx[in->files[i]]);
\t\ttmp[i] = open(node, ro ? O_RDONLY : O_RDWR);
\t\tif (tmp[i] < 0) { snprintf(why, sizeof why, "init open f%d: %s", i, errname(errno)); fail = why; }
\t}
\tfor (int pass = 0; pass < 2 && !fail; pass++)
\t\tfor (int b = 0; b < in->nbound && !fail; b++) {
\t\t\tconst struct init_bound *ib = &in->bound[b];
\t\t\tif ((ib->file < 0) != (pass == 0)) continue;
\t\t\tchar node[64];
\t\t\tnode_of(node, c->idx[ib->dev]);
\t\t\tint dfd = open(node, O_RDWR);
\t\t\tint bfd = ib->file < 0 ? open_backing(ib->ro ? O_RDONLY : O_RDWR) : tmp[ib->file];
\t\t\tstruct loop_config cfg;
\t\t\tmemset(&cfg, 0, sizeof cfg);
\t\t\tcfg.fd = bfd;
\t\t\tcfg.info.lo_flags = ib->partscan ? LO_FLAGS_PARTSCAN : 0;
\t\t\tif (dfd < 0 || bfd < 0 || (ib->partscan ? ioctl(dfd, LOOP_CONFIGURE, &cfg) : ioctl(dfd, LOOP_SET_FD, bfd)) < 0) {
\t\t\t\tsnprintf(why, sizeof why, "init bind %c: %s", 'A' + ib->dev, errname(errno));
\t\t\t\tfail = why;
\t\t\t}
\t\t\tif (!fail) c->origin[ib->dev] = ib->file < 0 ? 0 : c->origin[in->files[ib->file]];
\t\t\tif (ib->file < 0 && bfd >= 0) close(bfd);
\t\t\tif (dfd >= 0) close(dfd);
\t\t}
\tfor (int e = 0; e < in->nfds && !fail; e++) {
\t\tconst struct init_fd *f = &in->fds[e];
\t\tint fd = dup(tmp[f->file]);
\t\tif (fd < 0) { snprintf(why, sizeof why, "init dup: %s", errname(errno)); fail = why; }
\t\telse { set_slot(c, f->table, f->slot, fd); c->fddev[f->table][f->slot] = in->files[f->file]; }
\t}
\tfor (int i = 0; i < in->nfiles; i++)
\t\tif (tmp[i] >= 0) close(tmp[i]);
\treturn fail;
}

static int read_sysfs(int index, const char *attr, char *buf, size_t len)
{
\tchar path[128];
\tsnprintf(path, sizeof path, "/sys/block/loop%d/loop/%s", index, attr);
\tint fd = open(path, O_RDONLY);
\tif (fd < 0) return -1;
\tssize_t n = read(fd, buf, len - 1);
\tclose(fd);
\tif (n < 0) return -1;
\twhile (n > 0 && (buf[n - 1] == '\\n' || buf[n - 1] == ' ')) n--;
\tbuf[n] = 0;
\treturn (int)n;
}

/* Best effort, never aborts: unmount, close every fd, clear devices upper-first, remove them.
   Returns how many devices could not be removed. */
static int clean_up(struct ctx *c)
{
\tchar node[64], mnt[64], bf[256];
\tfor (int d = 0; d < c->devices; d++) {
\t\tif (c->idx[d] < 0) continue;
\t\tfor (int part = 0; part <= 4; part++) {
\t\t\tpart_mnt_of(mnt, c->idx[d], part);
\t\t\tif (umount2(mnt, 0) < 0 && errno == EBUSY) umount2(mnt, MNT_DETACH);
\t\t\tif (part > 0) rmdir(mnt);
\t\t}
\t}
\tfor (int t = 0; t < MAXTAB; t++)
\t\tfor (int s = 0; s < MAXSLOT; s++)
\t\t\tif (c->fdt[t][s] >= 0) { close(c->fdt[t][s]); c->fdt[t][s] = -1; }
\tfor (int i = 0; i < c->nextra; i++) close(c->extra[i]);
\tc->nextra = 0;
\t/* Clear a bound device only when no other bound device of the schedule uses it as backing. */
\tfor (int pass = 0; pass <= c->devices; pass++) {
\t\tint bound[MAXDEV] = { 0 }, below[MAXDEV] = { 0 }, any = 0;
\t\tfor (int d = 0; d < c->devices; d++) {
\t\t\tif (c->idx[d] < 0 || read_sysfs(c->idx[d], "backing_file", bf, sizeof bf) <= 0) continue;
\t\t\tbound[d] = 1; any = 1;
\t\t\tfor (int e = 0; e < c->devices; e++) {
\t\t\t\tnode_of(node, c->idx[e]);
\t\t\t\tif (e != d && strcmp(bf, node) == 0) below[e] = 1;
\t\t\t}
\t\t}
\t\tif (!any) break;
\t\tfor (int d = c->devices - 1; d >= 0; d--) {
\t\t\tif (!bound[d] || (below[d] && pass < c->devices)) continue;
\t\t\tnode_of(node, c->idx[d]);
\t\t\tint fd = open(node, O_RDONLY);
\t\t\tif (fd >= 0) { ioctl(fd, LOOP_CLR_FD, 0); close(fd); }
\t\t}
\t}
\tint left = 0;
\tfor (int d = 0; d < c->devices; d++) {
\t\tif (c->idx[d] < 0) continue;
\t\tint r = -1;
\t\tfor (int tries = 0; tries < 20 && r < 0; tries++) {
\t\t\tr = ioctl(ctl_fd, LOOP_CTL_REMOVE, c->idx[d]);
\t\t\tif (r < 0 && errno == EBUSY) usleep(2000); else break;
\t\t}
\t\tif (r < 0) left++;
\t\tmnt_of(mnt, c->idx[d]);
\t\trmdir(mnt);
\t}
\treturn left;
}
`;

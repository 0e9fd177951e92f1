/* user/mmfuzz.c — the differential random tester for memory calls.
 *
 *   mmfuzz SEED NOPS                 one seed, one digest line per step
 *   mmfuzz [-s FIRST -n COUNT | -l SEED,SEED...] [-o NOPS] [-v] [-e FILE]
 *                                    COUNT seeds from FIRST (or the listed
 *                                    ones), each in a fresh child; one line
 *                                    per seed (its steps' hash), -v: every
 *                                    step's line too; -e: FILE holds the
 *                                    seed lines another kernel printed, and
 *                                    a seed whose line differs is followed
 *                                    by its step lines, each after "| "
 *   mmfuzz                           seeds 0-3, 500 steps: the self-check
 *                                    user/expect.txt runs (exit 0 if every
 *                                    seed's processes ran to the end)
 *
 * A seeded generator (splitmix64; never rand()) picks a sequence of memory
 * operations over one to three processes and the program prints, after
 * every step, the step number, the acting process, the operation and its
 * arguments, the raw result (-ENAME for an error) and a checksum of the
 * pages the step touched (every 16th step: of every readable page the
 * process has). The same binary runs on Linux and on faultline; Linux is
 * the reference, so the two outputs must be byte-equal (tests/fuzz compares
 * them). Nothing printed may depend on what Linux leaves to the kernel:
 * addresses are never printed (regions are named by index and page
 * offset), nor residency, nor the data of uname, getrandom or
 * clock_gettime (those buffers are overwritten after the call: only the
 * result and whether the kernel could write them count).
 *
 * Where the memory lives, so that no kernel's choice of address changes
 * what happens:
 *   A    the arena: 48 pages at a fixed address, first reserved PROT_NONE,
 *        then carved up by MAP_FIXED mmaps, munmaps, mprotects of any part;
 *        4 pages past its end are tracked too (ranges run into the hole).
 *        Nothing else is ever placed near it, so holes are ours alone.
 *   K1-3 up to three mappings at addresses the kernel picks; only ever
 *        unmapped whole, so a later mapping that the kernel puts into a
 *        freed hole cannot be hit by an operation meant for another.
 *   B    the break: brk moves of up to 8 pages above its start.
 * Besides, "huge" maps 64 GiB PROT_NONE, makes its two ends accessible,
 * and unmaps it all in one step.
 *
 * Processes: the seed's first process is the driver (slot 0) and acts
 * itself; "fork" copies the acting process into a free slot, and the
 * driver sends later steps for that slot over a command pipe and prints
 * the reply; a fork returns only once the child has settled in. So only
 * one process acts at a time and every run interleaves the same way. Children leave with "exit"; a child that dies instead (a
 * kernel bug: this program never touches memory its own table says is
 * inaccessible) is reported as "no reply" and ends the seed.
 *
 * The table of protections is the program's own; after a call that fails
 * (where Linux may have acted on part of the range) the pages of the range
 * are probed instead, through the kernel: write(pipe, page, 1) is -EFAULT
 * for a page that cannot be read, read(pipe, page, 1) for one that cannot
 * be written. A probe result is printed too, so it is part of the test.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"
#include "rawsys.h"
#include "splitmix.h"

#define PAGE 4096
#define ARENA_ADDR 0x100000000000ul /* 16 TiB: far below any mmap base */
#define ARENA_PAGES 48
#define SPAN 52                     /* the arena and the hole after it */
#define KSLOTS 3
#define KPAGES 6
#define BRK_PAGES 8
#define FILE_PAGES 8
#define HUGE (64ul << 30)
#define NPROC 3
#define FULL_EVERY 16
#define MAX_LEN (3 * PAGE)
#define REPLY_TIMEOUT 600 /* seconds: only a dead process takes this long (a loaded host
                           * under TCG can make a live one take a minute; the boot
                           * itself times out at 1200 s) */

enum { R_ARENA, R_K1, R_BRK = R_K1 + KSLOTS, NREG };
enum { DF_NO, DF_YES, DF_MAYBE }; /* MADV_DONTFORK state of a page */
#define P_R 1
#define P_W 2

struct region {
	char *base;
	int live;                  /* pages now in use (arena: SPAN; K: 0 = free) */
	unsigned char prot[SPAN];  /* P_R | P_W as far as the program knows */
	unsigned char dontfork[SPAN];
};

/* One step, as the driver sends it: random words and what only the driver
 * knows (the data pipe's fill, a free slot, whether this slot may exit). */
struct cmd {
	uint64_t r[4];
	int fill, free_slot, can_exit, full, quit;
};

struct reply {
	int fill_delta, forked, exited, child_pid;
	char text[200];
};

/* ---- per-process state (a fork copies it, which is the point) ---- */

static struct region reg[NREG];
static int slot;
static int io_fd, map_fd, zero_fd, data_pipe[2], probe_pipe[2];
static int cmd_pipe[NPROC][2], reply_pipe[NPROC][2];
static char scratch[4 * PAGE];
static struct iovec iov[3];

/* ---- the driver's state and its output ---- */

static int live[NPROC], pids[NPROC], fill;
static bool verbose;
static uint64_t seed_hash;
static char *expected;       /* -e: the other kernel's seed lines */
static char *kept;           /* -e: this seed's step lines so far */
static size_t kept_len, kept_size;
static char outbuf[1 << 16];
static size_t outlen;

static void out_flush(void)
{
	for (size_t done = 0; done < outlen;) {
		ssize_t n = write(1, outbuf + done, outlen - done);
		if (n <= 0)
			break;
		done += n;
	}
	outlen = 0;
}

static void out(const char *fmt, ...)
{
	char line[300];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	if (outlen + n > sizeof(outbuf))
		out_flush();
	memcpy(outbuf + outlen, line, n);
	outlen += n;
}

/* ---- hashing and randomness ---- */

#define FNV_PRIME 0x100000001b3ul
#define FNV_BASIS 0xcbf29ce484222325ul

static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * FNV_PRIME;
}

static uint64_t hash_bytes(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = mix(h, (unsigned char)s[i]);
	return h;
}

/* ---- the page table the program keeps ---- */

static char *page_at(int r, int i)
{
	return reg[r].base + (long)i * PAGE;
}

static int span_of(int r)
{
	return r == R_BRK ? BRK_PAGES : reg[r].live;
}

static void drain_probe(void)
{
	while (read(probe_pipe[0], scratch, sizeof(scratch)) > 0)
		;
}

/* What the kernel lets a page be: P_R if write(pipe, p, 1) could read it,
 * P_W too if read(pipe, p, 1) could write it (its own byte, put back). */
static int probe(char *p)
{
	int prot = 0;

	if (SYS3(SYS_write, probe_pipe[1], p, 1) == 1) {
		prot = P_R;
		drain_probe();
		char b = *(volatile char *)p;
		SYS3(SYS_write, probe_pipe[1], &b, 1);
		if (SYS3(SYS_read, probe_pipe[0], p, 1) == 1)
			prot |= P_W;
		drain_probe();
	}
	return prot;
}

/* After a call that failed, the pages of [first, first+n) are what the
 * kernel says; appends their states ("-", "r", "w") to text. */
static void reprobe(int r, int first, int n, char *text, size_t size)
{
	size_t len = strlen(text);
	len += snprintf(text + len, size - len, " probe:");
	for (int i = first; i < first + n && len + 2 < size; i++) {
		reg[r].prot[i] = probe(page_at(r, i));
		text[len++] = "-r?w"[reg[r].prot[i]];
	}
	text[len] = 0;
}

static int prot_bits(int prot)
{
	int p = 0;
	if (prot & (PROT_READ | PROT_WRITE | PROT_EXEC))
		p |= P_R; /* x86: write and exec imply read */
	if (prot & PROT_WRITE)
		p |= P_W;
	return p;
}

static void set_prot(int r, int first, int n, int bits)
{
	memset(reg[r].prot + first, bits, n);
}

static uint64_t page_sum(uint64_t h, int r, int i)
{
	if (!(reg[r].prot[i] & P_R))
		return mix(h, 'N');
	const uint64_t *w = (const uint64_t *)page_at(r, i);
	for (int k = 0; k < PAGE / 8; k++)
		h = mix(h, w[k]);
	return h;
}

/* The checksum of [first, first+n) of region r; the first page the table
 * calls unreadable is probed, so the boundary is tested as well. */
static uint64_t range_sum(uint64_t h, int r, int first, int n)
{
	bool probed = false;

	for (int i = first; i < first + n; i++) {
		h = page_sum(h, r, i);
		if (!(reg[r].prot[i] & P_R) && !probed) {
			probed = true;
			h = mix(h, SYS3(SYS_write, probe_pipe[1], page_at(r, i), 1));
			drain_probe();
		}
	}
	return h;
}

static uint64_t full_sum(uint64_t h)
{
	for (int r = 0; r < NREG; r++)
		for (int i = 0; i < reg[r].live && i < SPAN; i++)
			h = page_sum(h, r, i);
	return h;
}

/* ---- choosing what an operation acts on ---- */

/* A page range [first, first+n) in a region that is in use. */
struct range {
	int reg, first, n;
};

static struct range pick_range(uint64_t x)
{
	struct range g = { R_ARENA, 0, 0 };
	int which = x % 10;

	if (which >= 6 && which <= 8 && reg[R_K1 + (x >> 4) % KSLOTS].live)
		g.reg = R_K1 + (x >> 4) % KSLOTS;
	else if (which == 9)
		g.reg = R_BRK;
	int span = span_of(g.reg);
	g.first = (x >> 8) % span;
	g.n = 1 + (x >> 16) % 8;
	if (g.n > span - g.first)
		g.n = span - g.first;
	return g;
}

static const char *reg_name(int r)
{
	static const char *names[NREG] = { "A", "K1", "K2", "K3", "B" };
	return names[r];
}

/* A byte buffer in a range: it may start anywhere in the first page and
 * run into the next pages, so it straddles whatever protections are there. */
struct buf {
	struct range g;
	char *p;
	size_t len;
	int off;
};

static struct buf pick_buf(uint64_t x, uint64_t y)
{
	struct buf b = { .g = pick_range(x) };
	static const int lens[4] = { 64, PAGE, MAX_LEN, 32 };
	int kind = y % 4;

	b.off = kind == 3 ? PAGE - 1 - (y >> 8) % 24 : ((y >> 8) % PAGE) & ~(kind ? 0 : 7);
	b.len = 1 + (y >> 24) % lens[kind];
	size_t room = (size_t)(span_of(b.g.reg) - b.g.first) * PAGE - b.off;
	if (b.len > room)
		b.len = room;
	b.p = page_at(b.g.reg, b.g.first) + b.off;
	b.g.n = (b.off + b.len + PAGE - 1) / PAGE;
	return b;
}

/* Make b exactly len bytes, moved back if the region ends sooner. */
static void fit_buf(struct buf *b, size_t len)
{
	char *end = page_at(b->g.reg, span_of(b->g.reg));
	if (b->p + len > end)
		b->p = end - len;
	b->len = len;
	b->g.first = (b->p - reg[b->g.reg].base) / PAGE;
	b->off = (b->p - reg[b->g.reg].base) % PAGE;
	b->g.n = (b->off + b->len + PAGE - 1) / PAGE;
}

/* Fill the bytes of b that the table says are writable with a pattern. */
static void fill_writable(const struct buf *b, int value)
{
	for (int i = 0; i < b->g.n; i++) {
		int pg = b->g.first + i;
		if (!(reg[b->g.reg].prot[pg] & P_W))
			continue;
		char *lo = page_at(b->g.reg, pg), *hi = lo + PAGE;
		char *from = b->p > lo ? b->p : lo, *to = b->p + b->len < hi ? b->p + b->len : hi;
		memset(from, value + i, to - from);
	}
}

static const int prot_pool[] = {
	PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE, PROT_READ | PROT_WRITE,
	PROT_READ | PROT_WRITE, PROT_WRITE, PROT_READ | PROT_EXEC,
	PROT_READ | PROT_WRITE | PROT_EXEC, PROT_READ | 0x8 /* PROT_SEM */,
	PROT_READ | PROT_WRITE | 0x10, /* no such bit */
};
#define NPROT (sizeof(prot_pool) / sizeof(prot_pool[0]))

/* ---- the operations ---- */

struct step {
	const struct cmd *c;
	struct reply *rep;
	char args[120];
	long ret;
	uint64_t sum;
};

typedef void op_fn(struct step *s);

/* What a mapping is made of: its flags, fd and offset for mmap. */
static const char *const kind_names[] = { "anon", "shared", "file", "zero", "zeroshared" };

static long map_kind(char *addr, int n, int prot, int kind, int fileoff, int extra)
{
	int flags = (kind == 1 || kind == 4 ? MAP_SHARED : MAP_PRIVATE) | extra;
	int fd = kind == 2 ? map_fd : kind >= 3 ? zero_fd : -1;
	if (kind <= 1)
		flags |= MAP_ANONYMOUS;
	return SYS6(SYS_mmap, addr, (long)n * PAGE, prot, flags, fd, kind == 2 ? (long)fileoff * PAGE : 0);
}

static void op_fixed(struct step *s)
{
	uint64_t x = s->c->r[1], y = s->c->r[2];
	int first = x % SPAN, n = 1 + (x >> 8) % 8, kind = (y >> 8) % 5, off = 0;
	int prot = prot_pool[(y >> 16) % NPROT];

	if (kind == 2) {
		off = (y >> 24) % FILE_PAGES;
		if (n > FILE_PAGES - off)
			n = FILE_PAGES - off;
	}
	if (n > SPAN - first)
		n = SPAN - first;
	s->ret = map_kind(page_at(R_ARENA, first), n, prot, kind, off, MAP_FIXED);
	snprintf(s->args, sizeof(s->args), "mmap-fixed A+%d,%d %s@%d prot=%#x", first, n,
		 kind_names[kind], off, prot);
	if (s->ret < 0) {
		reprobe(R_ARENA, first, n, s->args, sizeof(s->args));
	} else {
		s->ret = s->ret == (long)page_at(R_ARENA, first); /* 1: where asked */
		set_prot(R_ARENA, first, n, prot_bits(prot));
		memset(reg[R_ARENA].dontfork + first, DF_NO, n);
	}
	s->sum = range_sum(s->sum, R_ARENA, first, n);
}

static void op_unmap(struct step *s)
{
	uint64_t x = s->c->r[1];
	int first = x % SPAN, n = 1 + (x >> 8) % 8, bad = (x >> 16) % 16;
	if (n > SPAN - first)
		n = SPAN - first;
	/* Now and then an argument munmap must refuse: unaligned, or length 0. */
	long len = bad == 0 ? 0 : (long)n * PAGE - (bad == 1);
	char *p = page_at(R_ARENA, first) + (bad == 2);
	s->ret = SYS2(SYS_munmap, p, len);
	snprintf(s->args, sizeof(s->args), "munmap A+%d%s,%ld", first, bad == 2 ? "+1" : "", len);
	if (s->ret < 0) {
		reprobe(R_ARENA, first, n, s->args, sizeof(s->args));
	} else if (len > 0) {
		set_prot(R_ARENA, first, (len + PAGE - 1) / PAGE, 0);
		memset(reg[R_ARENA].dontfork + first, DF_NO, n);
	}
	s->sum = range_sum(s->sum, R_ARENA, first, n);
}

/* A mapping at an address the kernel picks, or its removal when the slot
 * is taken. */
static void op_kmap(struct step *s)
{
	uint64_t x = s->c->r[1];
	int k = R_K1 + x % KSLOTS;
	struct region *r = &reg[k];

	if (r->live) {
		s->ret = SYS2(SYS_munmap, r->base, (long)r->live * PAGE);
		snprintf(s->args, sizeof(s->args), "munmap %s,%d", reg_name(k), r->live);
		if (s->ret == 0) {
			r->live = 0;
			return;
		}
		reprobe(k, 0, r->live, s->args, sizeof(s->args));
		return;
	}
	int n = 1 + (x >> 8) % KPAGES, kind = (x >> 16) % 5, off = 0;
	int prot = prot_pool[(x >> 24) % NPROT];
	int extra = (x >> 32) % 16;
	extra = extra == 0 ? MAP_POPULATE : extra == 1 ? MAP_LOCKED : extra == 2 ? MAP_NORESERVE : 0;
	if (kind == 2) {
		off = (x >> 40) % FILE_PAGES;
		if (n > FILE_PAGES - off)
			n = FILE_PAGES - off;
	}
	s->ret = map_kind(NULL, n, prot, kind, off, extra);
	snprintf(s->args, sizeof(s->args), "mmap %s,%d %s@%d prot=%#x flags=%#x", reg_name(k), n,
		 kind_names[kind], off, prot, extra);
	if (s->ret < 0 && s->ret > -4096)
		return;
	r->base = (char *)s->ret;
	r->live = n;
	s->ret = 0;
	set_prot(k, 0, n, prot_bits(prot));
	memset(r->dontfork, DF_NO, n);
	s->sum = range_sum(s->sum, k, 0, n);
}

static void op_mprotect(struct step *s)
{
	struct range g = pick_range(s->c->r[1]);
	int prot = prot_pool[s->c->r[2] % NPROT];

	s->ret = SYS3(SYS_mprotect, page_at(g.reg, g.first), (long)g.n * PAGE, prot);
	snprintf(s->args, sizeof(s->args), "mprotect %s+%d,%d prot=%#x", reg_name(g.reg), g.first,
		 g.n, prot);
	if (s->ret < 0)
		reprobe(g.reg, g.first, g.n, s->args, sizeof(s->args));
	else
		set_prot(g.reg, g.first, g.n, prot_bits(prot));
	s->sum = range_sum(s->sum, g.reg, g.first, g.n);
}

static void op_madvise(struct step *s)
{
	static const struct { int advice; const char *name; } advice[] = {
		{ MADV_DONTNEED, "dontneed" }, { MADV_DONTNEED, "dontneed" },
		{ MADV_PAGEOUT, "pageout" }, { MADV_PAGEOUT, "pageout" },
		{ MADV_WILLNEED, "willneed" }, { MADV_DONTFORK, "dontfork" },
		{ MADV_DOFORK, "dofork" }, { MADV_NORMAL, "normal" },
		{ MADV_RANDOM, "random" }, { MADV_SEQUENTIAL, "sequential" },
	};
	struct range g = pick_range(s->c->r[1]);
	int a = s->c->r[2] % (sizeof(advice) / sizeof(advice[0]));

	s->ret = SYS3(SYS_madvise, page_at(g.reg, g.first), (long)g.n * PAGE, advice[a].advice);
	snprintf(s->args, sizeof(s->args), "madvise %s+%d,%d %s", reg_name(g.reg), g.first, g.n,
		 advice[a].name);
	if (advice[a].advice == MADV_DONTFORK || advice[a].advice == MADV_DOFORK) {
		int state = s->ret < 0 ? DF_MAYBE : advice[a].advice == MADV_DONTFORK;
		memset(reg[g.reg].dontfork + g.first, state, g.n);
	}
	s->sum = range_sum(s->sum, g.reg, g.first, g.n);
}

static void op_mlock(struct step *s)
{
	struct range g = pick_range(s->c->r[1]);
	bool lock = s->c->r[2] % 2;
	/* mlock's range is every page [addr, addr+len) touches: start and end
	 * inside pages now and then. */
	int in = (s->c->r[2] >> 8) % 4 == 0 ? 100 : 0;

	s->ret = SYS2(lock ? SYS_mlock : SYS_munlock, page_at(g.reg, g.first) + in,
		      (long)g.n * PAGE - 2 * in);
	snprintf(s->args, sizeof(s->args), "%s %s+%d,%d%s", lock ? "mlock" : "munlock",
		 reg_name(g.reg), g.first, g.n, in ? " inside" : "");
	s->sum = range_sum(s->sum, g.reg, g.first, g.n);
}

static void op_brk(struct step *s)
{
	struct region *b = &reg[R_BRK];
	int want = b->live + (int)(s->c->r[1] % 7) - 3;

	if (want < 0)
		want = 0;
	if (want > BRK_PAGES)
		want = BRK_PAGES;
	long got = SYS1(SYS_brk, page_at(R_BRK, want));
	s->ret = got == (long)page_at(R_BRK, want);
	snprintf(s->args, sizeof(s->args), "brk B%+d", want - b->live);
	if (s->ret) {
		if (want > b->live)
			set_prot(R_BRK, b->live, want - b->live, P_R | P_W);
		else
			set_prot(R_BRK, want, b->live - want, 0);
		/* the pages the break gained or lost are new ones either way */
		int low = want < b->live ? want : b->live;
		memset(b->dontfork + low, DF_NO, abs(want - b->live));
		b->live = want;
	}
	s->sum = range_sum(s->sum, R_BRK, 0, BRK_PAGES);
}

static void op_touch(struct step *s)
{
	struct buf b = pick_buf(s->c->r[1], s->c->r[2]);

	fill_writable(&b, s->c->r[3] & 0xff);
	snprintf(s->args, sizeof(s->args), "store %s+%d+%d,%zu", reg_name(b.g.reg), b.g.first, b.off,
		 b.len);
	s->sum = range_sum(s->sum, b.g.reg, b.g.first, b.g.n);
}

/* The same buffers handed to the kernel: files, pipes, and calls whose
 * data differs between kernels (only their result is kept). */
static void op_kio(struct step *s)
{
	static const char *const names[] = {
		"pread", "pwrite", "read", "write", "readv", "writev", "pipe-write",
		"pipe-read", "pipe-writev", "pipe-readv", "uname", "getrandom", "clock_gettime",
	};
	struct buf b = pick_buf(s->c->r[1], s->c->r[2]);
	int what = s->c->r[3] % 13;

	long off = (s->c->r[3] >> 8) % (FILE_PAGES * PAGE);

	/* uname and clock_gettime write their whole struct whatever len says:
	 * the buffer is exactly that long, and inside the region. */
	if (what == 10 || what == 12)
		fit_buf(&b, what == 10 ? sizeof(struct utsname) : sizeof(struct timespec));
	/* The data pipe is kept below 16 KiB: a writer never waits. */
	if ((what == 6 || what == 8) && s->c->fill + b.len > 4 * PAGE)
		what = 7;
	for (int i = 0; i < 3; i++) {
		size_t part = b.len / 3 + (i == 2 ? b.len % 3 : 0);
		iov[i] = (struct iovec){ b.p + i * (b.len / 3), part };
	}
	switch (what) {
	case 0: s->ret = SYS4(SYS_pread64, io_fd, b.p, b.len, off); break;
	case 1: s->ret = SYS4(SYS_pwrite64, io_fd, b.p, b.len, off); break;
	case 2: SYS3(SYS_lseek, io_fd, off, SEEK_SET); s->ret = SYS3(SYS_read, io_fd, b.p, b.len); break;
	case 3: SYS3(SYS_lseek, io_fd, off, SEEK_SET); s->ret = SYS3(SYS_write, io_fd, b.p, b.len); break;
	case 4: SYS3(SYS_lseek, io_fd, off, SEEK_SET); s->ret = SYS3(SYS_readv, io_fd, iov, 3); break;
	case 5: SYS3(SYS_lseek, io_fd, off, SEEK_SET); s->ret = SYS3(SYS_writev, io_fd, iov, 3); break;
	case 6: s->ret = SYS3(SYS_write, data_pipe[1], b.p, b.len); break;
	case 7: s->ret = SYS3(SYS_read, data_pipe[0], b.p, b.len); break;
	case 8: s->ret = SYS3(SYS_writev, data_pipe[1], iov, 3); break;
	case 9: s->ret = SYS3(SYS_readv, data_pipe[0], iov, 3); break;
	case 10: s->ret = SYS1(SYS_uname, b.p); break;
	case 11: s->ret = SYS3(SYS_getrandom, b.p, b.len, 0); break;
	case 12: s->ret = SYS2(SYS_clock_gettime, CLOCK_MONOTONIC, b.p); break;
	}
	if (what >= 6 && what <= 9 && s->ret > 0)
		s->rep->fill_delta = what % 2 ? -s->ret : s->ret;
	if (what >= 10)
		fill_writable(&b, 0x5a);
	snprintf(s->args, sizeof(s->args), "%s %s+%d+%d,%zu", names[what], reg_name(b.g.reg),
		 b.g.first, b.off, b.len);
	if (what <= 5)
		snprintf(s->args + strlen(s->args), sizeof(s->args) - strlen(s->args), " @%ld", off);
	s->sum = range_sum(s->sum, b.g.reg, b.g.first, b.g.n);
}

/* The whole of the file the kernel writes into: what pwrite and writev
 * left there. */
static void op_filesum(struct step *s)
{
	memset(scratch, 0, sizeof(scratch));
	s->ret = SYS4(SYS_pread64, io_fd, scratch, sizeof(scratch), (s->c->r[1] % 2) * 4 * PAGE);
	s->sum = hash_bytes(s->sum, scratch, sizeof(scratch));
	snprintf(s->args, sizeof(s->args), "file-sum");
}

static void op_huge(struct step *s)
{
	char *p = (char *)SYS6(SYS_mmap, 0, HUGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	long r1 = 0, r2 = 0, r3 = 0;

	if ((long)p < 0 && (long)p > -4096) {
		s->ret = (long)p;
	} else {
		s->ret = 0;
		r1 = SYS3(SYS_mprotect, p + HUGE - PAGE, PAGE, PROT_READ | PROT_WRITE);
		if (r1 == 0)
			p[HUGE - 1] = 7;
		r2 = SYS3(SYS_mprotect, p, PAGE, PROT_READ);
		if (r2 == 0)
			s->sum = mix(s->sum, p[0]);
		r3 = SYS2(SYS_munmap, p, HUGE);
	}
	snprintf(s->args, sizeof(s->args), "huge-none %ld %ld %ld", r1, r2, r3);
}

/* The fork's child: it becomes the process in the free slot. A page that
 * was MADV_DONTFORK is not there; one that may have been is probed. */
static void serve(void) __attribute__((noreturn));

static bool any_dontfork(int r)
{
	for (int i = 0; i < reg[r].live; i++)
		if (reg[r].dontfork[i] != DF_NO)
			return true;
	return false;
}

static void after_fork(int new_slot)
{
	slot = new_slot;
	for (int r = 0; r < NREG; r++) {
		/* A kernel-chosen mapping with holes in it could get a later
		 * mapping put into them: it goes whole. */
		if (r != R_ARENA && r != R_BRK && any_dontfork(r)) {
			SYS2(SYS_munmap, reg[r].base, (long)reg[r].live * PAGE);
			reg[r].live = 0;
		}
		for (int i = 0; i < span_of(r); i++) {
			if (reg[r].dontfork[i] == DF_YES)
				reg[r].prot[i] = 0;
			else if (reg[r].dontfork[i] == DF_MAYBE)
				reg[r].prot[i] = probe(page_at(r, i));
		}
	}
}

static void op_fork(struct step *s)
{
	if (s->c->free_slot < 0) {
		snprintf(s->args, sizeof(s->args), "fork none-free");
		return;
	}
	/* The child probes pages through the probe pipe every process shares,
	 * so the parent waits until it is done: two processes probing at once
	 * would read each other's bytes (seeds 412 and 758 once did). */
	int ready[2];
	if (pipe(ready) < 0) {
		s->ret = -errno;
		snprintf(s->args, sizeof(s->args), "fork no-pipe");
		return;
	}
	pid_t pid = fork();
	char done;
	if (pid == 0) {
		after_fork(s->c->free_slot);
		if (write(ready[1], "", 1) != 1)
			_exit(5);
		close(ready[0]);
		close(ready[1]);
		serve();
	}
	s->ret = pid < 0 ? -errno : 0;
	if (pid > 0 && read(ready[0], &done, 1) != 1)
		s->ret = -ECHILD; /* it died before it was ready */
	close(ready[0]);
	close(ready[1]);
	s->rep->forked = pid > 0;
	s->rep->child_pid = pid;
	snprintf(s->args, sizeof(s->args), "fork s%d", s->c->free_slot);
}

static void op_exit(struct step *s)
{
	s->rep->exited = s->c->can_exit;
	snprintf(s->args, sizeof(s->args), s->c->can_exit ? "exit" : "exit not-the-driver");
}

/* Weights out of 1000; huge is rarest: it is the slowest, everywhere. */
static const struct { op_fn *fn; int weight; } ops[] = {
	{ op_touch, 191 }, { op_kio, 260 }, { op_mprotect, 120 }, { op_madvise, 110 },
	{ op_fixed, 80 }, { op_unmap, 45 }, { op_kmap, 60 }, { op_mlock, 40 },
	{ op_brk, 40 }, { op_filesum, 15 }, { op_fork, 22 }, { op_exit, 16 }, { op_huge, 1 },
};

static void execute(const struct cmd *c, struct reply *rep)
{
	struct step s = { .c = c, .rep = rep, .sum = FNV_BASIS };
	int pick = c->r[0] % 1000;
	unsigned i = 0;
	char res[32];

	memset(rep, 0, sizeof(*rep));
	while (pick >= ops[i].weight)
		pick -= ops[i++].weight;
	if (c->quit)
		snprintf(s.args, sizeof(s.args), "end");
	else
		ops[i].fn(&s);
	if (c->full || c->quit)
		s.sum = full_sum(s.sum);
	snprintf(rep->text, sizeof(rep->text), "%s -> %s %016lx", s.args,
		 result_name(s.ret, res, sizeof(res)), s.sum);
}

/* A child's loop: one command in, one reply out, until exit or the end. */
static void serve(void)
{
	struct cmd c;
	struct reply rep;

	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (read(cmd_pipe[slot][0], &c, sizeof(c)) != sizeof(c))
			_exit(3);
		execute(&c, &rep);
		if (write(reply_pipe[slot][1], &rep, sizeof(rep)) != sizeof(rep))
			_exit(4);
		if (rep.exited || c.quit)
			_exit(0);
	}
}

/* ---- the driver ---- */

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* The reply from slot s, or false if none came: the process is gone. */
static bool ask(int s, const struct cmd *c, struct reply *rep)
{
	if (write(cmd_pipe[s][1], c, sizeof(*c)) != sizeof(*c))
		return false;
	double deadline = 0;
	for (long spins = 0;; spins++) {
		ssize_t n = read(reply_pipe[s][0], rep, sizeof(*rep));
		if (n == sizeof(*rep))
			return true;
		if (spins < 1000000) {
			sched_yield();
			continue;
		}
		if (!deadline)
			deadline = now() + REPLY_TIMEOUT;
		if (now() > deadline)
			return false;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
}

static void emit(const char *fmt, ...)
{
	char line[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	seed_hash = hash_bytes(seed_hash, line, strlen(line));
	if (verbose)
		out("%s", line);
	size_t n = strlen(line);
	if (kept && kept_len + n <= kept_size) {
		memcpy(kept + kept_len, line, n);
		kept_len += n;
	}
}

/* -e: a seed that ran differently inside one long boot than elsewhere may
 * not do so again when run alone, so its step lines are printed now. */
static void show_if_unexpected(const char *seed_line)
{
	if (!expected || strstr(expected, seed_line))
		return;
	out("seed line differs from the expected one; its steps:\n");
	for (char *line = kept, *end = kept + kept_len; line < end;) {
		char *nl = memchr(line, '\n', end - line);
		size_t n = nl ? (size_t)(nl - line) + 1 : (size_t)(end - line);
		out("| %.*s", (int)n, line);
		line += n;
	}
}

static char *read_whole(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f || fseek(f, 0, SEEK_END) < 0)
		return NULL;
	long size = ftell(f);
	char *text = calloc(1, size + 1);
	rewind(f);
	if (!text || fread(text, 1, size, f) != (size_t)size) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	return text;
}

static void file_names(int pid, char *io, char *map, size_t size)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(io, size, "%s/mmfuzz.%d.io", dir, pid);
	snprintf(map, size, "%s/mmfuzz.%d.map", dir, pid);
}

static int make_file(const char *path, int flags, int salt)
{
	int fd = open(path, flags | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return fd;
	for (int i = 0; i < FILE_PAGES; i++) {
		for (int k = 0; k < PAGE; k++)
			scratch[k] = (char)(salt + i * 31 + k * 7);
		if (write(fd, scratch, PAGE) != PAGE)
			return -1;
	}
	return fd;
}

/* Files, pipes, the arena and the break: the same starting state for every
 * seed. False (with a line saying why) if something could not be made. */
static bool setup(void)
{
	char io[128], map[128];
	long brk0 = SYS1(SYS_brk, 0);

	file_names(getpid(), io, map, sizeof(io));
	io_fd = make_file(io, O_RDWR, 1);
	int w = make_file(map, O_WRONLY, 2);
	map_fd = open(map, O_RDONLY);
	zero_fd = open("/dev/zero", O_RDWR);
	if (io_fd < 0 || w < 0 || map_fd < 0 || zero_fd < 0 || close(w) < 0) {
		out("setup: files: %s\n", strerror(errno));
		return false;
	}
	if (pipe2(data_pipe, O_NONBLOCK) < 0 || pipe2(probe_pipe, O_NONBLOCK) < 0) {
		out("setup: pipes: %s\n", strerror(errno));
		return false;
	}
	for (int s = 0; s < NPROC; s++)
		if (pipe(cmd_pipe[s]) < 0 || pipe2(reply_pipe[s], O_NONBLOCK) < 0) {
			out("setup: pipes: %s\n", strerror(errno));
			return false;
		}
	memset(reg, 0, sizeof(reg));
	reg[R_ARENA].base = (char *)ARENA_ADDR;
	reg[R_ARENA].live = SPAN;
	if (mmap(reg[R_ARENA].base, ARENA_PAGES * PAGE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != reg[R_ARENA].base) {
		out("setup: arena: %s\n", strerror(errno));
		return false;
	}
	reg[R_BRK].base = (char *)((brk0 + PAGE - 1) & ~(long)(PAGE - 1));
	return true;
}

/* Runs one seed; false if a process of it was lost. */
static bool run_seed(uint64_t seed, int nops)
{
	uint64_t rng = seed;
	struct cmd c;
	struct reply rep;

	seed_hash = FNV_BASIS;
	memset(live, 0, sizeof(live));
	live[0] = 1;
	fill = 0;
	if (!setup())
		return false;
	for (int step = 0; step <= nops; step++) {
		int n = 0, order[NPROC], free_slot = -1;
		for (int s = 0; s < NPROC; s++) {
			if (live[s])
				order[n++] = s;
			else if (free_slot < 0)
				free_slot = s;
		}
		int s = order[splitmix(&rng) % n];
		c = (struct cmd){ .fill = fill, .free_slot = free_slot, .can_exit = s != 0,
				  .full = step % FULL_EVERY == FULL_EVERY - 1 };
		for (int i = 0; i < 4; i++)
			c.r[i] = splitmix(&rng);
		if (step == nops) {
			/* The end: every process checksums all it has, then leaves. */
			for (int t = 0; t < NPROC; t++) {
				if (!live[t])
					continue;
				c.quit = 1;
				if (t == 0)
					execute(&c, &rep);
				else if (!ask(t, &c, &rep))
					goto gone;
				emit("%d s%d %s\n", step, t, rep.text);
			}
			break;
		}
		if (step % FULL_EVERY == 0)
			while (waitpid(-1, NULL, WNOHANG) > 0)
				; /* children that left */
		if (s == 0)
			execute(&c, &rep);
		else if (!ask(s, &c, &rep))
			goto gone;
		fill += rep.fill_delta;
		if (rep.forked) {
			live[free_slot] = 1;
			pids[free_slot] = rep.child_pid;
		}
		if (rep.exited)
			live[s] = 0;
		emit("%d s%d %s\n", step, s, rep.text);
		continue;
gone:
		emit("%d s%d no reply: the process is gone\n", step, s);
		for (int t = 1; t < NPROC; t++)
			if (live[t])
				kill(pids[t], SIGKILL);
		return false;
	}
	return true;
}

/* One seed in a fresh child, so one cannot disturb the next; the seed's
 * files are removed here, however the child ended. False if it went wrong. */
static bool fork_seed(uint64_t seed, int nops)
{
	out_flush();
	pid_t pid = fork();
	if (pid == 0) {
		char line[80];
		if (expected) {
			kept_size = (size_t)(nops + NPROC + 1) * 300;
			kept = malloc(kept_size);
		}
		bool ok = run_seed(seed, nops);
		snprintf(line, sizeof(line), "seed %lu ops %d hash %016lx\n", seed, nops, seed_hash);
		out("%s", line);
		show_if_unexpected(line);
		out_flush();
		_exit(!ok);
	}
	int status = 0;
	bool ok = pid > 0 && waitpid(pid, &status, 0) == pid && status == 0;
	if (!ok)
		out("seed %lu ended badly: status %#x\n", seed, status);
	char io[128], map[128];
	file_names(pid, io, map, sizeof(io));
	unlink(io);
	unlink(map);
	/* The seed's orphans are ours (as init, or as Linux's subreaper). */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	return ok;
}

static void usage(void)
{
	fprintf(stderr, "usage: mmfuzz SEED NOPS\n"
		"       mmfuzz [-s FIRST -n COUNT | -l SEED,SEED...] [-o NOPS] [-v] [-e FILE]\n"
		"       mmfuzz            (a short self-check: seeds 0-3, 500 steps)\n");
	exit(2);
}

/* One CPU for every process: the steps ping-pong between processes, and a
 * wake-up on another CPU of a virtual machine costs more than the step.
 * (faultline has one CPU and no such call: ENOSYS, and nothing to do.) */
static void one_cpu(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
			if (CPU_ISSET(cpu, &set)) {
				CPU_ZERO(&set);
				CPU_SET(cpu, &set);
				sched_setaffinity(0, sizeof(set), &set);
				break;
			}
}

int main(int argc, char **argv)
{
	uint64_t first = 0;
	long count = 4;
	int nops = 500, opt, failed = 0;
	char *list = NULL;

	one_cpu();
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (argc == 3 && argv[1][0] != '-') {
		verbose = true;
		first = strtoull(argv[1], NULL, 0);
		count = 1;
		nops = atoi(argv[2]);
	} else {
		while ((opt = getopt(argc, argv, "s:n:o:l:ve:")) != -1) {
			switch (opt) {
			case 's': first = strtoull(optarg, NULL, 0); break;
			case 'n': count = atol(optarg); break;
			case 'o': nops = atoi(optarg); break;
			case 'l': list = optarg; break;
			case 'v': verbose = true; break;
			case 'e':
				if (!(expected = read_whole(optarg))) {
					perror(optarg);
					return 2;
				}
				break;
			default: usage();
			}
		}
		if (optind != argc || count < 1 || nops < 0)
			usage();
	}
	if (list) {
		for (char *p = strtok(list, ","); p; p = strtok(NULL, ","))
			failed |= !fork_seed(strtoull(p, NULL, 0), nops);
	} else {
		for (uint64_t seed = first; seed < first + count; seed++)
			failed |= !fork_seed(seed, nops);
	}
	while (waitpid(-1, NULL, 0) > 0)
		;
	out_flush();
	return failed;
}

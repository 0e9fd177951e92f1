/* user/badptr.h — the bad-pointer arena and checks shared by badptr.c (the
 * original matrix: read/write and friends) and badptr2.c (the process, pipe,
 * directory and sleep syscalls). badptr.c's header comment says what the
 * matrix is for and which Linux behaviours it pins down.
 *
 * The arena is one read-write page between two unmapped ones, a read-only
 * page that must stay all zero, a PROT_NONE page and a hole where a page
 * was. check() judges one call: its result, and that nothing outside the
 * bytes it may write changed. Every call goes through syscall(2) so that
 * libc never touches a bad pointer itself.
 */
#pragma once
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tap.h"

#define PAGE 4096UL
#define USER_MAX 0x7ffffffff000UL /* TASK_SIZE_MAX: the top page is never user memory */
#define LEN 64

/* ---- the arena ----------------------------------------------------------- */

static unsigned char *rw;   /* one read-write page with unmapped pages on both sides */
static unsigned char *ro;   /* PROT_READ anonymous page: reads as zeros, must stay so */
static unsigned char *none; /* PROT_NONE page */
static uintptr_t hole;      /* a page that was mapped, then unmapped */
static int fd_zero, fd_null;
static const char *file_path;
static unsigned char file_head[PAGE]; /* the file's first page, read with a good buffer */
static const unsigned char zeros[PAGE];
static unsigned char before[PAGE];    /* rw as it was just before the call */

static long got;
static int got_err;
static const char *case_extra; /* a reason for check() to fail the case, set by the caller */
#define RUN(expr) (memcpy(before, rw, PAGE), case_extra = NULL, errno = 0, got = (expr), \
		   got_err = errno)

static inline void *map(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bail("mmap");
	return p;
}

static inline void setup_arena(void)
{
	/* Map everything before unmapping anything: Linux places a new mapping
	 * in the highest free gap, which would be one of our holes. */
	unsigned char *three = map(3 * PAGE, PROT_READ | PROT_WRITE);
	unsigned char *gone = map(PAGE, PROT_READ | PROT_WRITE);

	ro = map(PAGE, PROT_READ);
	none = map(PAGE, PROT_NONE);
	if (munmap(three, PAGE) || munmap(three + 2 * PAGE, PAGE) || munmap(gone, PAGE))
		bail("munmap");
	rw = three + PAGE;
	hole = (uintptr_t)gone;

	fd_zero = open("/dev/zero", O_RDONLY);
	fd_null = open("/dev/null", O_WRONLY);
	file_path = getenv("BADPTR_FILE") ? getenv("BADPTR_FILE") : "/init";
	int fd = open(file_path, O_RDONLY);
	if (fd_zero < 0 || fd_null < 0 || fd < 0)
		bail("open");
	if (read(fd, file_head, PAGE) != (long)PAGE || file_path[0] != '/')
		bail("BADPTR_FILE must be an absolute path to a file of at least 4096 bytes");
	close(fd);
}

/* Linux's x86-64 access_ok(p, n): [p, p+n) must not wrap and must end at or
 * below TASK_SIZE_MAX. It runs before any driver sees the buffer, so even
 * calls that never touch the buffer (/dev/null) fail when it does. */
static inline bool access_ok(uintptr_t p, size_t n)
{
	return p + n >= p && p + n <= USER_MAX;
}

/* ---- the bad pointers ---------------------------------------------------- */

enum {
	DEST_ONLY = 1, /* bad only as a destination: the read-only page */
	WITH_LEN = 2,  /* about ptr+len, so only for calls that take a length */
};

struct bad {
	const char *name;
	uintptr_t addr;
	size_t len; /* for calls that take a length */
	unsigned flags;
};

static struct bad bads[16];
static int nbad;

static inline void add_bad(const char *name, uintptr_t addr, size_t len, unsigned flags)
{
	bads[nbad++] = (struct bad){ name, addr, len, flags };
}

static inline void setup_bads(void)
{
	add_bad("NULL", 0, LEN, 0);
	add_bad("unmapped page", hole, LEN, 0);
	add_bad("1 byte before mapping", (uintptr_t)rw - 1, LEN, 0);
	add_bad("1 byte past mapping", (uintptr_t)rw + PAGE, LEN, 0);
	add_bad("PROT_NONE page", (uintptr_t)none, LEN, 0);
	add_bad("read-only page", (uintptr_t)ro, LEN, DEST_ONLY);
	add_bad("top user page 0x7ffffffff000", USER_MAX, LEN, 0);
	add_bad("kernel direct map 0xffff800000000000", 0xffff800000000000, LEN, 0);
	add_bad("kernel text 0xffffffff80100000", 0xffffffff80100000, LEN, 0);
	add_bad("non-canonical 0x0000800000000000", 0x0000800000000000, LEN, 0);
	add_bad("non-canonical 0x8000000000000000", 0x8000000000000000, LEN, 0);
	add_bad("non-canonical 0xffff7fffffffffff", 0xffff7fffffffffff, LEN, 0);
	add_bad("(void *)-1", ~0UL, LEN, 0);
	add_bad("ptr+len wraps (0x7fffffffeff0, len ~0)", USER_MAX - 16, SIZE_MAX, WITH_LEN);
	add_bad("ptr+len wraps ((void *)-4096, len 8192)", -PAGE, 2 * PAGE, WITH_LEN);
}

/* ---- checking one case --------------------------------------------------- */

/* The result must be want (or -1 with want_err); rw may have changed only
 * in [lo, hi), where the first `got` bytes must now equal src (if given);
 * the read-only page must still be all zero. */
static inline void check(long want, int want_err, size_t lo, size_t hi,
			 const unsigned char *src, const char *name)
{
	char why[48], result[24];
	const char *extra = case_extra;
	size_t copied = got > 0 ? (size_t)got : 0;

	for (size_t i = 0; i < PAGE && !extra; i++) {
		if ((i < lo || i >= hi) && rw[i] != before[i]) {
			snprintf(why, sizeof why, "byte at mapping+%zu changed", i);
			extra = why;
		} else if (ro[i]) {
			extra = "the read-only page changed";
		}
	}
	if (!extra && src && memcmp(rw + lo, src, copied < hi - lo ? copied : hi - lo))
		extra = "the bytes copied are not the source's";
	snprintf(result, sizeof result, "%ld", want);
	tap_syscall(got, got_err, want, want_err, extra, "%s -> %s", name,
		    want == -1 ? tap_errname(want_err) : result);
}

/* syscall(nr, fd, buf, n) on a descriptor opened for this one call (so it
 * starts at offset 0) and closed again; errno is the call's. */
static inline long fresh_fd_call(long nr, const char *path, int flags, void *buf, size_t n)
{
	int fd = open(path, flags);
	long r = syscall(nr, fd, buf, n);
	int e = errno;

	close(fd);
	errno = e;
	return r;
}

/* "call: what" */
static inline const char *case_name(const char *call, const char *what)
{
	static char name[160];

	snprintf(name, sizeof name, "%s: %s", call, what);
	return name;
}

/* ---- matrices shared by several calls -------------------------------------- */

/* Calls that fill a fixed-size struct: every bad pointer, then the struct
 * ending at the last mapped byte and one byte past it. */
struct outcall {
	const char *name;
	long (*call)(void *p);
	size_t size;
	bool null_ok; /* NULL means "don't", not a bad pointer */
};

static inline void out_cases(const struct outcall *c)
{
	size_t end = PAGE - c->size;

	for (int i = 0; i < nbad; i++) {
		const struct bad *b = &bads[i];

		if (b->flags & WITH_LEN)
			continue;
		RUN(c->call((void *)b->addr));
		check(b->addr == 0 && c->null_ok ? 0 : -1, EFAULT, 0, 0, NULL,
		      case_name(c->name, b->name));
	}
	memset(rw, 0xa5, PAGE);
	RUN(c->call(rw + end));
	check(0, 0, end, PAGE, NULL, case_name(c->name, "struct ending at last mapped byte"));
	/* Linux may have written the part that fit before failing. */
	RUN(c->call(rw + end + 1));
	check(-1, EFAULT, end + 1, PAGE, NULL,
	      case_name(c->name, "struct 1 byte past end of mapping"));
}

/* Every bad pointer as the address of something the kernel reads: EFAULT. */
static inline void in_bad_cases(const char *name, long (*call)(void *p))
{
	for (int i = 0; i < nbad; i++) {
		const struct bad *b = &bads[i];

		if (b->flags & (WITH_LEN | DEST_ONLY))
			continue;
		RUN(call((void *)b->addr));
		check(-1, EFAULT, 0, 0, NULL, case_name(name, b->name));
	}
}

/* A path whose NUL is the last mapped byte works; one that runs into the
 * unmapped page does not. `call` takes the path; `name` prefixes the cases. */
static inline void path_edges(const char *name, long (*call)(void *p))
{
	size_t flen = strlen(file_path);

	/* PATH_MAX counts the NUL: a 4095-char path is the longest that works,
	 * and Linux collapses the run of slashes in front. */
	memset(rw, '/', PAGE);
	memcpy(rw + PAGE - 1 - flen, file_path, flen + 1);
	RUN(call(rw));
	check(0, 0, 0, 0, NULL, case_name(name, "4095-char path, NUL on last mapped byte"));

	/* Linux reads at most PATH_MAX bytes, so 4096 non-NUL bytes are too
	 * long even though the next byte is unmapped; one fewer faults. */
	memset(rw, 'a', PAGE);
	RUN(call(rw));
	check(-1, ENAMETOOLONG, 0, 0, NULL, case_name(name, "4096 chars without NUL, then unmapped"));
	RUN(call(rw + 1));
	check(-1, EFAULT, 0, 0, NULL, case_name(name, "4095 chars without NUL, then unmapped"));
	RUN(call(rw + PAGE - 16));
	check(-1, EFAULT, 0, 0, NULL, case_name(name, "16 chars without NUL, then unmapped"));

	/* A kernel may copy a name in pieces (faultline first copies 128
	 * bytes): each side of the seam the name is whole, or faults. */
	for (size_t len = 127; len <= 129; len++) {
		char what[64];
		memset(rw, '/', PAGE);
		memcpy(rw + len - flen, file_path, flen + 1);
		RUN(call(rw));
		snprintf(what, sizeof what, "%zu-char path", len);
		check(0, 0, 0, 0, NULL, case_name(name, what));
		memset(rw, 'a', PAGE);
		RUN(call(rw + PAGE - len));
		snprintf(what, sizeof what, "%zu chars without NUL, then unmapped", len);
		check(-1, EFAULT, 0, 0, NULL, case_name(name, what));
	}
}

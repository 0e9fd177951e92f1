/* user/badptr.c — the bad-pointer matrix: every syscall that copies to or
 * from user memory, given every kind of pointer a buggy or hostile program
 * can pass, must return exactly what Linux returns and touch nothing else.
 *
 * The kernel's uaccess code (access_ok, copy_to/from_user, strncpy_from_user)
 * is where a mistake becomes a kernel crash or a write through a read-only
 * page, so each case also checks that no byte outside the range the call may
 * write changed, that the read-only page is still all zero, and (by reaching
 * the next case) that the process survived.
 *
 * Only what exists on faultline's first initramfs is used: /dev/zero as a
 * source, /dev/null as a sink, stdout (a pipe under tests/run-linux, the
 * console on faultline), and one readable regular file named by $BADPTR_FILE
 * (default /init, which is this program; tests/run-linux passes the binary).
 * Every syscall goes through syscall(2) so that libc never touches the bad
 * pointer itself (musl would otherwise use the vDSO for clock_gettime and copy
 * struct stat in user space, turning EFAULT into SIGSEGV).
 *
 * Linux behaviours worth knowing (each asserted below, where a comment says why):
 *  - write() to /dev/null from NULL returns the count: the driver never reads
 *    the buffer; only access_ok, a pure range check, runs.
 *  - length 0 is still range-checked: read(fd, kernel address, 0) is EFAULT,
 *    read(fd, NULL, 0) is 0.
 *  - getrandom and a one-element readv/writev cap the length at MAX_RW_COUNT
 *    before access_ok; read/write and longer iovecs check first.
 *  - an iov_len above SSIZE_MAX is EINVAL, not EFAULT.
 *  - 4096 non-NUL path bytes followed by an unmapped page is ENAMETOOLONG,
 *    not EFAULT: Linux never reads past PATH_MAX.
 *
 * Dropped on purpose: partial writes to stdout. A pipe (Linux under the
 * runner) and a console (faultline) differ in whether the bytes before the
 * fault are written, so only writes that fault on their first byte, or are
 * refused by access_ok, are used there.
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>

#include "badptr.h"

#define MAX_RW_COUNT 0x7ffff000L  /* Linux caps one read/write at INT_MAX & PAGE_MASK */
#define ARCH_GET_FS 0x1003

/* ---- calls that take (buffer, length) ------------------------------------ */

enum dir {
	INTO,    /* the kernel writes the buffer: copy_to_user */
	FROM,    /* the kernel reads the buffer: copy_from_user */
	IGNORES, /* /dev/null never reads it, but access_ok still applies */
};

struct bufcall {
	const char *name;
	long (*call)(void *buf, size_t len);
	enum dir dir;
	const unsigned char *src; /* INTO: what it delivers, NULL if unpredictable */
	bool iovec;               /* the buffer goes in via a one-element iovec */
	bool clamps_first;        /* caps len at MAX_RW_COUNT before access_ok */
};

/* Both getrandom and a one-element readv/writev import their buffer with
 * import_ubuf(), which caps the length at MAX_RW_COUNT *before* access_ok,
 * so "len 1 past TASK_SIZE_MAX" is a short copy there and EFAULT for read(),
 * write() and an iovec of two elements (access_ok on the full length first). */

static long vec(long nr, int fd, void *buf, size_t len)
{
	struct iovec iov = { buf, len };

	return syscall(nr, fd, &iov, 1);
}

static long read_zero(void *b, size_t n) { return syscall(SYS_read, fd_zero, b, n); }
static long readv_zero(void *b, size_t n) { return vec(SYS_readv, fd_zero, b, n); }
static long write_stdout(void *b, size_t n) { return syscall(SYS_write, 1, b, n); }
static long writev_stdout(void *b, size_t n) { return vec(SYS_writev, 1, b, n); }
static long write_null(void *b, size_t n) { return syscall(SYS_write, fd_null, b, n); }
static long writev_null(void *b, size_t n) { return vec(SYS_writev, fd_null, b, n); }
static long getrandom_(void *b, size_t n) { return syscall(SYS_getrandom, b, n, 0); }

/* A fresh descriptor each time, so every case reads from offset 0. */
static long read_file(void *b, size_t n)
{
	return fresh_fd_call(SYS_read, file_path, O_RDONLY, b, n);
}

static const struct bufcall bufcalls[] = {
	{ .name = "read /dev/zero", .call = read_zero, .dir = INTO, .src = zeros },
	{ .name = "read file", .call = read_file, .dir = INTO, .src = file_head },
	{ .name = "readv /dev/zero", .call = readv_zero, .dir = INTO, .src = zeros,
	  .iovec = true, .clamps_first = true },
	{ .name = "getrandom", .call = getrandom_, .dir = INTO, .clamps_first = true },
	{ .name = "write stdout", .call = write_stdout, .dir = FROM },
	{ .name = "writev stdout", .call = writev_stdout, .dir = FROM,
	  .iovec = true, .clamps_first = true },
	{ .name = "write /dev/null", .call = write_null, .dir = IGNORES },
	{ .name = "writev /dev/null", .call = writev_null, .dir = IGNORES,
	  .iovec = true, .clamps_first = true },
};

/* What Linux returns for c(p, n) when the buffer lies in rw up to `mapped`
 * bytes and everything after is unmapped. */
static long buf_expect(const struct bufcall *c, uintptr_t p, size_t n, size_t mapped, int *err)
{
	*err = c->iovec && n > SIZE_MAX / 2 ? EINVAL : EFAULT;
	if (*err == EINVAL)
		return -1; /* an iov_len above SSIZE_MAX is refused before anything else */
	if (c->clamps_first && n > MAX_RW_COUNT)
		n = MAX_RW_COUNT;
	if (!access_ok(p, n))
		return -1;
	if (n > MAX_RW_COUNT)
		n = MAX_RW_COUNT;
	if (c->dir == IGNORES)
		return n;
	return mapped < n ? (mapped ? (long)mapped : -1) : (long)n;
}

/* One case; `off` is where in rw the buffer starts, or -1 if it is not in rw. */
static void buf_case(const struct bufcall *c, uintptr_t p, size_t n, long off, const char *name)
{
	size_t mapped = off < 0 ? 0 : PAGE - off;
	int want_err;
	long want = buf_expect(c, p, n, mapped, &want_err);

	if (c->dir == FROM && want > 0 && (size_t)want < n)
		return; /* a pipe drops a partly faulting write, a console prints it */
	RUN(c->call((void *)p, n));
	if (off < 0 || c->dir != INTO)
		check(want, want_err, 0, 0, NULL, name);
	else
		check(want, want_err, off, off + (n < mapped ? n : mapped), c->src, name);
}

/* Makes the last LEN bytes of rw a TAP comment line, so that a write of
 * them to stdout is harmless in the TAP stream. */
static void tail_comment(void)
{
	unsigned char *p = rw + PAGE - LEN;

	memset(p, '.', LEN);
	memcpy(p, "# (written from the last bytes of the mapping) ", 47);
	p[LEN - 1] = '\n';
}

static void buf_cases(const struct bufcall *c)
{
	char len0[80];

	for (int i = 0; i < nbad; i++) {
		const struct bad *b = &bads[i];

		if ((b->flags & DEST_ONLY) && c->dir != INTO)
			continue;
		buf_case(c, b->addr, b->len, -1, case_name(c->name, b->name));
		if (b->flags & WITH_LEN)
			continue;
		/* Length 0 is not "nothing to check": access_ok(p, 0) still
		 * rejects p above TASK_SIZE_MAX. */
		snprintf(len0, sizeof len0, "%s, len 0", b->name);
		buf_case(c, b->addr, 0, -1, case_name(c->name, len0));
	}

	uintptr_t base = (uintptr_t)rw;
	memset(rw, 0xa5, PAGE);
	tail_comment();
	buf_case(c, base + PAGE - LEN, LEN, PAGE - LEN,
		 case_name(c->name, "buffer ending at last mapped byte"));
	/* x86-64 Linux copies byte-exactly up to the fault: a short count. */
	buf_case(c, base + PAGE - 16, LEN, PAGE - 16,
		 case_name(c->name, "64 bytes, last 48 unmapped"));
	/* Whether these lengths exceed MAX_RW_COUNT depends on where rw
	 * landed (it does with ASLR, not under setarch -R), and so do the
	 * results; buf_expect follows Linux either way. */
	buf_case(c, base, USER_MAX - base, 0, case_name(c->name, "len reaching TASK_SIZE_MAX"));
	buf_case(c, base, USER_MAX - base + 1, 0,
		 case_name(c->name, "len 1 past TASK_SIZE_MAX"));
}

/* iov[0] is a good 16-byte buffer, iov[1] a bad one. */
static void mixed_iov_case(const char *what, int nr, int fd, enum dir dir, const struct bad *b)
{
	struct iovec iov[2] = { { rw, 16 }, { (void *)b->addr, b->len } };
	char name[96];
	bool ok = access_ok(b->addr, b->len);
	long want = !ok ? -1 : dir == INTO ? 16 : (long)(16 + b->len);
	int want_err = b->len > SIZE_MAX / 2 ? EINVAL : EFAULT;

	if ((b->flags & DEST_ONLY) && dir != INTO)
		return;
	if (dir == FROM && ok)
		return; /* would write iov[0] on a console but not into a pipe */
	RUN(syscall(nr, fd, iov, 2));
	snprintf(name, sizeof name, "good iov[0], iov[1] %s", b->name);
	check(want, want_err, 0, dir == INTO ? 16 : 0, dir == INTO ? zeros : NULL,
	      case_name(what, name));
}

static void mixed_iov_cases(void)
{
	memset(rw, 0xa5, PAGE);
	for (int i = 0; i < nbad; i++) {
		/* import_iovec() runs access_ok on every element before any copy. */
		mixed_iov_case("readv /dev/zero", SYS_readv, fd_zero, INTO, &bads[i]);
		mixed_iov_case("writev /dev/null", SYS_writev, fd_null, IGNORES, &bads[i]);
		mixed_iov_case("writev stdout", SYS_writev, 1, FROM, &bads[i]);
	}
}

/* ---- calls that fill a fixed-size struct (out_cases, in badptr.h) --------- */

static long uname_(void *p) { return syscall(SYS_uname, p); }
static long clock_gettime_(void *p) { return syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p); }
static long gettimeofday_(void *p) { return syscall(SYS_gettimeofday, p, NULL); }
static long sysinfo_(void *p) { return syscall(SYS_sysinfo, p); }
static long fstat_(void *p) { return syscall(SYS_fstat, fd_zero, p); }
static long get_fs(void *p) { return syscall(SYS_arch_prctl, ARCH_GET_FS, p); }

static const struct outcall outcalls[] = {
	{ "uname", uname_, sizeof(struct utsname), false },
	{ "clock_gettime", clock_gettime_, sizeof(struct timespec), false },
	{ "gettimeofday", gettimeofday_, sizeof(struct timeval), true },
	{ "sysinfo", sysinfo_, 112, false }, /* the kernel's size; musl's struct is 368 */
	{ "fstat", fstat_, sizeof(struct stat), false },
	{ "arch_prctl(ARCH_GET_FS)", get_fs, sizeof(unsigned long), false },
};

/* ---- calls that read a struct or string ----------------------------------- */

static long readv_array(void *p) { return syscall(SYS_readv, fd_zero, p, 1); }
static long writev_array(void *p) { return syscall(SYS_writev, fd_null, p, 1); }

static long open_(void *p)
{
	long fd = syscall(SYS_open, p, O_RDONLY);

	if (fd >= 0)
		close(fd);
	return fd >= 0 ? 0 : fd;
}

static void iov_array_edges(const char *name, int nr, int fd, enum dir dir)
{
	struct iovec *iov = (struct iovec *)(rw + PAGE - sizeof *iov);

	memset(rw, 0xa5, PAGE);
	*iov = (struct iovec){ rw, 16 };
	RUN(syscall(nr, fd, iov, 1));
	check(16, 0, 0, dir == INTO ? 16 : 0, dir == INTO ? zeros : NULL,
	      case_name(name, "iovec array ending at last mapped byte"));
	RUN(syscall(nr, fd, iov, 2));
	check(-1, EFAULT, 0, 0, NULL, case_name(name, "iovec array running off mapping"));
}

int main(void)
{
	setup_arena();
	setup_bads();
	for (size_t i = 0; i < sizeof bufcalls / sizeof *bufcalls; i++)
		buf_cases(&bufcalls[i]);
	mixed_iov_cases();
	for (size_t i = 0; i < sizeof outcalls / sizeof *outcalls; i++)
		out_cases(&outcalls[i]);
	in_bad_cases("readv iovec array", readv_array);
	iov_array_edges("readv /dev/zero", SYS_readv, fd_zero, INTO);
	in_bad_cases("writev iovec array", writev_array);
	iov_array_edges("writev /dev/null", SYS_writev, fd_null, IGNORES);
	in_bad_cases("open", open_);
	path_edges("open", open_);
	return done_testing();
}

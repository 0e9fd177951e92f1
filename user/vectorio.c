/* user/vectorio.c — the vectored calls: readv and writev (their count is an
 * unsigned int), preadv and pwritev (an offset, the file position left
 * alone), preadv2 and pwritev2 (offset -1 is the file position; the RWF_*
 * flags as Linux answers them for a tmpfs file, a pipe and /dev/null).
 *
 * It works in a scratch directory on a tmpfs (user/scratch.h); raw
 * syscalls, so that libc checks nothing itself.
 */
#include <signal.h>
#include <sys/uio.h>

#include "scratch.h"

#define BAD ((void *)0xffff800000000000UL) /* a kernel address */
#define RWF_HIPRI 0x1
#define RWF_DSYNC 0x2
#define RWF_SYNC 0x4
#define RWF_NOWAIT 0x8
#define RWF_APPEND 0x10
#define RWF_NOAPPEND 0x20
#define RWF_ATOMIC 0x40
#define RWF_DONTCACHE 0x80
#define RWF_NOSIGNAL 0x100
#define RWF_UNKNOWN 0x200

static char a[8], b[8];
static struct iovec two[2] = { { a, 3 }, { b, 4 } };

static long pos_of(int fd) { return lseek(fd, 0, SEEK_CUR); }

static void counts(int fd)
{
	struct iovec one = { a, 5 };

	lseek(fd, 0, SEEK_SET);
	CHECK(syscall(SYS_readv, fd, two, 2), 7, 0, "readv of 3 + 4 bytes -> 7");
	tap_ok(!memcmp(a, "012", 3) && !memcmp(b, "3456", 4), "... in order across the segments");
	lseek(fd, 0, SEEK_SET);
	CHECK(syscall(SYS_readv, fd, &one, (1UL << 32) | 1), 5, 0, "readv count 1 << 32 | 1 is 1");
	CHECK(syscall(SYS_readv, fd, &one, 1UL << 32), 0, 0, "readv count 1 << 32 is 0");
	CHECK(syscall(SYS_writev, fd, &one, (1UL << 32) | 1025), -1, EINVAL, "writev count 1 << 32 | 1025 -> EINVAL");
	CHECK(syscall(SYS_preadv, fd, &one, (1UL << 32) | 1, 0, 0), 5, 0, "preadv count 1 << 32 | 1 is 1");
	CHECK(syscall(SYS_readv, fd, BAD, 1), -1, EFAULT, "readv(bad iovec) -> EFAULT");
}

static void positional(int fd)
{
	lseek(fd, 2, SEEK_SET);
	CHECK(syscall(SYS_preadv, fd, two, 2, 10L, 0L), 7, 0, "preadv at offset 10 -> 7");
	tap_ok(!memcmp(a, "abc", 3) && !memcmp(b, "defg", 4), "... the bytes at 10");
	tap_eq(pos_of(fd), 2, "... the file position stays at 2");
	CHECK(syscall(SYS_preadv, fd, two, 2, 10L, 0xdeadL), 7, 0, "preadv ignores the high offset word");
	CHECK(syscall(SYS_pwritev, fd, two, 2, 30L, 0L), 7, 0, "pwritev at 30 -> 7");
	tap_eq(pos_of(fd), 2, "... the file position stays at 2");
	CHECK(pread(fd, a, 7, 30), 7, 0, "pread it back");
	tap_ok(!memcmp(a, "abcdefg", 7), "... the bytes written");
	CHECK(syscall(SYS_preadv, fd, two, 2, -1L, 0L), -1, EINVAL, "preadv at offset -1 -> EINVAL");
	CHECK(syscall(SYS_pwritev, fd, two, 2, -1L, 0L), -1, EINVAL, "pwritev at offset -1 -> EINVAL");
	CHECK(syscall(SYS_preadv, 999, two, 2, -1L, 0L), -1, EINVAL, "preadv(bad fd, offset -1) -> EINVAL (offset first)");
	CHECK(syscall(SYS_preadv, 999, two, 2, 0L, 0L), -1, EBADF, "preadv(bad fd) -> EBADF");

	CHECK(syscall(SYS_preadv2, fd, two, 2, 10L, 0L, 0), 7, 0, "preadv2 at 10, flags 0 -> 7");
	tap_eq(pos_of(fd), 2, "... the file position stays at 2");
	CHECK(syscall(SYS_preadv2, fd, two, 2, -1L, 0L, 0), 7, 0, "preadv2 at offset -1 reads at the position");
	tap_ok(!memcmp(a, "234", 3), "... from 2");
	tap_eq(pos_of(fd), 9, "... and moves it to 9");
	CHECK(syscall(SYS_pwritev2, fd, two, 2, -1L, 0L, 0), 7, 0, "pwritev2 at offset -1");
	tap_eq(pos_of(fd), 16, "... moves the position to 16");
	CHECK(syscall(SYS_preadv2, fd, two, 2, -2L, 0L, 0), -1, EINVAL, "preadv2 at offset -2 -> EINVAL");
	CHECK(syscall(SYS_preadv2, 999, two, 2, -2L, 0L, 0), -1, EINVAL, "preadv2(bad fd, offset -2) -> EINVAL");
	CHECK(syscall(SYS_preadv2, 999, two, 2, -1L, 0L, 0), -1, EBADF, "preadv2(bad fd, offset -1) -> EBADF");
}

struct flagcase {
	const char *name;
	unsigned flag;
	int file, pipe, null; /* the errno for each, 0 if it works */
};

static const struct flagcase flags[] = {
	{ "RWF_HIPRI", RWF_HIPRI, 0, 0, 0 },
	{ "RWF_DSYNC", RWF_DSYNC, 0, 0, 0 },
	{ "RWF_SYNC", RWF_SYNC, 0, 0, 0 },
	{ "RWF_NOWAIT", RWF_NOWAIT, EOPNOTSUPP, 0, 0 },
	{ "RWF_APPEND", RWF_APPEND, 0, 0, 0 },
	{ "RWF_NOAPPEND", RWF_NOAPPEND, 0, 0, 0 },
	{ "RWF_ATOMIC", RWF_ATOMIC, EOPNOTSUPP, EOPNOTSUPP, EOPNOTSUPP },
	{ "RWF_DONTCACHE", RWF_DONTCACHE, EOPNOTSUPP, EOPNOTSUPP, EOPNOTSUPP },
	{ "RWF_NOSIGNAL", RWF_NOSIGNAL, 0, 0, 0 },
	{ "unknown flag 0x200", RWF_UNKNOWN, EOPNOTSUPP, EOPNOTSUPP, EOPNOTSUPP },
	{ "unknown flag 0x80000000", 0x80000000u, EOPNOTSUPP, EOPNOTSUPP, EOPNOTSUPP },
};

static void flag_cases(int fd)
{
	int p[2], null = open("/dev/null", O_RDWR);
	struct iovec one = { a, 3 }, none = { a, 0 };

	if (pipe(p) || null < 0)
		bail("pipe");
	for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
		const struct flagcase *c = &flags[i];

		CHECK(syscall(SYS_preadv2, fd, &one, 1, 0L, 0L, c->flag), c->file ? -1 : 3, c->file,
		      "preadv2(tmpfs file, %s)", c->name);
		CHECK(syscall(SYS_pwritev2, fd, &one, 1, 0L, 0L, c->flag), c->file ? -1 : 3, c->file,
		      "pwritev2(tmpfs file, %s)", c->name);
		CHECK(syscall(SYS_pwritev2, p[1], &one, 1, -1L, 0L, c->flag), c->pipe ? -1 : 3, c->pipe,
		      "pwritev2(pipe, %s)", c->name);
		CHECK(syscall(SYS_preadv2, p[0], &one, 1, -1L, 0L, c->flag), c->pipe ? -1 : 3, c->pipe,
		      "preadv2(pipe, %s)", c->name);
		CHECK(syscall(SYS_pwritev2, null, &one, 1, -1L, 0L, c->flag), c->null ? -1 : 3, c->null,
		      "pwritev2(/dev/null, %s)", c->name);
		CHECK(syscall(SYS_preadv2, fd, &none, 1, 0L, 0L, c->flag), 0, 0,
		      "preadv2(tmpfs file, nothing to read, %s) -> 0", c->name);
	}
	CHECK(syscall(SYS_preadv2, p[0], &one, 1, 0L, 0L, RWF_UNKNOWN), -1, ESPIPE,
	      "preadv2(pipe, offset 0, unknown flag) -> ESPIPE (before the flags)");
	CHECK(syscall(SYS_preadv2, p[0], &one, 1, -1L, 0L, RWF_NOWAIT), -1, EAGAIN,
	      "preadv2(empty pipe, RWF_NOWAIT) -> EAGAIN instead of waiting");
	CHECK(syscall(SYS_preadv2, fd, BAD, 1, 0L, 0L, RWF_UNKNOWN), -1, EFAULT,
	      "preadv2(bad iovec, unknown flag) -> EFAULT (the iovec first)");
	CHECK(syscall(SYS_preadv2, null, &one, 1, 0L, 0L, RWF_UNKNOWN), -1, EOPNOTSUPP,
	      "preadv2(/dev/null, unknown flag) -> EOPNOTSUPP");

	/* What APPEND and NOAPPEND do. */
	long size = lseek(fd, 0, SEEK_END);
	lseek(fd, 0, SEEK_SET);
	CHECK(syscall(SYS_pwritev2, fd, &one, 1, 5L, 0L, RWF_APPEND), 3, 0, "pwritev2(offset 5, RWF_APPEND)");
	tap_eq(lseek(fd, 0, SEEK_END), size + 3, "... appended at the end");
	int afd = open("v_file", O_WRONLY | O_APPEND);
	CHECK(syscall(SYS_pwritev2, afd, &one, 1, 5L, 0L, RWF_NOAPPEND), 3, 0,
	      "pwritev2(O_APPEND file, offset 5, RWF_NOAPPEND)");
	tap_eq(lseek(fd, 0, SEEK_END), size + 3, "... wrote at 5: the size is unchanged");
	CHECK(syscall(SYS_pwritev2, afd, &one, 1, 5L, 0L, RWF_NOAPPEND | RWF_APPEND), -1, EINVAL,
	      "pwritev2(RWF_NOAPPEND | RWF_APPEND) -> EINVAL");
	CHECK(syscall(SYS_pwritev2, afd, &one, 1, 5L, 0L, RWF_APPEND | RWF_UNKNOWN), -1, EOPNOTSUPP,
	      "pwritev2(RWF_APPEND | unknown flag) -> EOPNOTSUPP");
	close(afd);

	/* NOSIGNAL: a pipe with no reader is EPIPE without SIGPIPE. */
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	CHECK(syscall(SYS_pwritev2, p[1], &one, 1, -1L, 0L, 0), -1, EPIPE, "pwritev2 to a pipe without readers -> EPIPE");
	signal(SIGPIPE, SIG_DFL);
	CHECK(syscall(SYS_pwritev2, p[1], &one, 1, -1L, 0L, RWF_NOSIGNAL), -1, EPIPE,
	      "... with RWF_NOSIGNAL: EPIPE, and no SIGPIPE killed us");
	close(p[1]);
	close(null);
}

int main(void)
{
	scratch_enter("vectorio");
	int fd = open("v_file", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "0123456789abcdefghij", 20) != 20)
		bail("v_file");
	counts(fd);
	positional(fd);
	flag_cases(fd);
	close(fd);
	scratch_leave();
	return done_testing();
}

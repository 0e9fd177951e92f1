/* user/bk13_wpart.c — write/pwrite/writev into a tmpfs file from a buffer
 * that runs into an inaccessible page partway through.
 *
 * Linux copies page by page and stops at the first byte it cannot read:
 * the call returns the bytes copied before the fault (EFAULT only when
 * none were), the file grows by exactly that much, and the rest of the
 * file page stays as it was (zero past the end when it was a hole). A
 * kernel that copies straight from user memory into the file's page must
 * keep the same count and must not leave stale bytes behind the fault.
 */
#include <fcntl.h>
#include <sys/uio.h>

#include "bk13.h"

static char *edge;

/* The file's bytes [off, off+n) all equal c. */
static int file_is(int fd, off_t off, size_t n, int c, const char *what)
{
	static char buf[8 * PG];
	size_t bad = n;

	if ((size_t)pread(fd, buf, n, off) != n)
		return tap_ok(0, "%s: pread short", what);
	for (size_t i = 0; i < n && bad == n; i++)
		if (buf[i] != c)
			bad = i;
	tap_ok(bad == n, "%s", what);
	if (bad != n)
		tap_diag("byte %ld is %#x, want %#x", (long)(off + bad), buf[bad] & 0xff, c);
	return bad == n;
}

static int fresh(const char *name, int flags)
{
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC | flags, 0644);

	if (fd < 0)
		bail(name);
	return fd;
}

static off_t size_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? -1 : st.st_size;
}

/* write() of `good` readable bytes then the fault, at file offset off. */
static void write_case(off_t off, size_t good)
{
	int fd = fresh("w", 0);
	char what[64];

	memset(edge - good, 'B', good);
	lseek(fd, off, SEEK_SET);
	snprintf(what, sizeof what, "write off %ld good %zu", (long)off, good);
	TRY(write(fd, edge - good, good + 100), good ? (long)good : -1, EFAULT, "%s: count", what);
	tap_eq(lseek(fd, 0, SEEK_CUR), off + good, "%s: offset", what);
	tap_eq(size_of(fd), good ? off + good : 0, "%s: size", what);
	if (good)
		file_is(fd, off, good, 'B', "write: bytes copied");
	if (off)
		file_is(fd, 0, off, 0, "write: hole before is zero");
	/* Grow the file: what lies past the short write must read zero. */
	ftruncate(fd, off + good + 2 * PG);
	file_is(fd, off + good, 2 * PG, 0, "write: past the fault is zero");
	close(fd);
}

/* pwrite over existing data: only the copied bytes change. */
static void pwrite_over(off_t off, size_t good)
{
	int fd = fresh("p", 0);
	static char a[4 * PG];
	char what[64];

	memset(a, 'A', sizeof a);
	write(fd, a, sizeof a);
	lseek(fd, 7, SEEK_SET);
	memset(edge - good, 'C', good);
	snprintf(what, sizeof what, "pwrite over off %ld good %zu", (long)off, good);
	TRY(pwrite(fd, edge - good, good + 5000, off), (long)good, 0, "%s", what);
	tap_eq(lseek(fd, 0, SEEK_CUR), 7, "pwrite leaves offset");
	tap_eq(size_of(fd), (unsigned long)(off + good > sizeof a ? off + good : sizeof a), "pwrite over: size");
	file_is(fd, 0, off, 'A', "pwrite over: before unchanged");
	file_is(fd, off, good, 'C', "pwrite over: copied");
	if ((size_t)off + good < sizeof a)
		file_is(fd, off + good, sizeof a - off - good, 'A', "pwrite over: after the fault unchanged");
	close(fd);
}

static void append_case(void)
{
	int fd = fresh("a", O_APPEND);

	write(fd, "0123456789", 10);
	memset(edge - 3000, 'D', 3000);
	lseek(fd, 0, SEEK_SET);
	TRY(write(fd, edge - 3000, 6000), 3000, 0, "O_APPEND partial write");
	tap_eq(size_of(fd), 3010, "O_APPEND: size");
	tap_eq(lseek(fd, 0, SEEK_CUR), 3010, "O_APPEND: offset at end");
	file_is(fd, 10, 3000, 'D', "O_APPEND: bytes");
	TRY(pwrite(fd, edge, 10, 0), -1, EFAULT, "O_APPEND pwrite all bad");
	tap_eq(size_of(fd), 3010, "O_APPEND: size after EFAULT");
	close(fd);
}

static void vec_cases(void)
{
	static char one[PG + 50];
	int fd = fresh("v", 0);

	memset(one, 'E', sizeof one);
	memset(edge - 700, 'F', 700);
	struct iovec iov[3] = {
		{ one, sizeof one }, { edge - 700, 2000 }, { one, 10 },
	};
	TRY(writev(fd, iov, 3), (long)sizeof one + 700, 0, "writev: stops at the fault in iov[1]");
	file_is(fd, 0, sizeof one, 'E', "writev: iov[0]");
	file_is(fd, sizeof one, 700, 'F', "writev: iov[1] part");
	tap_eq(size_of(fd), sizeof one + 700, "writev: size");
	TRY(pwritev(fd, iov, 3, 3 * PG - 20), (long)sizeof one + 700, 0, "pwritev at 3*PG-20");
	tap_eq(size_of(fd), 3 * PG - 20 + sizeof one + 700, "pwritev: size");
	file_is(fd, sizeof one + 700, 3 * PG - 20 - sizeof one - 700, 0, "pwritev: hole is zero");
	file_is(fd, 3 * PG - 20 + sizeof one, 700, 'F', "pwritev: part");
	struct iovec bad[2] = { { edge, 10 }, { one, 10 } };
	TRY(writev(fd, bad, 2), -1, EFAULT, "writev: first iov bad");
	struct iovec zero[3] = { { one, 0 }, { edge, 0 }, { one, 5 } };
	TRY(pwritev(fd, zero, 3, 0), 5, 0, "pwritev: zero-length bad iov is skipped");
	close(fd);
}

int main(void)
{
	enter_scratch("bk13w");
	edge = fault_edge();
	size_t goods[] = { 0, 1, 100, 4095, 4096 - 100 };
	off_t offs[] = { 0, 100, 4000, 4096, 3 * PG - 1 };
	for (size_t i = 0; i < sizeof goods / sizeof *goods; i++)
		for (size_t j = 0; j < sizeof offs / sizeof *offs; j++)
			if (goods[i] || !j)
				write_case(offs[j], goods[i]);
	pwrite_over(10, 4000);
	pwrite_over(PG - 1, 2);
	pwrite_over(3 * PG + 100, 4000);
	append_case();
	vec_cases();
	return done_testing();
}

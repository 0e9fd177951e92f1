/* user/bk9_mapfile.c — file mappings that are cut up, forked, discarded
 * and used as the buffer of I/O on their own file. Ideas from LTP's
 * mmap/munmap/madvise tests, Linux's selftests mm/ (split mappings) and
 * xv6 usertests' "write from your own mapping", written fresh. Works in a
 * tmpfs scratch directory (user/scratch.h). Each rule was first seen on
 * Linux:
 *  - munmap/mprotect of a middle page leaves the outer pieces mapping the
 *    file at their own offsets; two mappings at different offsets alias.
 *  - MADV_DONTNEED on a private file mapping throws away its copies: the
 *    file's bytes come back. On a shared one the data is the file's and
 *    stays. MADV_REMOVE on a shared tmpfs mapping punches a hole.
 *  - a child forked after our private copy-on-write sees our copy; its own
 *    store to the private mapping reaches neither us nor the file.
 *  - write(fd, map, n) and read(fd, map, n) with the mapping of the same
 *    file as buffer work, also into the file's holes.
 *  - madvise on a file mapping: MADV_FREE and MADV_WIPEONFORK are EINVAL
 *    (anonymous private memory only); after MADV_DONTFORK a child has no
 *    such mapping (SIGSEGV), and MADV_DOFORK gives it back.
 *  - a shared writable mapping of an O_APPEND descriptor is allowed; a
 *    directory cannot be mapped (ENODEV); an offset at or past 2^63 is
 *    EOVERFLOW.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <sys/mman.h>

#include "child.h"
#include "scratch.h"

#define PAGE 4096

static int fd;

static char *map(size_t len, int prot, int flags, int f, off_t off)
{
	char *p = mmap(NULL, len, prot, flags, f, off);

	if (p == MAP_FAILED)
		bail("mmap");
	return p;
}

static char file_byte(off_t off)
{
	char c = '?';

	if (pread(fd, &c, 1, off) != 1)
		return '?';
	return c;
}

/* A fresh 4-page file whose page i is all 'a' + i. */
static void fresh(void)
{
	char page[PAGE];

	if (ftruncate(fd, 0))
		bail("ftruncate");
	for (int i = 0; i < 4; i++) {
		memset(page, 'a' + i, PAGE);
		if (pwrite(fd, page, PAGE, i * PAGE) != PAGE)
			bail("pwrite");
	}
}

/* Reads a byte: exit 0, or death by the signal the read raised. */
static int touch(void *at)
{
	return *(volatile char *)at & 0;
}

static void split_cases(void)
{
	fresh();
	char *p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	tap_ok(munmap(p + PAGE, PAGE) == 0, "munmap page 1 of a 4-page shared file mapping");
	tap_ok(mprotect(p + 2 * PAGE, PAGE, PROT_READ) == 0, "mprotect page 2 read-only");
	p[3 * PAGE + 7] = 'Z';
	tap_ok(file_byte(3 * PAGE + 7) == 'Z', "a store through page 3 lands at file offset 3 pages");
	tap_ok(p[2 * PAGE] == 'c' && p[0] == 'a', "pages 0 and 2 still show their own offsets");
	child_case(touch, p + PAGE, KILLED(SIGSEGV), "the unmapped page 1 -> SIGSEGV");
	tap_ok(mprotect(p + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE) == 0, "page 2 writable again");
	p[2 * PAGE + 1] = 'Y';
	tap_ok(file_byte(2 * PAGE + 1) == 'Y', "... and a store through it reaches the file");

	char *q = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * PAGE);
	q[5] = 'X';
	tap_ok(p[2 * PAGE + 5] == 'X', "a mapping at offset 2 pages aliases page 2 of the first");
	p[3 * PAGE + 9] = 'W';
	tap_ok(q[PAGE + 9] == 'W', "... and page 3 the other way round");
	munmap(q, 2 * PAGE);
	munmap(p, 4 * PAGE);
}

static void dontneed_cases(void)
{
	fresh();
	char *priv = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *sh = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	priv[0] = 'P';
	sh[PAGE] = 'S';
	tap_ok(priv[0] == 'P' && file_byte(0) == 'a', "a private store stays private");
	tap_ok(madvise(priv, 2 * PAGE, MADV_DONTNEED) == 0, "MADV_DONTNEED the private mapping");
	tap_ok(priv[0] == 'a', "... its copy is gone: the file's byte is back");
	tap_ok(priv[PAGE] == 'S', "... and it shows the file's current data");
	tap_ok(madvise(sh, 2 * PAGE, MADV_DONTNEED) == 0, "MADV_DONTNEED the shared mapping");
	tap_ok(sh[PAGE] == 'S', "... the shared store is the file's and stays");
	if (!tap_not_yet(2, "MADV_REMOVE (a hole punched in a shared file)")) {
		errno = 0;
		int r = madvise(sh + PAGE, PAGE, MADV_REMOVE);
		tap_syscall(r, errno, 0, 0, NULL, "MADV_REMOVE page 1 of the shared mapping -> 0");
		tap_ok(sh[PAGE] == 0 && file_byte(PAGE) == 0, "... punched a hole: zeros in the map and the file");
	}
	struct stat st;
	tap_ok(fstat(fd, &st) == 0 && st.st_size == 4 * PAGE, "... the size is unchanged");
	munmap(priv, 2 * PAGE);
	munmap(sh, 2 * PAGE);
}

static char *priv;

static int child_private(void *unused)
{
	(void)unused;
	if (priv[0] != 'M')
		return 1; /* our parent's copy */
	if (priv[PAGE] != 'b')
		return 2; /* the file's page */
	priv[0] = 'C';
	priv[PAGE] = 'C';
	return 0;
}

static void fork_cases(void)
{
	fresh();
	priv = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	priv[0] = 'M';
	child_case(child_private, NULL, EXITED(0),
		   "a child sees our private copy of page 0 and the file's page 1, then stores to both");
	tap_ok(priv[0] == 'M' && priv[PAGE] == 'b', "... neither store reached us");
	tap_ok(file_byte(0) == 'a' && file_byte(PAGE) == 'b', "... nor the file");
	pwrite(fd, "n", 1, PAGE);
	tap_ok(priv[PAGE] == 'n', "our untouched page 1 still follows the file");
	munmap(priv, 2 * PAGE);
}

static void advice_cases(void)
{
	fresh();
	char *sh = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *pv = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);

	CHECK(madvise(sh, PAGE, MADV_FREE), -1, EINVAL, "MADV_FREE of a shared file mapping -> EINVAL");
	CHECK(madvise(pv, PAGE, MADV_FREE), -1, EINVAL, "MADV_FREE of a private file mapping -> EINVAL");
	CHECK(madvise(sh, PAGE, MADV_WIPEONFORK), -1, EINVAL, "MADV_WIPEONFORK of a shared file mapping -> EINVAL");
	CHECK(madvise(pv, PAGE, MADV_WIPEONFORK), -1, EINVAL, "MADV_WIPEONFORK of a private file mapping -> EINVAL");
	CHECK(madvise(sh + PAGE, PAGE, MADV_DONTFORK), 0, 0, "MADV_DONTFORK page 1 of the shared mapping");
	child_case(touch, sh, EXITED(0), "... a child reads page 0");
	child_case(touch, sh + PAGE, KILLED(SIGSEGV), "... page 1 is not in the child -> SIGSEGV");
	CHECK(madvise(sh + PAGE, PAGE, MADV_DOFORK), 0, 0, "MADV_DOFORK it again");
	child_case(touch, sh + PAGE, EXITED(0), "... a child reads page 1");
	munmap(sh, 2 * PAGE);
	munmap(pv, PAGE);
}

static void self_io_cases(void)
{
	fresh();
	if (ftruncate(fd, 8 * PAGE))
		bail("ftruncate"); /* pages 4..7 are holes */
	char *p = map(8 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	tap_eq(pwrite(fd, p, 2 * PAGE, 5 * PAGE), 2 * PAGE,
	       "pwrite pages 0-1 of the file from its own mapping to offset 5 pages");
	tap_ok(p[5 * PAGE] == 'a' && p[6 * PAGE + 10] == 'b', "... the mapping shows the copy");
	tap_eq(pwrite(fd, p + 4 * PAGE, PAGE, 3 * PAGE), PAGE, "pwrite from a hole of the mapping");
	tap_ok(file_byte(3 * PAGE + 100) == 0, "... wrote zeros");
	tap_eq(pread(fd, p + 7 * PAGE, PAGE, 0), PAGE, "pread page 0 into the mapping's hole page 7");
	tap_ok(p[7 * PAGE + 1] == 'a' && file_byte(7 * PAGE + 2) == 'a', "... the file has it there");
	tap_eq(pwrite(fd, p + 100, PAGE, 200), PAGE, "pwrite from the mapping onto an overlapping range");
	tap_ok(p[200] == 'a' && p[PAGE + 50] == 'a' && p[PAGE + 300] == 'b',
	       "... 'a's run on into page 1, the bytes past the range stay 'b'");
	munmap(p, 8 * PAGE);
}

static void rule_cases(void)
{
	fresh();
	int ap = open("bk9", O_RDWR | O_APPEND);
	errno = 0;
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ap, 0);
	tap_syscall(p == MAP_FAILED ? -1 : 0, errno, 0, 0, NULL,
		    "MAP_SHARED|PROT_WRITE of an O_APPEND descriptor -> mapped");
	if (p != MAP_FAILED) {
		p[3] = 'A';
		tap_ok(file_byte(3) == 'A', "... a store goes to offset 3, not the end");
		munmap(p, PAGE);
	}
	close(ap);
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_PRIVATE, dir, 0), -1, ENODEV,
	      "mmap of a directory -> ENODEV");
	close(dir);
	CHECK(syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_SHARED, fd, 1ul << 63), -1, EOVERFLOW,
	      "offset 2^63 -> EOVERFLOW");
	CHECK(syscall(SYS_mmap, NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd, (1ul << 63) - PAGE), -1,
	      EOVERFLOW, "2 pages at 2^63 - 4096 -> EOVERFLOW");
	long r = syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_SHARED, fd, 1ul << 40);
	tap_ok(r > 0 && r < 0x800000000000, "offset 2^40, far past the end -> mapped");
	if (r > 0) {
		child_case(touch, (void *)r, KILLED(SIGBUS), "... and touching it -> SIGBUS");
		munmap((void *)r, PAGE);
	}
}

int main(void)
{
	scratch_enter("bk9_mapfile");
	fd = open("bk9", O_RDWR | O_CREAT, 0600);
	if (fd < 0)
		bail("open");
	split_cases();
	dontneed_cases();
	fork_cases();
	advice_cases();
	self_io_cases();
	rule_cases();
	close(fd);
	scratch_leave();
	return done_testing();
}

/* user/bk9_maptrunc.c — a mapped file that shrinks and grows under its
 * mappings. Ideas from LTP's ftruncate/mmap tests (truncate a mapped
 * file), gVisor's mmap SIGBUS tests and Linux's selftests mm/, written
 * fresh. Works in a tmpfs scratch directory. Each rule was first seen on
 * Linux:
 *  - truncating into the middle of the last page keeps that page mapped
 *    (the bytes past the end read 0) and keeps a private copy of it;
 *    truncating the page away takes it from every mapping, private copies
 *    too (SIGBUS), also in a child forked before.
 *  - a store through the mapping past EOF inside the last page is not
 *    part of the file (read stops at EOF).
 *  - the kernel copying to or from a mapped page past EOF gets EFAULT, and
 *    no signal: read(), write(); a pipe whose one copy faults part way
 *    takes nothing.
 *  - mlock of pages past EOF is ENOMEM; MAP_POPULATE over them is fine.
 *  - a file grown by a write far out makes the pages between readable
 *    zeros through the old mapping.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <sys/mman.h>

#include "child.h"
#include "scratch.h"

#define PAGE 4096

static int fd;

static char *map(size_t len, int prot, int flags)
{
	char *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED)
		bail("mmap");
	return p;
}

static void resize(off_t n)
{
	if (ftruncate(fd, n))
		bail("ftruncate");
}

static void fresh(void)
{
	char page[PAGE];

	resize(0);
	for (int i = 0; i < 2; i++) {
		memset(page, 'a' + i, PAGE);
		if (pwrite(fd, page, PAGE, i * PAGE) != PAGE)
			bail("pwrite");
	}
}

static int touch(void *at)
{
	return *(volatile char *)at;
}

static int store(void *at)
{
	*(volatile char *)at = 's';
	return 0;
}

static void shrink_cases(void)
{
	fresh();
	char *sh = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED);
	char *pv = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	pv[PAGE + 10] = 'P';
	resize(PAGE + 100);
	tap_ok(sh[PAGE + 99] == 'b' && sh[PAGE + 100] == 0 && sh[2 * PAGE - 1] == 0,
	       "truncate to 1 page + 100: page 1 keeps 100 bytes, zeros after");
	tap_ok(pv[PAGE + 10] == 'P' && pv[PAGE + 2000] == 'b', "... the private copy of page 1 stays");
	resize(PAGE);
	child_case(touch, sh + PAGE, KILLED(SIGBUS), "truncate to 1 page: shared page 1 -> SIGBUS");
	child_case(touch, pv + PAGE + 10, KILLED(SIGBUS), "... the private copy of page 1 -> SIGBUS");
	child_case(store, pv + PAGE, KILLED(SIGBUS), "... a store to it -> SIGBUS");
	tap_ok(sh[0] == 'a' && pv[0] == 'a', "page 0 still reads in both");
	munmap(sh, 2 * PAGE);
	munmap(pv, 2 * PAGE);
}

static void tail_cases(void)
{
	char buf[PAGE];

	fresh();
	resize(2048);
	char *sh = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED);
	sh[3000] = 'T';
	tap_eq(pread(fd, buf, PAGE, 0), 2048, "store past EOF in the last page; read stops at EOF");
	struct stat st;
	tap_ok(fstat(fd, &st) == 0 && st.st_size == 2048, "... the size stays 2048");
	munmap(sh, PAGE);
}

static void kernel_copy_cases(void)
{
	char buf[64] = "kernel";

	fresh();
	char *sh = map(3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED);
	CHECK(read(fd, sh + 2 * PAGE, 64), -1, EFAULT, "read() into a mapped page past EOF -> EFAULT");
	int p[2];
	if (pipe(p))
		bail("pipe");
	CHECK(write(p[1], sh + 2 * PAGE, 64), -1, EFAULT, "write() from a mapped page past EOF -> EFAULT");
	CHECK(write(p[1], sh + 2 * PAGE - 16, 64), -1, EFAULT,
	      "write() to a pipe of 16 bytes before EOF and 48 past -> EFAULT (the pipe keeps none)");
	close(p[0]);
	close(p[1]);
	CHECK(mlock(sh, 3 * PAGE), -1, ENOMEM, "mlock over a page past EOF -> ENOMEM");
	munlock(sh, 3 * PAGE);
	char *pop = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
	tap_ok(pop != MAP_FAILED, "MAP_POPULATE over a page past EOF -> mapped");
	if (pop != MAP_FAILED)
		munmap(pop, 3 * PAGE);
	CHECK(pwrite(fd, buf, 6, 5 * PAGE), 6, 0, "grow the file with a write at 5 pages");
	tap_ok(sh[2 * PAGE] == 0 && sh[3 * PAGE - 1] == 0, "... page 2 of the old mapping reads zeros now");
	sh[2 * PAGE + 5] = 'g';
	char c = 0;
	tap_ok(pread(fd, &c, 1, 2 * PAGE + 5) == 1 && c == 'g', "... and a store to it reaches the file");
	munmap(sh, 3 * PAGE);
}

static int wait_then_touch(void *arg)
{
	int *a = arg;
	char c;

	close(a[1]);
	read(a[0], &c, 1);
	return touch(*(char **)(a + 2));
}

static void fork_cases(void)
{
	int a[4];

	fresh();
	char *sh = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED);
	if (pipe(a))
		bail("pipe");
	char *at = sh + PAGE;
	memcpy(a + 2, &at, sizeof at);
	pid_t pid = spawn(wait_then_touch, a);
	close(a[0]);
	resize(PAGE);
	close(a[1]);
	tap_status(reap(pid), KILLED(SIGBUS), "a child forked before we truncate touches page 1 -> SIGBUS");
	resize(0);
	child_case(touch, sh, KILLED(SIGBUS), "truncate to 0: page 0 -> SIGBUS");
	CHECK(write(fd, "new", 3), 3, 0, "write 3 bytes into the empty file");
	tap_ok(sh[0] == 'n' && sh[2] == 'w' && sh[3] == 0, "... the old mapping shows them, then zeros");
	munmap(sh, 2 * PAGE);
}

int main(void)
{
	scratch_enter("bk9_maptrunc");
	fd = open("bk9", O_RDWR | O_CREAT, 0600);
	if (fd < 0)
		bail("open");
	shrink_cases();
	tail_cases();
	kernel_copy_cases();
	fork_cases();
	close(fd);
	scratch_leave();
	return done_testing();
}

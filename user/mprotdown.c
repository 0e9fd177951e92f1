/* user/mprotdown.c — mprotect that takes rights away acts on pages that are
 * already mapped, not only on those faulted in later. Each kind of page is
 * made present and writable first (a written private page, the zero page
 * under a read, a written shared page, a private copy of a file page, a
 * written shared file page); then:
 *   - PROT_READ: a store from ring 3 is SIGSEGV, a copy by the kernel into
 *     it (read from a pipe) is EFAULT, and the bytes are unchanged;
 *   - PROT_NONE: a load is SIGSEGV, a copy by the kernel out of it (write
 *     to a pipe) is EFAULT;
 *   - PROT_READ | PROT_WRITE again: the data is still there and writable.
 * The check is on the page-table entry, which the CPU obeys: an entry left
 * writable by an mprotect that only changed the area (a mutant of
 * mm/vma.c's vma_protect that skipped the entries when no right was added)
 * passes every test that faults its pages in after the mprotect. The last
 * page is left read-only and mapped at exit, where the SANITIZE=1 kernel's
 * W^X audit of the address space (mm/wxcheck.c) looks at it too. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "child.h"
#include "tap.h"

#define PAGE 4096

static volatile char *page;
static int fds[2];

static int store(void *a)
{
	(void)a;
	page[0] = 'x';
	return 0;
}

static int load(void *a)
{
	(void)a;
	return page[0] == 'x' ? 1 : 0;
}

/* The kernel's copy into the page: EFAULT unless it may be written. */
static long kernel_store(void)
{
	if (write(fds[1], "k", 1) != 1)
		bail("write pipe");
	errno = 0;
	long r = read(fds[0], (void *)page, 1);
	int e = errno;
	char c;
	if (r != 1 && read(fds[0], &c, 1) != 1) /* the byte the failed read left */
		bail("read pipe");
	errno = e;
	return r;
}

/* The kernel's copy out of the page: EFAULT unless it may be read. */
static long kernel_load(void)
{
	char c;
	errno = 0;
	long r = write(fds[1], (const void *)page, 1);
	if (r == 1 && read(fds[0], &c, 1) != 1)
		bail("read pipe");
	return r;
}

static void take_away(const char *kind, char want)
{
	tap_ok(mprotect((void *)page, PAGE, PROT_READ) == 0, "%s: mprotect PROT_READ", kind);
	long r = kernel_store(); /* before any fork write-protects private pages for COW */
	tap_syscall(r, errno, -1, EFAULT, NULL, "... read() from a pipe into it");
	tap_eq(page[0], want, "... its byte is unchanged");
	child_case(store, NULL, KILLED(SIGSEGV), "... a store");
	tap_ok(mprotect((void *)page, PAGE, PROT_NONE) == 0, "%s: mprotect PROT_NONE", kind);
	r = kernel_load();
	tap_syscall(r, errno, -1, EFAULT, NULL, "... write() to a pipe from it");
	child_case(load, NULL, KILLED(SIGSEGV), "... a load");
	tap_ok(mprotect((void *)page, PAGE, PROT_READ | PROT_WRITE) == 0,
	       "%s: mprotect PROT_READ|PROT_WRITE", kind);
	tap_eq(page[0], want, "... its byte is back");
	page[0] = 'w';
	tap_eq(page[0], 'w', "... and writable");
}

static char *map(int prot, int flags, int fd)
{
	char *p = mmap(NULL, PAGE, prot, flags, fd, 0);
	if (p == MAP_FAILED)
		bail("mmap");
	return p;
}

static int scratch_file(void)
{
	char name[] = "/tmp/mprotdown.XXXXXX";
	int fd = mkstemp(name);
	if (fd < 0 || unlink(name) || ftruncate(fd, PAGE) || pwrite(fd, "f", 1, 0) != 1)
		bail("scratch file");
	return fd;
}

int main(void)
{
	const int rw = PROT_READ | PROT_WRITE, anon = MAP_ANONYMOUS;
	if (pipe(fds))
		bail("pipe");
	int fd = scratch_file();

	page = map(rw, MAP_PRIVATE | anon, -1);
	page[0] = 'p';
	take_away("written private page", 'p');

	page = map(rw, MAP_PRIVATE | anon, -1);
	tap_eq(page[0], 0, "untouched private page reads 0 (the zero page)");
	take_away("zero page", 0);

	page = map(rw, MAP_SHARED | anon, -1);
	page[0] = 's';
	take_away("written shared page", 's');

	page = map(rw, MAP_PRIVATE, fd);
	page[0] = 'c';
	take_away("private copy of a file page", 'c');

	page = map(rw, MAP_SHARED, fd);
	page[0] = 'F';
	take_away("written shared file page", 'F');

	page[0] = 'e';
	tap_ok(mprotect((void *)page, PAGE, PROT_READ) == 0,
	       "a written page left read-only and mapped at exit");
	close(fd);
	return done_testing();
}

/* user/pagecache.c — file mappings and read/write meet in the same pages.
 *
 * On tmpfs (and faultline's ramfs) a file's data is its page cache: a
 * MAP_SHARED mapping maps those very pages, so a store through it is what
 * read(2) returns at once, and a write(2) is what every mapping shows. A
 * MAP_PRIVATE mapping shows the file's current data too, until its first
 * store to a page copies that page (copy-on-write); from then on that page
 * is its own. A page wholly past the end of the file is SIGBUS, also after a
 * truncate took it away; the part of the last page past the end reads as
 * zeros. A shared writable mapping needs a file open for writing (EACCES
 * from mmap, and from mprotect adding PROT_WRITE later); nothing maps a file
 * open only for writing. msync has nothing to write back on tmpfs, but its
 * argument checks are Linux's. The file lives in /dev/shm, a tmpfs on Linux.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"

#define PAGE 4096UL

static char path[64];
static int fd;

static char *map(size_t len, int prot, int flags, int f)
{
	char *p = mmap(NULL, len, prot, flags, f, 0);
	if (p == MAP_FAILED)
		bail("mmap");
	return p;
}

static char file_byte(off_t off)
{
	char c = 0x7f;
	if (pread(fd, &c, 1, off) != 1)
		bail("pread");
	return c;
}

static void put_byte(off_t off, char c)
{
	if (pwrite(fd, &c, 1, off) != 1)
		bail("pwrite");
}

static void shared_mappings(void)
{
	char *a = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	char *b = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);

	put_byte(10, 'w');
	tap_ok(a[10] == 'w' && b[10] == 'w', "write(2) shows at once in both shared mappings");
	a[PAGE + 5] = 'm';
	tap_ok(file_byte(PAGE + 5) == 'm', "a store through a shared mapping is what pread returns");
	tap_ok(b[PAGE + 5] == 'm', "... and what the other mapping (at %p, not %p) shows", (void *)b,
	       (void *)a);
	b[20] = 'b';
	tap_ok(a[20] == 'b', "a store through the second mapping shows in the first");
	tap_eq(msync(a, 2 * PAGE, MS_SYNC), 0, "msync(MS_SYNC) of the mapping -> 0");

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		a[30] = 'c';   /* the child's copy of the mapping is the same pages */
		_exit(b[10] == 'w' ? 0 : 1);
	}
	tap_status(reap(pid), EXITED(0), "a forked child sees the parent's shared data");
	tap_ok(a[30] == 'c' && file_byte(30) == 'c', "... and its store shows in the parent and the file");
	munmap(a, 2 * PAGE);
	munmap(b, 2 * PAGE);
}

static void private_mapping(void)
{
	char *p = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);

	put_byte(40, 'x');
	put_byte(PAGE + 40, 'y');
	tap_ok(p[40] == 'x' && p[PAGE + 40] == 'y', "a private mapping shows the file's current data");
	p[41] = 'P'; /* copies page 0 */
	tap_ok(file_byte(41) != 'P', "a store to a private mapping does not reach the file");
	put_byte(40, 'z');
	tap_ok(p[40] == 'x', "after its copy-on-write, page 0 no longer follows the file");
	put_byte(PAGE + 40, 'Y');
	tap_ok(p[PAGE + 40] == 'Y', "... while page 1, never written, still does");
	munmap(p, 2 * PAGE);
}

static int touch(void *at)
{
	return *(volatile char *)at == 0 ? 0 : 2;
}

static int store(void *at)
{
	*(volatile char *)at = 1;
	return 0;
}

static void past_the_end(void)
{
	char *p = map(3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd); /* the file has 2 pages */
	char *q = map(2 * PAGE, PROT_READ, MAP_PRIVATE, fd);

	child_case(touch, p + 2 * PAGE, KILLED(SIGBUS), "a read of a page wholly past EOF");
	tap_ok(q[PAGE + 40] == 'Y', "the private mapping reads page 1 before the truncate");
	if (ftruncate(fd, 100))
		bail("ftruncate");
	child_case(touch, p + PAGE, KILLED(SIGBUS), "after truncate to 100 bytes, a read of page 1");
	child_case(store, p + PAGE, KILLED(SIGBUS), "... a store to page 1");
	child_case(touch, q + PAGE, KILLED(SIGBUS), "... a read of page 1 of the private mapping");
	tap_ok(p[10] == 'w', "the bytes before the new end stay");
	child_case(touch, p + 200, EXITED(0), "the last page past the new end reads zeros");
	if (ftruncate(fd, 2 * PAGE))
		bail("ftruncate");
	tap_ok(p[PAGE + 5] == 0 && file_byte(PAGE + 5) == 0 && p[150] == 0,
	       "grown again, the truncated bytes are zeros, not the old data");
	munmap(p, 3 * PAGE);
	munmap(q, 2 * PAGE);
}

static void try_map(int f, int prot, int flags, int want, const char *what)
{
	errno = 0;
	void *p = mmap(NULL, PAGE, prot, flags, f, 0);
	int e = errno;
	tap_syscall(p == MAP_FAILED ? -1 : 0, e, want ? -1 : 0, want, NULL, "%s", what);
	if (p != MAP_FAILED)
		munmap(p, PAGE);
}

static void access_rules(void)
{
	int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY);
	if (ro < 0 || wo < 0)
		bail("open");
	try_map(ro, PROT_READ | PROT_WRITE, MAP_SHARED, EACCES, "O_RDONLY, PROT_WRITE, MAP_SHARED -> EACCES");
	try_map(ro, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0, "O_RDONLY, PROT_WRITE, MAP_PRIVATE -> ok");
	try_map(wo, PROT_READ, MAP_SHARED, EACCES, "O_WRONLY, PROT_READ, MAP_SHARED -> EACCES");
	try_map(wo, PROT_WRITE, MAP_SHARED, EACCES, "O_WRONLY, PROT_WRITE, MAP_SHARED -> EACCES");
	try_map(wo, PROT_READ, MAP_PRIVATE, EACCES, "O_WRONLY, MAP_PRIVATE -> EACCES");

	char *p = map(PAGE, PROT_READ, MAP_SHARED, ro);
	errno = 0;
	int r = mprotect(p, PAGE, PROT_READ | PROT_WRITE);
	tap_syscall(r, errno, -1, EACCES, NULL, "mprotect(PROT_WRITE) of a shared O_RDONLY mapping -> EACCES");
	tap_eq(mprotect(p, PAGE, PROT_NONE), 0, "... mprotect(PROT_NONE) of it -> 0");
	munmap(p, PAGE);
	p = map(PAGE, PROT_READ, MAP_PRIVATE, ro);
	tap_eq(mprotect(p, PAGE, PROT_READ | PROT_WRITE), 0, "mprotect(PROT_WRITE) of a private one -> 0");
	p[0] = 'q';
	tap_ok(file_byte(0) != 'q', "... and its store stays private");
	munmap(p, PAGE);
	close(ro);
	close(wo);
}

static void msync_rules(void)
{
	char *p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	munmap(p + 2 * PAGE, 2 * PAGE); /* nothing else is mapped there now */
	struct { int flags; long off, len; int want; const char *what; } c[] = {
		{ MS_ASYNC, 0, 2 * PAGE, 0, "msync(MS_ASYNC) -> 0" },
		{ MS_INVALIDATE, 0, PAGE, 0, "msync(MS_INVALIDATE) -> 0" },
		{ MS_SYNC, 0, 0, 0, "msync of length 0 -> 0" },
		{ MS_ASYNC | MS_SYNC, 0, PAGE, EINVAL, "MS_ASYNC | MS_SYNC -> EINVAL" },
		{ 8, 0, PAGE, EINVAL, "an unknown flag -> EINVAL" },
		{ MS_SYNC, 1, PAGE, EINVAL, "a misaligned start -> EINVAL" },
		{ MS_SYNC, 0, 4 * PAGE, ENOMEM, "a range past the mapping -> ENOMEM" },
		{ MS_ASYNC, 0, -PAGE, ENOMEM, "a length that wraps -> ENOMEM" },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		errno = 0;
		int r = msync(p + c[i].off, c[i].len, c[i].flags);
		tap_syscall(r, errno, c[i].want ? -1 : 0, c[i].want, NULL, "%s", c[i].what);
	}
	munmap(p + PAGE, PAGE);
	errno = 0;
	int r = msync(p, 2 * PAGE, MS_ASYNC);
	tap_syscall(r, errno, -1, ENOMEM, NULL, "msync over a hole -> ENOMEM");
	if (mlock(p, PAGE))
		bail("mlock");
	errno = 0;
	r = msync(p, PAGE, MS_INVALIDATE);
	tap_syscall(r, errno, -1, EBUSY, NULL, "MS_INVALIDATE of a locked mapping -> EBUSY");
	munmap(p, PAGE);
}

/* A file's pages are where its data is: holes hold none. */
static void sparse(void)
{
	struct stat st;
	int f = open(path, O_RDWR | O_TRUNC);
	if (f < 0 || ftruncate(f, 1 << 20) || fstat(f, &st))
		bail("sparse file");
	tap_eq(st.st_blocks, 0, "a 1 MiB file made by ftruncate holds no blocks");
	char *p = map(1 << 20, PROT_READ, MAP_SHARED, f);
	tap_ok(p[4 * PAGE] == 0, "its hole reads as zeros through a mapping");
	if (fstat(f, &st))
		bail("fstat");
	tap_eq(st.st_blocks, 8, "... and that read fault gave the page a frame, as tmpfs does");
	if (pwrite(f, "d", 1, 512 << 10) != 1 || fstat(f, &st))
		bail("pwrite");
	tap_eq(st.st_blocks, 16, "one byte written holds one more page");
	unsigned char vec[2] = { 0xff, 0xff };
	tap_ok(mincore(p + (512 << 10), 2 * PAGE, vec) == 0 && (vec[0] & 1) && !(vec[1] & 1),
	       "mincore: the written page is resident before the mapping touched it, the hole is not");
	tap_ok(p[512 << 10] == 'd', "... which the mapping shows");
	munmap(p, 1 << 20);
	close(f);
}

/* The mapping holds the file: unlinked and closed, the data lives on. */
static void unlinked(void)
{
	char *p = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	p[0] = 'u';
	close(fd);
	tap_eq(unlink(path), 0, "unlink the mapped file");
	p[1] = 'v';
	tap_ok(p[0] == 'u' && p[1] == 'v', "the mapping still holds the data after close and unlink");
	munmap(p, 2 * PAGE);
}

int main(void)
{
	snprintf(path, sizeof path, "/dev/shm/pagecache.%d", getpid());
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || ftruncate(fd, 2 * PAGE))
		bail("create the file");
	shared_mappings();
	private_mapping();
	past_the_end();
	access_rules();
	msync_rules();
	sparse();
	unlinked();
	return done_testing();
}

/* user/bk9_shmswap.c — a shared-memory object larger than half of RAM,
 * mapped shared by us and privately by a child, then truncated and grown
 * again while its pages and the child's private copies are out in swap.
 * Ideas from LTP's mmap/ftruncate-under-pressure tests and Linux's
 * selftests mm/ (truncate of swapped shmem), written fresh. Every rule is
 * a plain data rule, so it holds on Linux without swap as well:
 *  - every page comes back with its own contents, whichever process
 *    touched it last, after the pressure of the other process's copies.
 *  - a truncate takes away the pages past the new end, also the child's
 *    private copies of them (SIGBUS for the child), wherever they are; a
 *    grow after it shows zeros, never the old pages out of swap.
 *  - the child's private copies of pages below the end stay its own, and
 *    process_vm_readv of its mapping gives them (and the file's pages
 *    where it made none), wherever they are; past the end it is EFAULT.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "child.h"
#include "swap.h"

#define NAME "/bk9_shmswap"
#define SIZE (48 * MIB)
#define NPAGES (SIZE / PAGE)

static char *sh;  /* ours, MAP_SHARED */
static char *pv;  /* the child's, MAP_PRIVATE (mapped before the fork) */
static int fd;

static uint64_t word(size_t page, uint64_t seed)
{
	return (page << 20) ^ seed;
}

static void fill(char *p, size_t page, uint64_t seed)
{
	uint64_t *w = (uint64_t *)(p + page * PAGE);

	for (size_t i = 0; i < PAGE / 8; i++)
		w[i] = word(page, seed) + i;
}

static bool holds(const char *p, size_t page, uint64_t seed)
{
	const uint64_t *w = (const uint64_t *)(p + page * PAGE);

	for (size_t i = 0; i < PAGE / 8; i++)
		if (w[i] != word(page, seed) + i)
			return false;
	return true;
}

static bool zero_page(const char *p, size_t page)
{
	const uint64_t *w = (const uint64_t *)(p + page * PAGE);

	for (size_t i = 0; i < PAGE / 8; i++)
		if (w[i])
			return false;
	return true;
}

static int touch(void *at)
{
	return *(volatile char *)at;
}

/* The child: copy-on-write every 4th page with seed 2, report, then wait
 * for the truncate and check what it sees. Exit 0 if all held. */
static int child(void *pipes)
{
	int *p = pipes;
	char c = 'c';

	close(p[0]);
	close(p[3]);
	for (size_t i = 0; i < NPAGES; i += 4)
		fill(pv, i, 2);
	write(p[1], &c, 1);
	read(p[2], &c, 1); /* the parent truncated to half and touched everything */
	for (size_t i = 0; i < NPAGES / 2; i++)
		if (!holds(pv, i, i % 4 ? 1 : 2))
			return 10;
	if (reap(spawn(touch, pv + (NPAGES / 2 + 4) * PAGE)) != KILLED(SIGBUS))
		return 11; /* a private copy past the end */
	if (reap(spawn(touch, pv + (NPAGES / 2 + 5) * PAGE)) != KILLED(SIGBUS))
		return 12; /* a file page past the end */
	return 0;
}

int main(void)
{
	shm_unlink(NAME);
	fd = shm_open(NAME, O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0 || ftruncate(fd, SIZE))
		bail("shm_open");
	sh = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	pv = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (sh == MAP_FAILED || pv == MAP_FAILED)
		bail("mmap");
	for (size_t i = 0; i < NPAGES; i++)
		fill(sh, i, 1);

	int p[4];
	char c;
	if (pipe(p) || pipe(p + 2))
		bail("pipe");
	pid_t pid = spawn(child, p);
	close(p[1]);
	close(p[2]);
	tap_ok(read(p[0], &c, 1) == 1, "the child made private copies of every 4th page of 48 MiB");

	size_t bad = 0;
	for (size_t i = 0; i < NPAGES; i++)
		bad += !holds(sh, i, 1);
	tap_eq(bad, 0, "every page of our shared mapping still holds our data");
	for (size_t i = 0; i < NPAGES; i += 2)
		fill(sh, i, 3);
	if (ftruncate(fd, SIZE / 2))
		bail("ftruncate");
	tap_ok(ftruncate(fd, SIZE) == 0, "truncate to 24 MiB and grow back to 48 MiB");
	bad = 0;
	for (size_t i = NPAGES / 2; i < NPAGES; i++)
		bad += !zero_page(sh, i);
	tap_eq(bad, 0, "the upper 24 MiB reads zeros, not the old pages");
	bad = 0;
	for (size_t i = 0; i < NPAGES / 2; i++)
		bad += !holds(sh, i, i % 2 ? 1 : 3);
	tap_eq(bad, 0, "the lower 24 MiB holds our latest data");
	/* The child sees the file's new data where it made no copy. */
	for (size_t i = 0; i < NPAGES / 2; i++)
		if (i % 2 == 0 && i % 4)
			fill(sh, i, 1);
	if (ftruncate(fd, SIZE / 2))
		bail("ftruncate");
	char *buf = map_anon(SIZE / 2);
	struct iovec l = { buf, SIZE / 2 }, r = { pv, SIZE / 2 };
	tap_eq(syscall(SYS_process_vm_readv, pid, &l, 1, &r, 1, 0), SIZE / 2,
	       "process_vm_readv of the child's private mapping, lower 24 MiB");
	bad = 0;
	for (size_t i = 0; i < NPAGES / 2; i++)
		bad += !holds(buf, i, i % 4 ? 1 : 2);
	tap_eq(bad, 0, "... its copies where it made them, the file's pages elsewhere");
	r.iov_base = pv + SIZE / 2;
	l.iov_len = r.iov_len = PAGE;
	SYSCALL_CASE(-1, EFAULT, "... its page past the new end -> EFAULT", SYS_process_vm_readv, pid,
		     &l, 1, &r, 1, 0);
	munmap(buf, SIZE / 2);
	close(p[3]);
	tap_status(reap(pid), EXITED(0),
		   "the child kept its private copies below the end and got SIGBUS past it");
	munmap(sh, SIZE);
	munmap(pv, SIZE);
	close(fd);
	tap_ok(shm_unlink(NAME) == 0, "remove the object");
	tap_diag("pswpout %ld, pswpin %ld", proc_value("/proc/vmstat", "pswpout"),
		 proc_value("/proc/vmstat", "pswpin"));
	return done_testing();
}

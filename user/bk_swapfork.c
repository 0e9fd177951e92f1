/* user/bk_swapfork.c — no data lost when copy-on-write pages, shared pages
 * and read-only pages are pushed to swap and back, on either side of a
 * fork, with mprotect, DONTNEED, munmap and kernel-side copies (read() into
 * a swapped-out COW page) in between; then under real memory pressure.
 *
 * Inspired by: LTP madvise11 (MADV_PAGEOUT)/madvise06 and swapping01
 * (data survives swap), ksm-less variants of LTP fork+swap tests, Linux
 * selftests mm/cow.c (COW of a swapped-out page, "R/O pinned" cases) and
 * mm/madv_populate.c; gVisor mmap_test's fork + mprotect cases.
 * Runs on the swap machine (64 MiB of RAM); on a host without swap the
 * PAGEOUTs are no-ops and only the data checks mean anything.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "child.h"
#include "swap.h"

#define NP 1024 /* 4 MiB */
static char *priv, *shared;
static int go[2], done[2];

static void wait_for(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		_exit(90);
}

static int child(void *a)
{
	(void)a;
	close(go[1]);
	close(done[0]);
	/* 1: the parent has paged everything out; write odd pages */
	wait_for(go[0]);
	if (bad_pages(priv, 0, NP, 1, 1))
		return 1;
	fill_pages(priv, 1, NP - 1, 2, 2);
	madvise(priv, NP * PAGE, MADV_PAGEOUT);
	/* a kernel copy into a swapped-out, still-shared COW page */
	int fd = open("/dev/zero", O_RDONLY);
	madvise(priv, 2 * PAGE, MADV_PAGEOUT);
	if (read(fd, priv, 64) != 64 || priv[0] != 0 || priv[64] == 0)
		return 2;
	close(fd);
	fill_pages(shared, 0, NP, 1, 3);
	madvise(shared, NP * PAGE, MADV_PAGEOUT);
	write(done[1], "1", 1);
	/* 2: the parent changed things; our copies must not move */
	wait_for(go[0]);
	if (bad_pages(priv, 1, NP - 1, 2, 2) || bad_pages(priv, 2, NP - 2, 2, 1))
		return 3;
	if (bad_pages(shared, 0, NP / 2, 1, 4) || bad_pages(shared, NP / 2, NP / 2, 1, 3))
		return 4;
	/* munmap in the child: the parent keeps its pages */
	munmap(priv, NP * PAGE / 2);
	write(done[1], "2", 1);
	return 0;
}

static void phase1(void)
{
	priv = map_anon(NP * PAGE);
	shared = mmap(NULL, NP * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED || pipe(go) || pipe(done))
		bail("setup");
	fill_pages(priv, 0, NP, 1, 1);
}

int main(void)
{
	phase1();
	pid_t pid = spawn(child, NULL);
	char c;

	close(go[0]);
	close(done[1]);
	tap_try(madvise(priv, NP * PAGE, MADV_PAGEOUT), 0, 0, "parent pages out 4 MiB shared COW with the child");
	write(go[1], "1", 1);
	tap_eq(read(done[0], &c, 1), 1, "child wrote odd pages, paged out, read() into a swapped COW page");
	tap_eq(bad_pages(priv, 0, NP, 1, 1), 0, "parent's pages are all still seed 1");
	tap_eq(bad_pages(shared, 0, NP, 1, 3), 0, "the shared area shows the child's data after its page-out");

	/* read-only, paged out, made writable again, half rewritten, paged out */
	tap_try(mprotect(priv, NP * PAGE, PROT_READ), 0, 0, "mprotect read-only");
	madvise(priv, NP * PAGE, MADV_PAGEOUT);
	tap_eq(bad_pages(priv, 0, NP, 1, 1), 0, "read back read-only after page-out");
	madvise(priv, NP * PAGE, MADV_PAGEOUT);
	tap_try(mprotect(priv, NP * PAGE, PROT_READ | PROT_WRITE), 0, 0, "mprotect writable again");
	fill_pages(priv, 0, NP, 2, 5);
	fill_pages(shared, 0, NP / 2, 1, 4);
	madvise(priv, NP * PAGE, MADV_PAGEOUT);
	madvise(shared, NP * PAGE, MADV_PAGEOUT);
	tap_eq(bad_pages(priv, 0, NP, 2, 5) + bad_pages(priv, 1, NP - 1, 2, 1), 0,
	       "parent: even pages seed 5, odd seed 1");
	write(go[1], "2", 1);
	tap_eq(read(done[0], &c, 1), 1, "child still sees its own copies, then unmaps half");
	tap_status(reap(pid), EXITED(0), "child");
	tap_eq(bad_pages(priv, 0, NP, 2, 5) + bad_pages(priv, 1, NP - 1, 2, 1), 0,
	       "parent's pages intact after the child's munmap and exit");

	/* DONTNEED on swapped-out pages gives zeros */
	madvise(priv, NP * PAGE, MADV_PAGEOUT);
	tap_try(madvise(priv, 16 * PAGE, MADV_DONTNEED), 0, 0, "DONTNEED 16 swapped-out pages");
	tap_eq(priv[0] | priv[16 * PAGE - 1], 0, "they read zero");
	tap_eq(bad_pages(priv, 17, NP - 17, 2, 1), 0, "the rest still come back from swap");

	/* pressure: a child touches much more than RAM while our data waits */
	size_t big = pressure_size(2);
	fill_pages(priv, 0, NP, 1, 6);
	pid = fork();
	if (pid == 0) {
		char *p = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(1);
		for (size_t i = 0; i < big; i += PAGE)
			p[i] = (char)(i >> 12);
		for (size_t i = 0; i < big; i += PAGE)
			if (p[i] != (char)(i >> 12))
				_exit(2);
		_exit(bad_pages(priv, 0, NP, 1, 6) ? 3 : 0);
	}
	tap_status(reap(pid), EXITED(0), "a child touches %zu MiB and still sees our data", big / MIB);
	tap_eq(bad_pages(priv, 0, NP, 1, 6), 0, "parent's 4 MiB survived the pressure");
	tap_eq(bad_pages(shared, 0, NP / 2, 1, 4) + bad_pages(shared, NP / 2, NP / 2, 1, 3), 0,
	       "the shared area survived the pressure");
	return done_testing();
}

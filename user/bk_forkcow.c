/* user/bk_forkcow.c — isolation across fork: copy-on-write of every kind of
 * private page (touched, untouched, zero page, read-only, PROT_NONE),
 * mprotect and munmap on one side after fork, MAP_SHARED against
 * MAP_PRIVATE, MADV_DONTNEED on each side, and three generations.
 *
 * Inspired by: gVisor test/syscalls/linux/fork.cc (PrivateMapping,
 * SharedMapping, MprotectAfterFork-like cases, "Alternate" writes), LTP
 * fork05/fork09 and mmap/madvise COW checks (madvise10 MADV_WIPEONFORK
 * analogue: DONTNEED on one side only), xv6 usertests forkfork and "pgbug",
 * Linux selftests mm/cow.c (a read-only private page made writable after
 * fork must still be copied).
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "child.h"
#include "swap.h"

static char *priv, *shared, *ro, *none, *zero;
static int fds[2];

static void setup(void)
{
	priv = map_anon(4 * PAGE);
	zero = map_anon(PAGE); /* only read before fork: the zero page */
	shared = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ro = map_anon(PAGE);
	none = map_anon(PAGE);
	if (shared == MAP_FAILED)
		bail("mmap shared");
	memset(priv, 'P', 3 * PAGE); /* page 3 stays untouched */
	memset(shared, 'S', 2 * PAGE);
	memset(ro, 'R', PAGE);
	memset(none, 'N', PAGE);
	if (zero[100] != 0)
		bail("zero");
	if (mprotect(ro, PAGE, PROT_READ) || mprotect(none, PAGE, PROT_NONE))
		bail("mprotect");
	if (pipe(fds))
		bail("pipe");
}

/* The child writes everything it may (after making it writable) and
 * reports through exit status whether it saw the parent's state. */
static int child_writer(void *a)
{
	(void)a;
	if (priv[0] != 'P' || shared[0] != 'S' || ro[0] != 'R' || zero[0] != 0)
		return 1;
	memset(priv, 'c', 4 * PAGE);
	zero[5] = 'z';
	if (mprotect(ro, PAGE, PROT_READ | PROT_WRITE) || mprotect(none, PAGE, PROT_READ | PROT_WRITE))
		return 2;
	if (none[0] != 'N')
		return 3;
	ro[0] = 'w';
	none[0] = 'w';
	shared[0] = 'c';
	return 0;
}

static void child_writes(void)
{
	child_case(child_writer, NULL, EXITED(0), "child sees parent's data and writes all of it");
	tap_ok(priv[0] == 'P' && priv[3 * PAGE - 1] == 'P' && priv[3 * PAGE] == 0,
	       "parent's private pages unchanged (touched and untouched)");
	tap_eq(zero[5], 0, "parent's zero-page mapping unchanged");
	tap_eq(ro[0], 'R', "read-only page made writable in the child: parent unchanged");
	tap_try(mprotect(none, PAGE, PROT_READ), 0, 0, "parent makes its PROT_NONE page readable");
	tap_eq(none[0], 'N', "PROT_NONE page made writable in the child: parent unchanged");
	tap_eq(shared[0], 'c', "MAP_SHARED: the child's write is seen");
}

/* The parent writes after fork; the child, waiting on a pipe, must not see it. */
static void parent_writes(void)
{
	char c;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (read(fds[0], &c, 1) != 1)
			_exit(9);
		if (priv[0] != 'P' || priv[3 * PAGE] != 0 || ro[0] != 'R')
			_exit(1);
		if (shared[PAGE] != 'p')
			_exit(2);
		if (zero[7] != 0)
			_exit(3);
		_exit(0);
	}
	memset(priv, 'q', 4 * PAGE);
	zero[7] = 1;
	mprotect(ro, PAGE, PROT_READ | PROT_WRITE);
	ro[0] = 'q';
	shared[PAGE] = 'p';
	write(fds[1], "g", 1);
	tap_status(reap(pid), EXITED(0), "parent's writes after fork stay in the parent, shared ones do not");
	memset(priv, 'P', 3 * PAGE);
	memset(priv + 3 * PAGE, 0, PAGE);
	ro[0] = 'R';
	mprotect(ro, PAGE, PROT_READ);
}

static int unmap_and_dontneed(void *a)
{
	(void)a;
	/* The child throws its copies away; the parent must keep its data. */
	if (madvise(priv, 4 * PAGE, MADV_DONTNEED) || priv[0] != 0)
		return 1;
	if (madvise(shared, 2 * PAGE, MADV_DONTNEED) || shared[PAGE] != 'p')
		return 2;
	if (munmap(ro, PAGE) || munmap(shared, 2 * PAGE))
		return 3;
	return 0;
}

static void child_discards(void)
{
	child_case(unmap_and_dontneed, NULL, EXITED(0),
		   "child: DONTNEED zeroes private, keeps shared; munmap both");
	tap_ok(priv[0] == 'P' && priv[2 * PAGE + 5] == 'P', "parent's private data kept");
	tap_ok(shared[0] == 'c' && shared[PAGE] == 'p', "parent's shared data kept");
	tap_eq(ro[0], 'R', "parent's read-only page kept");
}

/* Three generations: each writes its own mark and checks the others'. */
static int grandchild(void *a)
{
	(void)a;
	if (priv[0] != 'C' || priv[PAGE] != 'P')
		return 1;
	priv[0] = 'G';
	shared[0] = 'G';
	return 0;
}

static int middle(void *a)
{
	(void)a;
	priv[0] = 'C';
	int st = reap(spawn(grandchild, NULL));
	if (st != EXITED(0))
		return 10 + (st & 0xff);
	if (priv[0] != 'C' || shared[0] != 'G')
		return 2;
	return 0;
}

static void generations(void)
{
	child_case(middle, NULL, EXITED(0), "forkfork: child and grandchild each keep their own copy");
	tap_eq(priv[0], 'P', "grandparent's copy untouched");
	tap_eq(shared[0], 'G', "grandchild's shared write reached the grandparent");
}

/* Many forks that write the same COW page while the parent keeps writing it. */
static int scribble(void *a)
{
	long i = (long)a;

	for (int k = 0; k < 4 * (int)PAGE; k += 64)
		priv[k] = (char)i;
	for (int k = 0; k < 4 * (int)PAGE; k += 64)
		if (priv[k] != (char)i)
			return 1;
	return 0;
}

static void alternate(void)
{
	int bad = 0;

	for (long i = 0; i < 50; i++) {
		pid_t pid = spawn(scribble, (void *)i);
		priv[i] = 'x';
		bad += reap(pid) != EXITED(0);
	}
	tap_eq(bad, 0, "50 children scribble over pages the parent writes at the same time");
	int lost = 0;
	for (long i = 0; i < 50; i++)
		lost += priv[i] != 'x';
	for (long k = 64; k < 3 * (long)PAGE; k += 64)
		lost += priv[k] != 'P';
	tap_eq(lost, 0, "the parent sees only its own writes");
}

int main(void)
{
	setup();
	child_writes();
	parent_writes();
	child_discards();
	generations();
	alternate();
	return done_testing();
}

/* user/bk_mlock2.c — the mlock family seen through what it changes:
 * residency (mincore), which madvise calls a locked area refuses, splitting
 * a locked area with munlock and mprotect, MCL_FUTURE for later mappings,
 * and fork not inheriting locks.
 *
 * Inspired by: Linux selftests mm/mlock2-tests.c (MLOCK_ONFAULT leaves
 * untouched pages out, touched ones in; lock/unlock of part of an area),
 * mm/mlock-random-test.c; gVisor test/syscalls/linux/mlock.cc (MCL_FUTURE,
 * fork drops locks, mlock of PROT_NONE); LTP mlock01..04, mlock201..203,
 * mlockall01..03, munlock01/02.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "swap.h"

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

static long mlock2_(void *p, size_t len, int flags)
{
	return syscall(SYS_mlock2, p, len, flags);
}

static void onfault(void)
{
	char *p = map_anon(8 * PAGE);

	tap_try(mlock2_(p, 8 * PAGE, 2), -1, EINVAL, "mlock2(unknown flag) -> EINVAL");
	tap_try(mlock2_(p, 8 * PAGE, MLOCK_ONFAULT), 0, 0, "mlock2(ONFAULT) on 8 untouched pages");
	tap_resident(p, 8 * PAGE, 0, "ONFAULT brings nothing in");
	p[3 * PAGE] = 1;
	p[5 * PAGE] = 1;
	tap_resident(p, 8 * PAGE, 2, "the two touched pages are in");
	tap_try(madvise(p, 8 * PAGE, MADV_DONTNEED), -1, EINVAL, "DONTNEED of a locked area -> EINVAL");
	tap_try(madvise(p, 8 * PAGE, MADV_PAGEOUT), -1, EINVAL, "PAGEOUT of a locked area -> EINVAL");
	tap_try(mlock(p, 8 * PAGE), 0, 0, "mlock (not ONFAULT) over it");
	tap_resident(p, 8 * PAGE, 8, "now all 8 are in");
	tap_try(munlock(p + 2 * PAGE, 2 * PAGE), 0, 0, "munlock pages 2-3");
	tap_try(madvise(p + 2 * PAGE, 2 * PAGE, MADV_DONTNEED), 0, 0, "DONTNEED of the unlocked middle -> 0");
	tap_eq(p[3 * PAGE], 0, "page 3 was zapped");
	tap_try(madvise(p + PAGE, 2 * PAGE, MADV_DONTNEED), -1, EINVAL,
		"DONTNEED spanning a locked page -> EINVAL");
	tap_try(mprotect(p + 5 * PAGE, PAGE, PROT_NONE), 0, 0, "mprotect a locked page PROT_NONE");
	tap_try(mprotect(p + 5 * PAGE, PAGE, PROT_READ | PROT_WRITE), 0, 0, "and back");
	tap_eq(p[5 * PAGE], 1, "its data is still there");
	tap_try(madvise(p + 5 * PAGE, PAGE, MADV_DONTNEED), -1, EINVAL, "... and it is still locked");
	tap_try(munlock(p, 8 * PAGE), 0, 0, "munlock all");
	tap_try(madvise(p, 8 * PAGE, MADV_DONTNEED), 0, 0, "then DONTNEED works");
	munmap(p, 8 * PAGE);
}

static char *locked_area;

static int child_unlocked(void *a)
{
	(void)a;
	if (locked_area[0] != 'L')
		return 1;
	return madvise(locked_area, 4 * PAGE, MADV_DONTNEED) == 0 && locked_area[0] == 0 ? 0 : 2;
}

static void fork_drops_locks(void)
{
	locked_area = map_anon(4 * PAGE);
	locked_area[0] = 'L';
	tap_try(mlock(locked_area, 4 * PAGE), 0, 0, "mlock 4 pages");
	child_case(child_unlocked, NULL, EXITED(0), "the child's copy is not locked (DONTNEED works there)");
	tap_eq(locked_area[0], 'L', "the parent's locked data is intact");
	tap_try(madvise(locked_area, 4 * PAGE, MADV_DONTNEED), -1, EINVAL, "the parent's copy is still locked");
	munlock(locked_area, 4 * PAGE);
	munmap(locked_area, 4 * PAGE);
}

static void prot_none_and_flags(void)
{
	char *p = mmap(NULL, 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	tap_try(mlock(p, 2 * PAGE), -1, ENOMEM, "mlock(PROT_NONE area) -> ENOMEM (but the area is locked)");
	tap_try(madvise(p, 2 * PAGE, MADV_DONTNEED), -1, EINVAL, "the failed mlock still locked it (DONTNEED -> EINVAL)");
	tap_try(mprotect(p, 2 * PAGE, PROT_READ | PROT_WRITE), 0, 0, "mprotect it RW while locked");
	tap_resident(p, 2 * PAGE, 2, "making a locked area accessible brings it in");
	munlock(p, 2 * PAGE);
	munmap(p, 2 * PAGE);
	tap_try(mlockall(0), -1, EINVAL, "mlockall(0) -> EINVAL");
	tap_try(mlockall(MCL_ONFAULT), -1, EINVAL, "mlockall(MCL_ONFAULT alone) -> EINVAL");
	tap_try(mlockall(0x100), -1, EINVAL, "mlockall(unknown flag) -> EINVAL");
}

static void future(void)
{
	tap_try(mlockall(MCL_FUTURE), 0, 0, "mlockall(MCL_FUTURE)");
	char *p = map_anon(4 * PAGE);
	tap_resident(p, 4 * PAGE, 4, "a new mapping is locked and brought in");
	tap_try(madvise(p, 4 * PAGE, MADV_DONTNEED), -1, EINVAL, "and refuses DONTNEED");
	tap_try(mlockall(MCL_FUTURE | MCL_ONFAULT), 0, 0, "mlockall(MCL_FUTURE | MCL_ONFAULT)");
	char *q = map_anon(4 * PAGE);
	tap_resident(q, 4 * PAGE, 0, "a new ONFAULT-locked mapping brings nothing in");
	q[PAGE] = 1;
	tap_resident(q, 4 * PAGE, 1, "until touched");
	tap_try(munlockall(), 0, 0, "munlockall");
	char *r = map_anon(4 * PAGE);
	tap_try(madvise(r, 4 * PAGE, MADV_DONTNEED), 0, 0, "after munlockall new mappings are not locked");
	tap_try(madvise(p, 4 * PAGE, MADV_DONTNEED), 0, 0, "nor the old ones");
	munmap(p, 4 * PAGE);
	munmap(q, 4 * PAGE);
	munmap(r, 4 * PAGE);
}

int main(void)
{
	onfault();
	fork_drops_locks();
	prot_none_and_flags();
	future();
	return done_testing();
}

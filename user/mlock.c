/* user/mlock.c — mlock, munlock, mlockall, munlockall: locked pages are in
 * RAM at once and stay there under memory pressure.
 *
 * Linux's mlock rounds the range out to whole pages, marks the VMAs
 * VM_LOCKED and faults every page in before it returns (so mincore says
 * resident without the program touching anything); page reclaim passes
 * locked pages over and MADV_PAGEOUT refuses them with EINVAL. mlockall's
 * MCL_CURRENT does the same to every existing mapping and MCL_FUTURE to
 * every later one, until munlockall. Locks belong to the mapping of one
 * process: a forked child's copy is not locked. The flag rules:
 * mlockall(0), unknown bits and MCL_ONFAULT alone are EINVAL; a range with
 * unmapped pages is ENOMEM.
 *
 * RLIMIT_MEMLOCK is not tested: the host runs this as root, and
 * CAP_IPC_LOCK lifts the limit.
 */
#include <stdint.h>
#include <sys/mman.h>

#include "child.h"
#include "swap.h"

#define NP 16
#define SEED 0x10c4

static char *locked, *control; /* NP pages each, locked and not */

/* The child of the pressure case: touches `size` bytes and exits. */
static int squeeze(void *size_)
{
	size_t size = *(size_t *)size_;
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 2;
	for (size_t i = 0; i < size; i += PAGE)
		p[i] = 1;
	return 0;
}

/* The child of the fork case: its copy of `locked` is not locked. */
static int unlocked_in_child(void *unused)
{
	(void)unused;
	return madvise(locked, NP * PAGE, MADV_PAGEOUT) ? 1 : 0;
}

static void lock_and_squeeze(void)
{
	size_t size = pressure_size(2);

	locked = map_anon(NP * PAGE);
	control = map_anon(NP * PAGE);
	tap_try(mlock(locked, NP * PAGE), 0, 0, "mlock of %d untouched pages -> 0", NP);
	tap_resident(locked, NP * PAGE, NP, "mlock: every page resident before any touch");
	fill_pages(locked, 0, NP, 1, SEED);
	fill_pages(control, 0, NP, 1, SEED);
	tap_try(madvise(locked, NP * PAGE, MADV_PAGEOUT), -1, EINVAL,
		"madvise(MADV_PAGEOUT) on a locked range -> EINVAL");
	child_case(unlocked_in_child, NULL, EXITED(0),
		   "fork: MADV_PAGEOUT on the child's copy of the locked range succeeds");

	tap_diag("a child touches %zu MiB (MemTotal %ld KiB, SwapFree %ld KiB)", size / MIB,
		 meminfo_kb("MemTotal"), meminfo_kb("SwapFree"));
	child_case(squeeze, &size, EXITED(0), "a child touches memory to squeeze RAM");
	tap_diag("the unlocked control buffer has %ld of %d pages resident",
		 resident_pages(control, NP * PAGE), NP);
	tap_resident(locked, NP * PAGE, NP, "the locked pages stayed resident under pressure");
	tap_eq(bad_pages(locked, 0, NP, 1, SEED), 0, "the locked pages hold their data");

	tap_try(munlock(locked, NP * PAGE), 0, 0, "munlock -> 0");
	page_out(locked, NP * PAGE, "the unlocked range");
	tap_eq(bad_pages(locked, 0, NP, 1, SEED), 0, "the unlocked range reads back its data");
}

static void ranges(void)
{
	char *hole = (char *)map_anon(2 * PAGE) + PAGE;

	if (munmap(hole, PAGE))
		bail("munmap");
	/* Linux rounds the start down and the end up to pages. */
	tap_try(madvise(locked, PAGE, MADV_DONTNEED), 0, 0, "MADV_DONTNEED on a page -> 0");
	tap_resident(locked, PAGE, 0, "that page is no longer resident");
	tap_try(mlock(locked + 1, 1), 0, 0, "mlock of 1 byte at a misaligned address -> 0");
	tap_resident(locked, PAGE, 1, "mlock of 1 byte faulted its whole page in");
	tap_try(munlock(locked + 1, 1), 0, 0, "munlock of 1 byte at a misaligned address -> 0");

	tap_try(mlock(hole, PAGE), -1, ENOMEM, "mlock of an unmapped page -> ENOMEM");
	tap_try(mlock(hole - PAGE, 2 * PAGE), -1, ENOMEM,
		"mlock of a range running into an unmapped page -> ENOMEM");
	tap_try(munlock(hole, PAGE), -1, ENOMEM, "munlock of an unmapped page -> ENOMEM");
	munmap(hole - PAGE, PAGE);
}

static void all(void)
{
	char *future, *later;

	tap_try(mlockall(0), -1, EINVAL, "mlockall(0) -> EINVAL");
	tap_try(mlockall(MCL_ONFAULT), -1, EINVAL, "mlockall(MCL_ONFAULT) alone -> EINVAL");
	tap_try(mlockall(MCL_CURRENT | 8), -1, EINVAL, "mlockall with an unknown flag -> EINVAL");

	madvise(control, NP * PAGE, MADV_DONTNEED);
	tap_try(mlockall(MCL_CURRENT | MCL_FUTURE), 0, 0,
		"mlockall(MCL_CURRENT | MCL_FUTURE) -> 0");
	tap_resident(control, NP * PAGE, NP,
		     "MCL_CURRENT: an existing mapping's dropped pages are back");
	tap_try(madvise(control, NP * PAGE, MADV_PAGEOUT), -1, EINVAL,
		"MCL_CURRENT: MADV_PAGEOUT on an existing mapping -> EINVAL");
	future = map_anon(NP * PAGE);
	tap_resident(future, NP * PAGE, NP, "MCL_FUTURE: a new mapping is resident untouched");
	tap_try(madvise(future, NP * PAGE, MADV_PAGEOUT), -1, EINVAL,
		"MCL_FUTURE: MADV_PAGEOUT on the new mapping -> EINVAL");

	tap_try(munlockall(), 0, 0, "munlockall -> 0");
	later = map_anon(NP * PAGE);
	tap_resident(later, NP * PAGE, 0, "after munlockall a new mapping is not populated");
	tap_try(madvise(future, NP * PAGE, MADV_PAGEOUT), 0, 0,
		"after munlockall MADV_PAGEOUT on the MCL_FUTURE mapping -> 0");
	munmap(future, NP * PAGE);
	munmap(later, NP * PAGE);
}

int main(void)
{
	lock_and_squeeze();
	ranges();
	all();
	return done_testing();
}

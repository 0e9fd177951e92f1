/* user/mapmerge.c — changes to areas at the map count limit
 * (vm.max_map_count) that end with no more areas than they began with.
 *
 * Linux's rule (mm/vma.c's vma_modify, 6.18): mprotect, mlock and madvise
 * leave an area alone when its flags are already the ones asked for; else
 * they first try to merge the changed part with the area beside it, and
 * only cut (split_vma, ENOMEM at the limit) when that fails. They merge as
 * they go, so an area merged early in a call makes room for a cut later in
 * it. So at the limit a change that merges, or changes nothing, succeeds,
 * and one that needs a new area is ENOMEM.
 *
 * The region, in pages: [0,3) R, [3,6) NONE, [6,21) R, [21,22) NONE, then
 * one shared read-only page at 22 (no private area merges with it), [23,30) NONE,
 * then R, whose odd pages from 31 on are made PROT_NONE one by one until
 * the limit refuses the next cut.
 */
#include "bk13.h"
#include "probe.h"

#define MAX_MAP 65530 /* Linux's default vm.max_map_count */

static char *base;
static char *pg(long i) { return base + i * PG; }

/* Pages [from, to) are readable (want 1) or not (want 0). */
static int all(long from, long to, int want)
{
	for (long i = from; i < to; i++)
		if (probe_read(pg(i)) != want)
			return 0;
	return 1;
}

static long fill_to_limit(long n)
{
	long i;
	for (i = 31; i < n; i += 2)
		if (mprotect(pg(i), PG, PROT_NONE))
			break;
	return i;
}

int main(void)
{
	long n = MAX_MAP + 300;

	probe_arm();
	base = mmap(NULL, n * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED || mprotect(pg(3), 3 * PG, PROT_NONE) || mprotect(pg(21), PG, PROT_NONE) ||
	    mprotect(pg(23), 7 * PG, PROT_NONE) ||
	    mmap(pg(22), PG, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != pg(22))
		bail("setup");
	long i = fill_to_limit(n);
	tap_ok(i < n && errno == ENOMEM, "odd pages made PROT_NONE until ENOMEM at page %ld", i);

	TRY(mprotect(pg(12), PG, PROT_NONE), -1, ENOMEM, "a change in the middle of an area needs two more: ENOMEM");
	TRY(mprotect(pg(12), PG, PROT_READ), 0, 0, "mprotect to the rights it has: nothing to cut");
	TRY(munlock(pg(12), PG), 0, 0, "munlock of what is not locked: nothing to cut");
	TRY(madvise(pg(12), PG, MADV_DOFORK), 0, 0, "MADV_DOFORK where it is already: nothing to cut");
	/* madvise reports a refused cut as EAGAIN (Linux's madvise_vma_behavior). */
	TRY(madvise(pg(12), PG, MADV_DONTFORK), -1, EAGAIN, "MADV_DONTFORK in the middle: EAGAIN");
	TRY(mlock(pg(12), PG), -1, ENOMEM, "mlock in the middle: ENOMEM");
	TRY(mprotect(pg(1), 2 * PG, PROT_NONE), 0, 0, "the tail of an area joins the area above");
	TRY(mprotect(pg(6), 2 * PG, PROT_NONE), 0, 0, "the head of an area joins the area below");
	/* Page 21 joins the area below (one area fewer), the shared page
	 * stays, and the cut at 28 (below it the shared page: no merge) fits
	 * in the room the merge made. */
	TRY(mprotect(pg(21), 7 * PG, PROT_READ), 0, 0, "a merge early in the call makes room for a cut later");
	TRY(mprotect(pg(12), PG, PROT_NONE), -1, ENOMEM, "at the limit again: the middle is ENOMEM");
	TRY(mprotect(pg(1), 7 * PG, PROT_READ), 0, 0, "an area merged with both neighbours");
	TRY(mprotect(pg(12), PG, PROT_NONE), 0, 0, "... makes room for two cuts");
	/* Checked only now: on Linux a read fault may give an area its
	 * anon_vma (with transparent huge pages), and then it would not merge
	 * with a neighbour that has another. */
	tap_ok(all(0, 12, 1) && all(12, 13, 0) && all(13, 28, 1) && all(28, 30, 0),
	       "pages 0-27 readable but 12, 28 and 29 not");
	TRY(munmap(base, n * PG), 0, 0, "unmap it all");
	return done_testing();
}

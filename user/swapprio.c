/* user/swapprio.c — areas of equal priority take turns. The two test disks
 * are turned off and on again with the same SWAP_FLAG_PREFER priority; pages
 * pushed out afterwards must be spread over both (Linux rotates among equal
 * priorities on every allocation; faultline does too), and the higher
 * priority rule comes back when the priorities differ again. It changes
 * the machine's swap setup, so it runs only on faultline's test machine,
 * whose disks are /dev/vda and /dev/vdb. */
#include <sys/swap.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "swap.h"

#define PAGES 64

static int swap_on(const char *dev, int flags) { return (int)syscall(SYS_swapon, dev, flags); }
static int swap_off(const char *dev) { return (int)syscall(SYS_swapoff, dev); }

/* Turn both disks on again with these priorities (0: Linux's default order). */
static void reset(int prio_a, int prio_b)
{
	swap_off("/dev/vda");
	swap_off("/dev/vdb");
	int flags_a = prio_a ? SWAP_FLAG_PREFER | prio_a : 0, flags_b = prio_b ? SWAP_FLAG_PREFER | prio_b : 0;
	tap_ok(swap_on("/dev/vda", flags_a) == 0 && swap_on("/dev/vdb", flags_b) == 0,
	       "swapon /dev/vda at priority %d and /dev/vdb at %d (0: default)", prio_a, prio_b);
}

/* Push 64 fresh pages out; how much each area holds of them. */
static void push_out(long *a, long *b)
{
	char *buf = map_anon(PAGES * PAGE);
	fill_pages(buf, 0, PAGES, 1, 7);
	page_out(buf, PAGES * PAGE, "64 pages");
	*a = swap_area_used_kb("/dev/vda");
	*b = swap_area_used_kb("/dev/vdb");
	show_swaps();
	tap_ok(bad_pages(buf, 0, PAGES, 1, 7) == 0, "the pages read back intact");
	munmap(buf, PAGES * PAGE);
}

int main(void)
{
	long a, b;
	if (!on_faultline() || swap_area_used_kb("/dev/vda") < 0 || swap_area_used_kb("/dev/vdb") < 0) {
		tap_skip("needs faultline's test disks vda and vdb as swap", "equal priorities alternate");
		return done_testing();
	}
	reset(5, 5);
	push_out(&a, &b);
	tap_ok(a >= 4 * PAGES / 2 - 8 && b >= 4 * PAGES / 2 - 8,
	       "equal priorities: both areas took about half (%ld and %ld KiB)", a, b);
	reset(10, 1);
	push_out(&a, &b);
	tap_ok(a >= 4 * PAGES && b == 0, "priority 10 over 1: everything went to /dev/vda");
	reset(0, 0); /* as the harness set them up: vda first, so preferred */
	return done_testing();
}

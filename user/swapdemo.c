/* user/swapdemo.c — pages leaving RAM for swap and coming back. Swap areas
 * have priorities: the kernel fills the preferred (fast) area first and
 * only then the next (slow) one. A page that is out is not resident
 * (mincore says 0) and its page-table entry holds where it went
 * (/proc/self/pagemap: the swap bit, the area and the slot); touching it
 * faults and reads it back, with its data intact. /proc/vmstat counts the
 * pages written out (pswpout) and read in (pswpin). An mlocked page never
 * leaves: MADV_PAGEOUT refuses it.
 *
 * Needs swap: on faultline's swap machine (64 MiB of RAM, vda 16 MiB fast
 * and preferred, vdb 256 MiB slow). Where /proc/swaps lists no area it
 * skips, saying so. docs/swap.md follows it. */
#include "procview.h"
#include "swap.h"

#define FIRST 256 /* pages pushed out first: they all fit in the fast area */
#define LOCKED 8
#define SEED 0x5eed

static void show_swaps_table(const char *when)
{
	struct swap_area a[MAX_AREAS];
	int n = read_swaps(a);
	printf("%s /proc/swaps:\n", when);
	for (int i = 0; i < n; i++)
		printf("  %-12s size %7ld KiB  used %7ld KiB  priority %d\n", a[i].name, a[i].size_kb,
		       a[i].used_kb, a[i].prio);
}

/* The areas, the preferred one (highest priority) first; their count. */
static int areas_by_priority(struct swap_area *a)
{
	int n = read_swaps(a);
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && a[j].prio > a[j - 1].prio; j--) {
			struct swap_area t = a[j];
			a[j] = a[j - 1];
			a[j - 1] = t;
		}
	return n;
}

static void show_page(int pm, const char *what, const void *p)
{
	uint64_t w = pagemap_word(pm, (uintptr_t)p);
	if (w & PM_SWAP)
		printf("  %s: pagemap says swapped, area %llu, slot %llu\n", what,
		       (unsigned long long)PM_SWAP_TYPE(w), (unsigned long long)PM_SWAP_OFFSET(w));
	else
		printf("  %s: pagemap says %s, frame %#llx\n", what,
		       (w & PM_PRESENT) ? "present" : "not present", (unsigned long long)PM_PFN(w));
}

int main(void)
{
	struct swap_area a[MAX_AREAS];
	int n = areas_by_priority(a);
	if (n <= 0) {
		printf("1..0 # SKIP no swap\n");
		return 0;
	}
	show_swaps_table("The swap areas, from");
	long fast_free = KB_PAGES(a[0].size_kb - a[0].used_kb);
	bool spill = n >= 2 && a[0].prio > a[1].prio && fast_free < 8192;
	size_t pages = spill ? fast_free + FIRST : FIRST;
	char *buf = map_anon(pages * PAGE), *locked = map_anon(LOCKED * PAGE);
	fill_pages(buf, 0, pages, 1, SEED);
	fill_pages(locked, 0, LOCKED, 1, SEED + 1);
	tap_ok(mlock(locked, LOCKED * PAGE) == 0, "mlock %d pages", LOCKED);
	int pm = open("/proc/self/pagemap", O_RDONLY);
	long out0 = proc_value("/proc/vmstat", "pswpout"), in0 = proc_value("/proc/vmstat", "pswpin");
	long fast0 = swap_area_used_kb(a[0].name);
	long slow0 = n >= 2 ? swap_area_used_kb(a[1].name) : 0;

	printf("\n%zu pages written with a pattern; %d more locked with mlock.\n"
	       "First %d pages go out with madvise(MADV_PAGEOUT): they fit in %s.\n", pages, LOCKED,
	       FIRST, a[0].name);
	tap_ok(madvise(buf, FIRST * PAGE, MADV_PAGEOUT) == 0, "MADV_PAGEOUT of %d pages", FIRST);
	show_swaps_table("After that,");
	show_page(pm, "first page", buf);
	tap_ok(swap_area_used_kb(a[0].name) - fast0 >= FIRST * 4 &&
	       (n < 2 || swap_area_used_kb(a[1].name) == slow0),
	       "they went to the preferred area %s, none to the other", a[0].name);
	tap_resident(buf, FIRST * PAGE, 0, "mincore: none of them is resident");
	if (spill) {
		printf("\nNow the other %ld pages: more than %s has room for, so the rest goes to %s.\n",
		       fast_free, a[0].name, a[1].name);
		tap_ok(madvise(buf + FIRST * PAGE, fast_free * PAGE, MADV_PAGEOUT) == 0,
		       "MADV_PAGEOUT of %ld more pages", fast_free);
		show_swaps_table("After that,");
		show_page(pm, "last page", buf + (pages - 1) * PAGE);
		tap_ok(swap_area_used_kb(a[1].name) > slow0, "the slow area %s took what did not fit", a[1].name);
	} else {
		tap_skip("one area, equal priorities, or a fast area over 32 MiB", "the slow area takes the rest");
	}
	errno = 0;
	tap_ok(madvise(locked, LOCKED * PAGE, MADV_PAGEOUT) == -1 && errno == EINVAL,
	       "MADV_PAGEOUT of the mlocked pages -> EINVAL");
	tap_resident(locked, LOCKED * PAGE, LOCKED, "mincore: the mlocked pages are all resident");
	show_page(pm, "a locked page", locked);
	long out1 = proc_value("/proc/vmstat", "pswpout");
	printf("\n/proc/vmstat: pswpout went from %ld to %ld. Now every page is read again.\n", out0, out1);
	tap_ok(out1 - out0 >= (long)pages, "pswpout counted at least %zu pages", pages);
	size_t bad = bad_pages(buf, 0, pages, 1, SEED) + bad_pages(locked, 0, LOCKED, 1, SEED + 1);
	long in1 = proc_value("/proc/vmstat", "pswpin");
	show_page(pm, "first page", buf);
	printf("/proc/vmstat: pswpin went from %ld to %ld.\n", in0, in1);
	show_swaps_table("Now");
	printf("(Used does not drop at once: a page read back keeps its copy on disk, the\n"
	       "swap cache, so that it can leave again without a write if it stays clean.)\n");
	tap_ok(bad == 0, "every page came back with its pattern (%zu bad)", bad);
	tap_ok(in1 - in0 >= (long)pages, "pswpin counted at least %zu pages", pages);
	long resident = 0;
	for (size_t i = 0; i < pages; i += 4096) /* resident_pages takes 4096 at most */
		resident += resident_pages(buf + i * PAGE, (pages - i < 4096 ? pages - i : 4096) * PAGE);
	tap_eq(resident, pages, "mincore: all %zu resident again", pages);
	close(pm);
	return done_testing();
}

/* user/pressure.c — page replacement under real memory pressure: a working
 * set several times the size of RAM must come back from swap intact, and
 * the swap areas must fill in priority order.
 *
 * Every page gets a pattern of its index and a seed in each word, written
 * in sequential order, then checked and rewritten in a random order (so
 * pages come back from swap in an order unlike the one they left in, and
 * are written again after a round trip), then checked sequentially. A
 * single page read back from the wrong slot, lost, or zero-filled counts.
 *
 * Size: pressure_size(4) (swap.h): up to four times RAM, never more than
 * RAM plus swap; 32 MiB without swap, where only the data check means
 * anything. PRESSURE_MB overrides it.
 *
 * Linux takes swap slots from the highest-priority area first and touches
 * a lower one only once the higher is exhausted (swapon(2), "Priority"),
 * so after the first pass the higher area must be in use and, if a lower
 * one holds anything, (nearly) full. Equal priorities go round-robin and
 * say nothing about order, so they are skipped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "swap.h"

#define SEED1 0x5eed1
#define SEED2 0x5eed2

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* A random permutation of 0 .. n - 1 (xorshift64, fixed seed: every run
 * visits the pages in the same order). */
static uint32_t *shuffled(size_t n)
{
	uint32_t *order = malloc(n * sizeof *order);
	uint64_t x = 0x9e3779b97f4a7c15;

	if (!order)
		bail("malloc");
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = n - 1; i > 0; i--) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		size_t j = x % (i + 1);
		uint32_t t = order[i];
		order[i] = order[j], order[j] = t;
	}
	return order;
}

static int by_priority(const void *a, const void *b)
{
	return ((const struct swap_area *)b)->prio - ((const struct swap_area *)a)->prio;
}

/* The priority-order checks, while the whole set has just been written. */
static void check_swap_order(bool overflowed)
{
	struct swap_area a[MAX_AREAS];
	int n = read_swaps(a);
	const char *lower_first = NULL;

	show_swaps();
	if (n <= 0 || !overflowed) {
		const char *why = n < 0 ? "no /proc/swaps" : n == 0 ? NO_SWAP :
				  "the working set fits in RAM";
		tap_skip(why, "the highest-priority swap area is in use");
		tap_skip(why, "a lower-priority swap area is used only once higher ones are full");
		return;
	}
	qsort(a, n, sizeof *a, by_priority);
	tap_ok(a[0].used_kb > 0, "the highest-priority swap area (%s) is in use", a[0].name);
	if (n < 2 || a[0].prio == a[n - 1].prio) {
		tap_skip(n < 2 ? "only one swap area" : "all areas have the same priority",
			 "a lower-priority swap area is used only once higher ones are full");
		return;
	}
	/* Area i must be (nearly) full if any area of lower priority holds pages. */
	for (int i = 0; i < n && !lower_first; i++)
		for (int j = i + 1; j < n; j++)
			if (a[j].prio < a[i].prio && a[j].used_kb > 0 &&
			    a[i].size_kb - a[i].used_kb > a[i].size_kb / 8)
				lower_first = a[i].name;
	tap_ok(!lower_first, "a lower-priority swap area is used only once higher ones are full");
	if (lower_first)
		tap_diag("%s has more than 1/8 free while a lower-priority area is used",
			 lower_first);
}

int main(void)
{
	long mem_kb = meminfo_kb("MemTotal"), swap_free_kb = meminfo_kb("SwapFree");
	size_t size, npages, bad;
	char *buf;
	uint32_t *order;
	double t;

	tap_ok(mem_kb > 0 && meminfo_kb("SwapTotal") >= 0 && swap_free_kb >= 0,
	       "/proc/meminfo has MemTotal, SwapTotal and SwapFree");
	size = pressure_size(4);
	npages = size / PAGE;
	tap_diag("MemTotal %ld KiB, SwapTotal %ld KiB, SwapFree %ld KiB: working set %zu MiB (%zu pages)",
		 mem_kb, meminfo_kb("SwapTotal"), swap_free_kb, size / MIB, npages);
	buf = map_anon(size);
	order = shuffled(npages);

	t = seconds();
	fill_pages(buf, 0, npages, 1, SEED1);
	tap_diag("sequential write: %.1f s", seconds() - t);
	check_swap_order(mem_kb > 0 && size / 1024 > (size_t)mem_kb);

	t = seconds();
	bad = 0;
	for (size_t k = 0; k < npages; k++) {
		char *p = buf + (size_t)order[k] * PAGE;

		bad += !page_ok(p, order[k], SEED1);
		fill_page(p, order[k], SEED2);
	}
	tap_diag("random-order check and rewrite: %.1f s", seconds() - t);
	tap_eq(bad, 0, "random-order read after a sequential write: no page of %zu corrupted",
	       npages);

	t = seconds();
	bad = bad_pages(buf, 0, npages, 1, SEED2);
	tap_diag("sequential check: %.1f s", seconds() - t);
	tap_eq(bad, 0, "sequential read after a random-order rewrite: no page of %zu corrupted",
	       npages);

	show_swaps();
	if (munmap(buf, size))
		bail("munmap");
	return done_testing();
}

/* bench/swap.c — swap-in of one page, per page: pages written, pushed out
 * with madvise(MADV_PAGEOUT), then read back, each read a major fault that
 * reads the page from the swap disk. Needs a swap area (faultline:
 * tests/run-program --swap build/swap-fast.img; Linux: tools/bench's /init
 * turns the same image on). The figure INCLUDES the disk: the request to
 * the virtio disk and the wait for it, as the kernel does them. faultline
 * waits halted for the disk's interrupt, and under -icount QEMU moves the
 * virtual clock on to the completion while the CPU is halted: the figure
 * is the kernel's instructions plus the disk's virtual latency.
 *   fault_swap_in_incl_disk
 * A page that did not go out is not counted: if mincore says any is still
 * in memory the measure says so and prints no figure. That is Linux's case:
 * MADV_PAGEOUT writes the pages and leaves them in its swap cache (which
 * mincore counts as in memory) until memory runs short, so a touch would be
 * a minor fault there, not a swap-in; Linux has no figure for this one. */
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#define PAGE 4096
#define PAGES 32

/* Whether every page of p is out of memory. */
static int all_out(char *p, long n)
{
	unsigned char in[PAGES];
	need(mincore(p, n * PAGE, in) == 0, "mincore");
	for (long i = 0; i < n; i++)
		if (in[i] & 1)
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	struct samples s = { 0 };
	volatile char sink;
	bench_init(argc, argv);
	for (int r = 0; r < rounds(); r++) {
		long n = ops(PAGES);
		char *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		need(p != MAP_FAILED, "mmap");
		memset(p, 's', n * PAGE);
		need(madvise(p, n * PAGE, MADV_PAGEOUT) == 0, "madvise(MADV_PAGEOUT)");
		if (!all_out(p, n)) {
			not_here("fault_swap_in_incl_disk", "pages still in memory after MADV_PAGEOUT (no swap, or a swap cache)");
			return 0;
		}
		sample_start(&s);
		for (long i = 0; i < n; i++)
			sink = p[i * PAGE];
		sample_stop(&s, n);
		munmap(p, n * PAGE);
	}
	(void)sink;
	report(&s, "fault_swap_in_incl_disk");
	return 0;
}

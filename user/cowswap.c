/* user/cowswap.c — pages shared copy-on-write after fork, under memory
 * pressure, go to swap and come back for both processes.
 *
 * After fork, every resident private page is one frame mapped by two page
 * tables. Reclaim can take such a frame only from both at once: it must
 * find every entry that maps it (the reverse map) and leave the same swap
 * entry in each. Without that, a working set of shared pages as large as
 * RAM can only end in the OOM killer.
 *
 * The parent fills a buffer about the size of RAM and forks. While the
 * parent waits, the child checks every page (pushing others out), then
 * writes its own pattern into the even pages; the parent then checks that
 * it still sees its own data everywhere, and how many of the pages it
 * shared at fork left its page table while only the child ran.
 */
#include <sys/mman.h>

#include "child.h"
#include "swap.h"

#define SEED 0x5ca1e
#define CHILD 0xc0

static char *buf;
static size_t np;
static int c2p[2];

static int child(void *unused)
{
	(void)unused;
	char c = 0;
	int bad = bad_pages(buf, 0, np, 1, SEED) ? 1 : 0;
	fill_pages(buf, 0, np, 2, CHILD); /* copy-on-write: the parent keeps its own */
	bad |= bad_pages(buf, 0, np, 2, CHILD) ? 2 : 0;
	bad |= bad_pages(buf, 1, np - 1, 2, SEED) ? 4 : 0;
	if (write(c2p[1], &c, 1) != 1)
		bad |= 8;
	return bad;
}

/* Resident pages of the buffer, asked 4096 pages at a time (resident_pages' limit). */
static long resident(void)
{
	long n = 0;
	for (size_t i = 0; i < np; i += 4096)
		n += resident_pages(buf + i * PAGE, (np - i < 4096 ? np - i : 4096) * PAGE);
	return n;
}

int main(void)
{
	np = pressure_size(1) / PAGE;
	buf = map_anon(np * PAGE);
	if (pipe(c2p))
		bail("pipe");
	fill_pages(buf, 0, np, 1, SEED);
	long shared = resident(), steal0 = proc_value("/proc/vmstat", "pgsteal_direct");
	pid_t pid = spawn(child, NULL);
	char c;
	if (read(c2p[0], &c, 1) != 1)
		bail("the child");
	long left = resident();
	tap_status(reap(pid), EXITED(0), "the child read all %zu MiB shared at fork and wrote its half",
		   np * PAGE / MIB);
	tap_eq(bad_pages(buf, 0, np, 1, SEED), 0, "the parent still sees its own data in every page");
	if (on_faultline())
		tap_ok(left < shared - (long)np / 4 && proc_value("/proc/vmstat", "pgsteal_direct") > steal0,
		       "pages shared at fork left the waiting parent too (%ld resident at fork, %ld after)",
		       shared, left);
	else
		tap_skip("a Linux host has RAM to spare", "pages shared at fork left the waiting parent too");
	return done_testing();
}

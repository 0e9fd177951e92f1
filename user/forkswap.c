/* user/forkswap.c — fork while the pages are out in swap, then copy-on-write.
 *
 * A page that is in swap at fork time is in neither process's RAM: both
 * page tables hold the same swap entry, and Linux counts the slot's users
 * (swap_duplicate) instead of copying anything. Each side must read it back
 * (the first swap-in is shared through the swap cache), and the first
 * write on either side must copy it for the writer alone, exactly as for a
 * resident page. When both are done with it, the slot must be free again:
 * the swap Used total returns to what it was before the test.
 *
 * The parent fills the buffer and pages it out, then forks. The child
 * checks every page, writes its own pattern into the even pages; the
 * parent, after that, must still see its own data everywhere and writes a
 * third pattern into the odd ones; the child must see its even pages and
 * the parent's original odd ones. Pipes order the two sides.
 */
#include <sys/mman.h>

#include "child.h"
#include "swap.h"

#define NP 64
#define PARENT 0xfa1   /* everything, before fork */
#define CHILD 0xc41d   /* the even pages, in the child */
#define PARENT2 0xfa2  /* the odd pages, in the parent after the child wrote */

static char *buf;
static int p2c[2], c2p[2];

/* The child's exit status: a bit per thing that went wrong. */
enum { READ_BACK = 1, OWN_WRITES = 2, PIPE = 4 };

static int child(void *unused)
{
	int bad = 0;
	char c;

	(void)unused;
	if (bad_pages(buf, 0, NP, 1, PARENT))
		bad |= READ_BACK;
	fill_pages(buf, 0, NP, 2, CHILD);
	if (write(c2p[1], "x", 1) != 1 || read(p2c[0], &c, 1) != 1)
		bad |= PIPE;
	if (bad_pages(buf, 0, NP, 2, CHILD) || bad_pages(buf, 1, NP - 1, 2, PARENT))
		bad |= OWN_WRITES;
	return bad;
}

static void show_child_status(int status)
{
	static const char *what[] = { "its read-back was wrong", "it lost its own writes",
				      "a pipe failed" };

	for (int i = 0; i < 3; i++)
		if (WIFEXITED(status) && WEXITSTATUS(status) & 1 << i)
			tap_diag("child: %s", what[i]);
}

int main(void)
{
	long used_before = swap_used_kb(), used;
	bool swap = have_swap();
	pid_t pid;
	char c;
	int status;

	tap_diag("swap Used before: %ld KiB", used_before);
	buf = map_anon(NP * PAGE);
	fill_pages(buf, 0, NP, 1, PARENT);
	page_out(buf, NP * PAGE, "the buffer");

	if (pipe(p2c) || pipe(c2p))
		bail("pipe");
	pid = spawn(child, NULL);
	if (read(c2p[0], &c, 1) != 1)
		bail("read from the child");
	tap_eq(bad_pages(buf, 0, NP, 1, PARENT), 0,
	       "parent: every page reads back its own data after the child wrote half");
	fill_pages(buf, 1, NP - 1, 2, PARENT2);
	if (write(p2c[1], "x", 1) != 1)
		bail("write to the child");
	status = reap(pid);
	tap_status(status, EXITED(0),
		   "child: read every page back, then saw only its own writes");
	show_child_status(status);
	tap_eq(bad_pages(buf, 0, NP, 2, PARENT) + bad_pages(buf, 1, NP - 1, 2, PARENT2), 0,
	       "parent: its even pages untouched by the child, its odd pages its own");

	if (munmap(buf, NP * PAGE))
		bail("munmap");
	used = swap_used_kb();
	tap_diag("swap Used after munmap: %ld KiB", used);
	/* Linux may keep a slot a while for a page still in its swap cache,
	 * and other processes swap too; on faultline nothing else runs and a
	 * slot is freed with its last user. */
	if (!swap)
		tap_skip(NO_SWAP, "swap Used is back to where it was");
	else if (!on_faultline())
		tap_skip("the host's swap is not ours alone", "swap Used is back to where it was");
	else
		tap_eq(used, used_before, "swap Used is back to where it was");
	return done_testing();
}

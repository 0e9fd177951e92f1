/* user/cowdemo.c — copy-on-write, watched through the frame numbers of
 * /proc/PID/pagemap. fork does not copy a process's memory: parent and
 * child map the same physical frames, read-only, and the first write to a
 * page by either side faults; the kernel then gives the writer its own
 * copy. The last one left with the frame may keep it and write in place.
 * Frame numbers are shown to root only (Linux's rule, and faultline's), so
 * it runs as root on both. docs/memory.md follows it. */
#define _GNU_SOURCE
#include <sys/mman.h>

#include "child.h"
#include "procview.h"
#include "tap.h"

static char *page;

/* The pagemap word of our page in process pid. */
static uint64_t word_of(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	int fd = open(path, O_RDONLY);
	uint64_t w = fd < 0 ? 0 : pagemap_word(fd, (uintptr_t)page);
	close(fd);
	return w;
}

static void show(const char *when, pid_t parent, pid_t child)
{
	uint64_t p = word_of(parent), c = child ? word_of(child) : 0;
	printf("%s\n  parent %d: frame %#llx%s", when, parent, (unsigned long long)PM_PFN(p),
	       (p & PM_EXCLUSIVE) ? " (mapped only here)" : " (shared)");
	if (child)
		printf("   child %d: frame %#llx%s", child, (unsigned long long)PM_PFN(c),
		       (c & PM_EXCLUSIVE) ? " (mapped only here)" : " (shared)");
	printf("\n  the parent's copy of the page holds '%c'\n", page[0]);
}

int main(void)
{
	if (getuid() != 0) {
		printf("1..0 # SKIP frame numbers in pagemap are shown to root only\n");
		return 0;
	}
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int go[2], done[2];
	if (page == MAP_FAILED || pipe(go) || pipe(done))
		bail("setup");
	page[0] = 'P';
	pid_t me = getpid();
	uint64_t before = word_of(me);
	show("One private page, written by the parent: it has a frame of its own.", me, 0);
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) { /* waits for "go", writes, says "done", waits to be killed */
		char c;
		read(go[0], &c, 1);
		page[0] = 'C';
		write(done[1], "d", 1);
		read(go[0], &c, 1);
		_exit(page[0] == 'C' ? 0 : 1);
	}
	show("\nAfter fork: both map the very same frame, read-only, so neither owns it.", me, child);
	uint64_t p = word_of(me), c = word_of(child);
	tap_ok(PM_PFN(p) == PM_PFN(before) && PM_PFN(c) == PM_PFN(p), "after fork, child and parent share the frame");
	tap_ok(!(p & PM_EXCLUSIVE) && !(c & PM_EXCLUSIVE), "... and pagemap says it is not exclusive");
	char x;
	write(go[1], "g", 1);
	read(done[0], &x, 1);
	show("\nThe child wrote 'C': its write faulted, and the kernel gave it a copy\n"
	     "in a new frame. The parent still has the old frame, now alone.", me, child);
	p = word_of(me), c = word_of(child);
	tap_ok(PM_PFN(c) != PM_PFN(before) && PM_PFN(p) == PM_PFN(before), "the child's write moved the child to a new frame");
	tap_ok((p & PM_EXCLUSIVE) && (c & PM_EXCLUSIVE) && page[0] == 'P', "both exclusive now; the parent still reads 'P'");
	page[0] = 'Q';
	show("\nThe parent wrote 'Q': it was the last user of its frame, so the kernel\n"
	     "let it write in place. No copy, same frame.", me, child);
	tap_ok(PM_PFN(word_of(me)) == PM_PFN(before), "the parent's write kept its frame");
	write(go[1], "g", 1);
	tap_ok(reap(child) == EXITED(0), "the child still read its own 'C'");
	return done_testing();
}

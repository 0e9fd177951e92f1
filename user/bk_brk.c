/* user/bk_brk.c — the program break at its edges: unaligned breaks, asking
 * below the start, shrinking and growing again (new pages must be zero),
 * the freed part faulting, the break refusing to run into a mapping, heap
 * pages given straight to read(), the heap across fork.
 *
 * Inspired by: xv6 usertests sbrkbasic, sbrkmuch, kernmem, sbrkfail,
 * sbrkarg (a fresh sbrk'd buffer handed to a syscall), sbrkbugs (shrink to
 * below the start); LTP brk01 (grow/shrink round trip) and brk02 (shrink,
 * mprotect, grow again); Linux's "brk stops a page short of the next
 * mapping" rule (mm/mmap.c's brk check).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "swap.h"

static unsigned long sys_brk(unsigned long v)
{
	return syscall(SYS_brk, v);
}

static unsigned long start;

static int touch_byte(void *a)
{
	*(volatile char *)a = 1;
	return 0;
}

static int read_byte(void *a)
{
	return *(volatile char *)a;
}

static void basics(void)
{
	start = sys_brk(0);
	tap_eq(sys_brk(start), start, "brk(current) -> current");
	tap_eq(sys_brk(0x1000), start, "brk(0x1000, below the heap) -> unchanged");
	tap_eq(sys_brk(start - 10 * PAGE), start, "brk(below start) -> unchanged");
	tap_eq(sys_brk(-PAGE), start, "brk(0xfffffffffffff000) -> unchanged");
	tap_eq(sys_brk(start + 1), start + 1, "brk(start + 1) -> start + 1 exactly");
	tap_eq(sys_brk(0), start + 1, "brk(0) remembers the unaligned break");
	char *p = (char *)start;
	p[0] = 'a';
	unsigned long end = (start + PAGE) & ~(PAGE - 1);
	((char *)end)[-1] = 'b';
	tap_ok(p[0] == 'a', "the byte at the old break is usable");
	tap_status(reap(spawn(touch_byte, (void *)(end + PAGE))), KILLED(SIGSEGV),
		   "a page beyond the rounded break -> SIGSEGV");
	tap_eq(sys_brk(start), start, "shrink back");
}

static void grow_shrink(void)
{
	size_t n = 256;
	char *p = (char *)start;

	tap_eq(sys_brk(start + n * PAGE), start + n * PAGE, "grow by 1 MiB");
	for (size_t i = 0; i < n; i++)
		p[i * PAGE + 17] = (char)i;
	size_t bad = 0;
	for (size_t i = 0; i < n; i++)
		bad += p[i * PAGE + 17] != (char)i;
	tap_eq(bad, 0, "every heap page keeps its data");
	tap_try(mprotect((void *)((start + 8 * PAGE) & ~(PAGE - 1)), PAGE, PROT_READ), 0, 0,
		"mprotect one heap page read-only");
	tap_eq(sys_brk(start + 4 * PAGE), start + 4 * PAGE, "shrink to 4 pages");
	tap_status(reap(spawn(read_byte, p + 100 * PAGE)), KILLED(SIGSEGV), "the given-back part faults");
	tap_eq(sys_brk(start + n * PAGE), start + n * PAGE, "grow again by 1 MiB");
	bad = 0;
	for (size_t i = 5; i < n; i++)
		bad += p[i * PAGE + 17] != 0;
	tap_eq(bad, 0, "the regrown pages are zero, not the old data");
	p[8 * PAGE + 1] = 1;
	tap_ok(1, "the once read-only page is writable after the regrow");
	tap_eq(p[3 * PAGE + 17], 3, "pages kept across the shrink keep their data");
	/* sbrkarg: a fresh heap buffer filled by the kernel */
	int fd = open("/proc/self/exe", O_RDONLY);
	tap_try(read(fd, p + 200 * PAGE, 10 * PAGE), 10 * PAGE, 0, "read() into never-touched heap pages");
	tap_ok(!memcmp(p + 200 * PAGE + 1, "ELF", 3), "... the file's bytes arrived");
	close(fd);
	tap_eq(sys_brk(start), start, "shrink to start");
}

static void into_mapping(void)
{
	unsigned long base = (start + PAGE - 1) & ~(PAGE - 1);
	unsigned long m = base + 64 * PAGE;
	char *q = mmap((void *)m, PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (q == MAP_FAILED) {
		tap_skip("something is mapped there already", "brk stops short of a mapping");
		return;
	}
	q[0] = 'm';
	tap_eq(sys_brk(m + 10 * PAGE), start, "brk across a mapping -> unchanged");
	tap_eq(sys_brk(m + 1), start, "brk into a mapping's first byte -> unchanged");
	tap_eq(sys_brk(m - PAGE + 1), start, "brk within a page of a mapping -> unchanged");
	tap_eq(sys_brk(m - PAGE), m - PAGE, "brk to a page short of the mapping -> ok");
	memset((void *)base, 'h', m - PAGE - base);
	tap_eq(q[0], 'm', "the mapping is untouched");
	tap_eq(sys_brk(start), start, "shrink");
	tap_eq(q[0], 'm', "still untouched after the shrink");
	munmap(q, PAGE);
}

static int child_heap(void *a)
{
	char *p = a;

	if (p[0] != 'H' || p[PAGE * 9] != 'h')
		return 1;
	p[0] = 'c';
	if (sys_brk(start) != start)
		return 2;
	if (sys_brk(start + 20 * PAGE) != start + 20 * PAGE)
		return 3;
	return p[PAGE * 9] == 0 ? 0 : 4;
}

static void across_fork(void)
{
	char *p = (char *)start;

	sys_brk(start + 10 * PAGE);
	p[0] = 'H';
	p[9 * PAGE] = 'h';
	child_case(child_heap, p, EXITED(0), "child sees the heap, shrinks and regrows its own");
	tap_ok(p[0] == 'H' && p[9 * PAGE] == 'h', "parent's heap is untouched");
	tap_eq(sys_brk(0), start + 10 * PAGE, "parent's break is its own");
	sys_brk(start);
}

int main(void)
{
	basics();
	grow_shrink();
	into_mapping();
	across_fork();
	return done_testing();
}

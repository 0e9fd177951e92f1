/* user/madvise.c — the argument rules of madvise, mincore, mprotect and
 * munmap, and Linux's rules for a range with a hole in it:
 *
 *   madvise       acts on every mapped part, then ENOMEM
 *   mprotect      acts up to the first hole, then ENOMEM
 *   mincore       answers up to the first hole, then ENOMEM
 *   munmap        holes are fine
 *
 * and MADV_DONTFORK: a forked child does not get that mapping at all. */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"
#include "swap.h"

#define TASK_SIZE_MAX 0x7ffffffff000UL

/* Three pages of 7s with the middle one unmapped: [p, p + 3 pages). */
static char *holed(void)
{
	char *p = map_anon(3 * PAGE);

	memset(p, 7, 3 * PAGE);
	if (munmap(p + PAGE, PAGE))
		bail("munmap");
	return p;
}

static void advice(void)
{
	static const int fine[] = { MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED,
				    MADV_DONTFORK, MADV_DOFORK };
	static const char *const names[] = { "NORMAL", "RANDOM", "SEQUENTIAL", "WILLNEED",
					     "DONTFORK", "DOFORK" };
	char *p = map_anon(2 * PAGE);

	for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
		tap_try(madvise(p, 2 * PAGE, fine[i]), 0, 0, "madvise(MADV_%s) -> 0", names[i]);
	tap_try(madvise(p, PAGE, 999), -1, EINVAL, "unknown advice -> EINVAL");
	tap_try(madvise(p, 0, 999), -1, EINVAL, "unknown advice with length 0 -> EINVAL");
	tap_try(madvise(p, 0, MADV_NORMAL), 0, 0, "length 0 -> 0");
	tap_try(madvise(p + 1, PAGE, MADV_NORMAL), -1, EINVAL, "misaligned start -> EINVAL");
	tap_try(syscall(SYS_madvise, p, -1L, MADV_NORMAL), -1, EINVAL,
		"a length that wraps when rounded up -> EINVAL");
	tap_try(syscall(SYS_madvise, p, -2 * (long)PAGE, MADV_NORMAL), -1, EINVAL,
		"a range that wraps -> EINVAL");
	tap_try(syscall(SYS_madvise, TASK_SIZE_MAX, PAGE, MADV_NORMAL), -1, ENOMEM,
		"the page at TASK_SIZE_MAX -> ENOMEM");
	tap_try(syscall(SYS_madvise, 1UL << 47, PAGE, MADV_DONTNEED), -1, ENOMEM,
		"non-canonical addresses -> ENOMEM");
	munmap(p, 2 * PAGE);
}

static void holes(void)
{
	char *p = holed();
	unsigned char vec[3] = { 0xaa, 0xaa, 0xaa };

	tap_try(madvise(p, 3 * PAGE, MADV_NORMAL), -1, ENOMEM, "madvise over a hole -> ENOMEM");
	tap_try(madvise(p, 3 * PAGE, MADV_DONTNEED), -1, ENOMEM,
		"MADV_DONTNEED over a hole -> ENOMEM");
	tap_ok(p[0] == 0 && p[2 * PAGE] == 0, "... after zapping the pages on both sides of it");
	memset(p, 7, PAGE);
	tap_try(madvise(p + PAGE, PAGE, MADV_NORMAL), -1, ENOMEM, "madvise of the hole alone -> ENOMEM");

	tap_try(mincore(p, 3 * PAGE, vec), -1, ENOMEM, "mincore over a hole -> ENOMEM");
	tap_ok(vec[0] == 1 && vec[1] == 0xaa, "... having answered for the page before it only");
	tap_try(mincore(p + PAGE, PAGE, NULL), -1, ENOMEM,
		"mincore of the hole into a NULL vector -> ENOMEM (the hole comes first)");
	tap_try(mincore(p, PAGE, NULL), -1, EFAULT, "mincore of a mapped page into NULL -> EFAULT");

	tap_try(munmap(p, 3 * PAGE), 0, 0, "munmap over a hole -> 0");
}

/* The child of the mprotect-up-to-the-hole case: writes the first page,
 * which the failed mprotect made read-only. */
static int write_first(void *p)
{
	*(volatile char *)p = 1;
	return 0;
}

static void protect_prefix(void)
{
	char *p = holed();

	tap_try(mprotect(p, 3 * PAGE, PROT_READ), -1, ENOMEM, "mprotect read-only over a hole -> ENOMEM");
	child_case(write_first, p, KILLED(SIGSEGV), "... the part before the hole became read-only");
	munmap(p, 3 * PAGE);
}

static void protect_args(void)
{
	char *p = map_anon(PAGE);

	tap_try(mprotect(p, PAGE, PROT_READ | 0x8), 0, 0, "mprotect with PROT_SEM -> 0");
	tap_try(mprotect(p, PAGE, PROT_READ | 0x10), -1, EINVAL, "mprotect with bit 0x10 -> EINVAL");
	tap_try(mprotect(p, PAGE, PROT_READ | PROT_GROWSDOWN), -1, EINVAL,
		"PROT_GROWSDOWN on an ordinary mapping -> EINVAL");
	tap_try(syscall(SYS_mprotect, p, -1L, PROT_READ), -1, ENOMEM, "a length that wraps -> ENOMEM");
	tap_try(syscall(SYS_mprotect, p, -1L, 0x10), -1, ENOMEM, "... before the bad prot bits");
	tap_try(syscall(SYS_mprotect, p + 1, -1L, 0x10), -1, EINVAL, "... after a misaligned start");
	tap_try(mprotect(p, 0, 0x10), 0, 0, "length 0 with bad bits -> 0");
	tap_try(syscall(SYS_mprotect, 1UL << 47, PAGE, PROT_READ), -1, ENOMEM,
		"mprotect above user space -> ENOMEM");
	tap_try(syscall(SYS_mincore, p, -1L, NULL), -1, ENOMEM, "mincore with length -1 -> ENOMEM");
	tap_try(syscall(SYS_mincore, p + 1, -1L, NULL), -1, EINVAL,
		"... but a misaligned start comes first -> EINVAL");
	tap_try(syscall(SYS_mincore, TASK_SIZE_MAX, PAGE, NULL), -1, ENOMEM,
		"mincore of the page at TASK_SIZE_MAX -> ENOMEM");
	tap_try(syscall(SYS_munmap, TASK_SIZE_MAX, PAGE), -1, EINVAL,
		"munmap of the page at TASK_SIZE_MAX -> EINVAL");
	munmap(p, PAGE);
}

/* The child of the DONTFORK case: pages 0 and 2 are there, page 1 not. */
static int dontfork_child(void *p_)
{
	char *p = p_;
	unsigned char v;

	if (mincore(p + PAGE, PAGE, &v) != -1 || errno != ENOMEM)
		return 1;
	return p[0] == 1 && p[2 * PAGE] == 3 ? 0 : 2;
}

static int dofork_child(void *p_)
{
	return ((char *)p_)[PAGE] == 2 ? 0 : 1;
}

static void dontfork(void)
{
	char *p = map_anon(3 * PAGE);

	p[0] = 1, p[PAGE] = 2, p[2 * PAGE] = 3;
	tap_try(madvise(p + PAGE, PAGE, MADV_DONTFORK), 0, 0, "MADV_DONTFORK on the middle page -> 0");
	child_case(dontfork_child, p, EXITED(0), "a forked child has no middle page, the others intact");
	tap_eq(p[PAGE], 2, "the parent keeps its middle page");
	tap_try(madvise(p, 3 * PAGE, MADV_DOFORK), 0, 0, "MADV_DOFORK -> 0");
	child_case(dofork_child, p, EXITED(0), "after MADV_DOFORK the child has it again");
	munmap(p, 3 * PAGE);
}

int main(void)
{
	advice();
	holes();
	protect_prefix();
	protect_args();
	dontfork();
	return done_testing();
}

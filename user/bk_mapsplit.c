/* user/bk_mapsplit.c — one region cut into thousands of areas: a
 * checkerboard of protections, fork with all of them, holes punched on one
 * side, everything made uniform again, one munmap across them all; and
 * mremap's basic moves.
 *
 * Inspired by: gVisor test/syscalls/linux/mmap.cc and mprotect.cc (many
 * small mprotect splits, fork with many VMAs), LTP mprotect04/mmap14,
 * Linux selftests mm/mremap_test.c and mremap_dontunmap.c (grow in place,
 * move, MREMAP_FIXED overlapping source -> EINVAL).
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "child.h"
#include "swap.h"

#define N 2048
static char *p;

static int write_ro(void *a)
{
	*(volatile char *)a = 1;
	return 0;
}

static int child_checker(void *a)
{
	(void)a;
	for (int i = 0; i < N; i++) {
		if (p[i * PAGE] != (char)i)
			return 1;
		if (i % 2 == 0)
			p[i * PAGE] = 'c';
	}
	if (reap(spawn(write_ro, p + PAGE)) != KILLED(SIGSEGV))
		return 2;
	for (int i = 0; i < N; i += 4)
		if (munmap(p + i * PAGE, PAGE))
			return 3;
	return 0;
}

static void checkerboard(void)
{
	p = map_anon(N * PAGE);
	for (int i = 0; i < N; i++)
		p[i * PAGE] = (char)i;
	int bad = 0;
	for (int i = 1; i < N; i += 2)
		bad += mprotect(p + i * PAGE, PAGE, PROT_READ) != 0;
	tap_eq(bad, 0, "mprotect every other page of %d read-only (%d areas)", N, N);
	child_case(child_checker, NULL, EXITED(0), "child: data right, writes even pages, odd fault, unmaps every 4th");
	bad = 0;
	for (int i = 0; i < N; i++)
		bad += p[i * PAGE] != (char)i;
	tap_eq(bad, 0, "parent's pages untouched by the child");
	tap_status(reap(spawn(write_ro, p + 3 * PAGE)), KILLED(SIGSEGV), "parent's odd pages still read-only");
	tap_try(mprotect(p, N * PAGE, PROT_READ | PROT_WRITE), 0, 0, "mprotect the whole region RW again");
	for (int i = 0; i < N; i++)
		p[i * PAGE + 1] = 'w';
	bad = 0;
	for (int i = 0; i < N; i++)
		bad += p[i * PAGE] != (char)i || p[i * PAGE + 1] != 'w';
	tap_eq(bad, 0, "every page writable and intact");
	for (int i = 0; i < N; i += 3)
		munmap(p + i * PAGE, PAGE);
	tap_try(mprotect(p, N * PAGE, PROT_READ), -1, ENOMEM, "mprotect across the holes -> ENOMEM");
	tap_try(munmap(p, N * PAGE), 0, 0, "one munmap over ~1365 areas and holes");
	tap_try(mmap(p, N * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0),
		(long)p, 0, "the whole range is free again");
	tap_eq(p[5 * PAGE], 0, "and maps fresh zero pages");
	munmap(p, N * PAGE);
}

static void mremap_cases(void)
{
	char *a = map_anon(4 * PAGE);
	memset(a, 'r', 4 * PAGE);
	errno = 0;
	char *b = mremap(a, 4 * PAGE, 64 * PAGE, MREMAP_MAYMOVE);
	if (b == MAP_FAILED && errno == ENOSYS) {
		tap_ok(0, "mremap exists (ENOSYS)");
		munmap(a, 4 * PAGE);
		return;
	}
	tap_ok(b != MAP_FAILED, "mremap(4 -> 64 pages, MAYMOVE)");
	if (b == MAP_FAILED)
		return;
	tap_ok(b[0] == 'r' && b[4 * PAGE - 1] == 'r' && b[4 * PAGE] == 0, "data moved, the new part is zero");
	tap_try(mremap(b, 64 * PAGE, 8 * PAGE, 0), (long)b, 0, "shrink in place to 8 pages");
	tap_status(reap(spawn(write_ro, b + 9 * PAGE)), KILLED(SIGSEGV), "the cut-off part is gone");
	tap_try(mremap(b, 8 * PAGE, 8 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, b + 4 * PAGE), -1, EINVAL,
		"MREMAP_FIXED onto an overlapping range -> EINVAL");
	tap_try(mremap(b + 1, PAGE, PAGE, 0), -1, EINVAL, "mremap(unaligned) -> EINVAL");
	tap_try(mremap(b, 8 * PAGE, 8 * PAGE, 0x80), -1, EINVAL, "mremap(unknown flag) -> EINVAL");
	tap_eq(b[0], 'r', "the data is still there");
	munmap(b, 8 * PAGE);
}

int main(void)
{
	checkerboard();
	mremap_cases();
	return done_testing();
}

/* user/bk_mapsplit.c — one region cut into thousands of areas: a
 * checkerboard of protections, fork with all of them, holes punched on one
 * side, everything made uniform again, one munmap across them all.
 * (faultline has no mremap yet: its cases from the selftests below wait
 * for it.)
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

int main(void)
{
	checkerboard();
	return done_testing();
}

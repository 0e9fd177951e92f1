/* user/manymaps.c — an address space with tens of thousands of mappings.
 *
 * Part one makes 12,000 one-page mappings without an address hint, so the
 * kernel must find a free place among all the earlier ones each time. The
 * protections alternate between PROT_READ and PROT_READ|PROT_WRITE, so that
 * no two neighbours could be merged into one area (Linux merges such areas;
 * faultline never does; the checks hold either way). Every writable page gets
 * its own number and must still hold it after all the others were made and
 * after half of them were unmapped in random order; an unmapped page must be
 * gone (mincore: ENOMEM).
 *
 * Part two maps pages until the kernel says no: Linux's vm.max_map_count,
 * 65,530 by default. Linux's rules at the limit, found by experiment on
 * Linux 6.18: mmap fails only once a process has *more* areas than the limit,
 * so the first ENOMEM leaves it one area past it; every cut mprotect makes
 * fails at the limit; munmap fails only if it would cut a hole in the middle
 * of an area, since trimming an end does not add an area. All three errors
 * are ENOMEM.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tap.h"

#define PAGE 4096UL
#define MANY 12000
#define LIMIT 65530    /* Linux's default vm.max_map_count */
#define TRIES (LIMIT + 100)
#define SPECIMENS 3    /* three-page areas to cut at the limit */
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static char *maps[TRIES];
static unsigned rnd_state = 12345;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245 + 12345;
	return (rnd_state >> 8) % n;
}

static int prot_of(int i)
{
	return i % 2 ? PROT_READ : RW;
}

static char *map(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, ANON, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static int gone(const char *p)
{
	unsigned char vec;
	return mincore((void *)p, PAGE, &vec) == -1 && errno == ENOMEM;
}

/* Each writable page holds its number; each read-only one reads zero. */
static int pages_hold(int n)
{
	int wrong = 0;
	for (int i = 0; i < n; i++)
		if (maps[i])
			wrong += *(volatile int *)maps[i] != (prot_of(i) == RW ? i : 0);
	return wrong;
}

static void shuffle(int *order, int n)
{
	for (int i = 0; i < n; i++)
		order[i] = i;
	for (int i = n - 1; i > 0; i--) {
		int j = rnd(i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
	return x < y ? -1 : x > y;
}

/* No two of the first n mappings share a page. */
static int distinct(int n)
{
	static char *sorted[MANY];
	memcpy(sorted, maps, n * sizeof *maps);
	qsort(sorted, n, sizeof *sorted, cmp_ptr);
	for (int i = 1; i < n; i++)
		if (sorted[i] < sorted[i - 1] + PAGE)
			return 0;
	return 1;
}

static void many_small_mappings(void)
{
	static int order[MANY];
	int made = 0;
	while (made < MANY && (maps[made] = map(PAGE, prot_of(made))))
		made++;
	tap_eq(made, MANY, "%d one-page mappings without a hint", MANY);
	tap_ok(distinct(made), "no two of them overlap");
	for (int i = 0; i < made; i++)
		if (prot_of(i) == RW)
			*(int *)maps[i] = i;
	tap_eq(pages_hold(made), 0, "every page is found and holds its own number");

	shuffle(order, made);
	int unmapped = 0, vanished = 0;
	for (int k = 0; k < made / 2; k++) {
		char *p = maps[order[k]];
		maps[order[k]] = NULL;
		unmapped += munmap(p, PAGE) == 0;
		vanished += gone(p);
	}
	tap_eq(unmapped, made / 2, "half of them unmapped in random order");
	tap_eq(vanished, made / 2, "each unmapped page is gone (mincore ENOMEM)");
	tap_eq(pages_hold(made), 0, "the other half still hold their numbers");
	for (int k = made / 2; k < made; k++) {
		munmap(maps[order[k]], PAGE);
		maps[order[k]] = NULL;
	}
}

/* Expect a call at the limit to give want (0, or -1 with ENOMEM). */
static void at_limit(int got, int want, const char *what)
{
	tap_syscall(got, errno, want, ENOMEM, NULL, "at the limit: %s -> %s", what,
		    want ? "ENOMEM" : "0");
}

static void map_count_limit(void)
{
	char *spec[SPECIMENS];
	for (int i = 0; i < SPECIMENS; i++) { /* a read-write page keeps them apart */
		spec[i] = map(3 * PAGE, PROT_READ | PROT_EXEC);
		if (!spec[i] || !map(PAGE, RW))
			bail("mmap");
	}
	int n = 0;
	errno = 0;
	while (n < TRIES && (maps[n] = map(PAGE, prot_of(n))))
		n++;
	tap_ok(n < TRIES && errno == ENOMEM, "mmap one page after another until ENOMEM");
	tap_ok(n > LIMIT - 100, "... which came after about vm.max_map_count pages");
	tap_diag("%d pages mapped", n);
	if (n == TRIES || n < 4)
		return;
	/* A probe is PROT_NONE, which none of its neighbours is: Linux
	 * cannot merge it into them, so each probe is a new area. */
	at_limit(map(PAGE, PROT_NONE) ? 0 : -1, -1, "mmap again");
	at_limit(munmap(spec[0] + PAGE, PAGE), -1, "munmap the middle of an area");
	at_limit(mprotect(spec[0], PAGE, PROT_READ), -1, "mprotect one end of an area");
	at_limit(munmap(spec[1], PAGE), 0, "munmap one end of an area");
	at_limit(munmap(maps[--n], PAGE), 0, "munmap a whole area");
	at_limit(map(PAGE, PROT_NONE) ? 0 : -1, 0, "mmap with exactly the limit");
	at_limit(map(PAGE, PROT_NONE) ? 0 : -1, -1, "mmap one past the limit");
	munmap(maps[--n], PAGE);
	at_limit(munmap(maps[--n], PAGE), 0, "munmap two whole areas");
	at_limit(munmap(spec[0] + PAGE, PAGE), 0, "munmap the middle, one below the limit");
	at_limit(mprotect(spec[2], PAGE, PROT_READ), -1, "mprotect one end, at the limit again");
	tap_eq(*(volatile char *)(spec[0] + 2 * PAGE), 0, "what was cut still reads");
}

int main(void)
{
	many_small_mappings();
	map_count_limit();
	return done_testing();
}

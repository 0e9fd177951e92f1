/* user/swap.h — what the swap and page-replacement tests share (pressure,
 * pageout, mlock, forkswap, oom, swapon): reading /proc/meminfo,
 * /proc/vmstat and /proc/swaps, residency through mincore, and a per-page
 * data pattern.
 *
 * The same programs run on the host Linux, which often has no swap at all;
 * there anonymous pages never leave RAM (MADV_PAGEOUT leaves them be), so
 * the tests ask have_swap() before asserting anything about residency and
 * print TAP "# skip" lines instead. The pattern puts the page's index and a
 * seed into every 8-byte word, so a page that comes back from the wrong
 * swap slot, from an older write, or zero-filled is caught, not just a
 * page that comes back garbled.
 */
#pragma once
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>

#include "tap.h"

#ifndef PAGE
#define PAGE 4096UL
#endif
#define MIB (1UL << 20)
#define KB_PAGES(kb) ((kb) / 4) /* /proc counts KiB; a page is 4 */

/* ---- /proc ----------------------------------------------------------------- */

/* The number after `key` in a "key: N kB" (/proc/meminfo) or "key N"
 * (/proc/vmstat) file; -1 if the file or the key is missing. */
static inline long proc_value(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
	char name[64];
	long v, found = -1;

	if (!f)
		return -1;
	while (found < 0 && fscanf(f, "%63s %ld%*[^\n]", name, &v) == 2) {
		size_t n = strlen(name);

		if (n && name[n - 1] == ':')
			name[n - 1] = 0;
		if (!strcmp(name, key))
			found = v;
	}
	fclose(f);
	return found;
}

static inline long meminfo_kb(const char *key)
{
	return proc_value("/proc/meminfo", key);
}

/* Anonymous pages can leave RAM only if some swap is enabled. */
static inline bool have_swap(void)
{
	return meminfo_kb("SwapTotal") > 0;
}

/* One line of /proc/swaps: Filename Type Size Used Priority (sizes in KiB). */
struct swap_area {
	char name[128];
	long size_kb, used_kb;
	int prio;
};

#define MAX_AREAS 8

/* Fills a[] from /proc/swaps; the count, or -1 if it cannot be read. */
static inline int read_swaps(struct swap_area *a)
{
	FILE *f = fopen("/proc/swaps", "r");
	int n = 0;

	if (!f)
		return -1;
	fscanf(f, "%*[^\n]"); /* the header line */
	while (n < MAX_AREAS && fscanf(f, "%127s %*s %ld %ld %d", a[n].name, &a[n].size_kb,
				       &a[n].used_kb, &a[n].prio) == 4)
		n++;
	fclose(f);
	return n;
}

/* The sum of Used over /proc/swaps, in KiB; -1 if it cannot be read. */
static inline long swap_used_kb(void)
{
	struct swap_area a[MAX_AREAS];
	int n = read_swaps(a);
	long used = 0;

	for (int i = 0; i < n; i++)
		used += a[i].used_kb;
	return n < 0 ? -1 : used;
}

/* Used of the area named name (/dev/vda ...) in KiB; -1 if it is not on. */
static inline long swap_area_used_kb(const char *name)
{
	struct swap_area a[MAX_AREAS];
	int n = read_swaps(a);

	for (int i = 0; i < n; i++)
		if (!strcmp(a[i].name, name))
			return a[i].used_kb;
	return -1;
}

static inline void show_swaps(void)
{
	struct swap_area a[MAX_AREAS];
	int n = read_swaps(a);

	for (int i = 0; i < n; i++)
		tap_diag("swap %s: size %ld KiB, used %ld KiB, priority %d", a[i].name,
			 a[i].size_kb, a[i].used_kb, a[i].prio);
}

/* Bytes to touch for real memory pressure: min(times x MemTotal,
 * 0.9 x (MemTotal + SwapFree) - 16 MiB), more than RAM but never more than
 * RAM plus swap (that is the OOM killer's business, oom.c). Without swap a
 * set larger than RAM could only end in the OOM killer, so it is 32 MiB; on
 * a Linux host with swap the formula means gigabytes, so it is capped
 * there. $PRESSURE_MB overrides all of it. */
static inline size_t pressure_size(long times)
{
	const char *env = getenv("PRESSURE_MB");
	long mem = meminfo_kb("MemTotal"), kb;

	if (env)
		return strtoul(env, NULL, 10) * MIB;
	if (mem <= 0 || !have_swap())
		return 32 * MIB;
	kb = (mem + meminfo_kb("SwapFree")) / 10 * 9 - 16 * 1024;
	if (kb > times * mem)
		kb = times * mem;
	if (kb < 1024)
		kb = 1024;
	if (!on_faultline() && (size_t)kb * 1024 > 512 * MIB)
		kb = 512 * 1024;
	return (size_t)kb * 1024 & ~(PAGE - 1);
}

/* ---- TAP ------------------------------------------------------------------- */

/* tap_try(call, want, want_err, name...): one tap_syscall case. The call
 * runs before errno is read (a function's arguments have no order). */
static long try_ret;
static int try_err;
#define tap_try(expr, want, want_err, ...)                                       \
	(errno = 0, try_ret = (long)(expr), try_err = errno,                     \
	 tap_syscall(try_ret, try_err, want, want_err, NULL, __VA_ARGS__))

/* A case that does not apply here: TAP counts "ok ... # skip" as passed. */
static inline void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	printf("ok %d - ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # skip %s\n", why);
	fflush(stdout);
}

#define NO_SWAP "no swap enabled: Linux keeps anonymous pages in RAM"

/* ---- memory ---------------------------------------------------------------- */

static inline void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bail("mmap");
	return p;
}

/* How many of the pages of [p, p + len) mincore reports resident; -1 if
 * mincore failed. */
static inline long resident_pages(const void *p, size_t len)
{
	static unsigned char vec[4096];
	size_t n = (len + PAGE - 1) / PAGE;
	long count = 0;

	if (n > sizeof vec || mincore((void *)p, len, vec))
		return -1;
	for (size_t i = 0; i < n; i++)
		count += vec[i] & 1;
	return count;
}

/* One case: exactly `want` pages of [p, p + len) are resident. */
static inline int tap_resident(const void *p, size_t len, long want, const char *fmt, ...)
{
	long got = resident_pages(p, len);
	va_list ap;

	va_start(ap, fmt);
	tap_vok(got == want, fmt, ap);
	va_end(ap);
	if (got != want)
		tap_diag("expected %ld of %zu pages resident, mincore says %ld", want,
			 len / PAGE, got);
	return got == want;
}

/* Pushes [p, p + len) out with MADV_PAGEOUT and checks that it went: with
 * swap, Used must grow by its size (pages never swapped before each need a
 * slot), and on faultline mincore must call every page absent. Linux keeps
 * a paged-out page in its swap cache until the write to a disk completes
 * and reclaim comes round again (zram writes at once), and mincore counts
 * such a page resident: on the host that half is skipped. */
static inline void page_out(void *p, size_t len, const char *what)
{
	long before = swap_used_kb();

	tap_try(madvise(p, len, MADV_PAGEOUT), 0, 0, "madvise(MADV_PAGEOUT) on %s -> 0", what);
	if (!have_swap()) {
		tap_skip(NO_SWAP, "swap Used grew by %s", what);
		tap_skip(NO_SWAP, "mincore: %s not resident after MADV_PAGEOUT", what);
		return;
	}
	tap_ok(swap_used_kb() - before >= (long)(len / 1024), "swap Used grew by %s", what);
	if (on_faultline())
		tap_resident(p, len, 0, "mincore: %s not resident after MADV_PAGEOUT", what);
	else
		tap_skip("Linux counts a page in its swap cache as resident",
			 "mincore: %s not resident after MADV_PAGEOUT", what);
}

/* ---- the data pattern ------------------------------------------------------ */

static inline uint64_t pattern_word(size_t page, uint64_t seed, size_t word)
{
	return seed << 40 ^ (uint64_t)page << 9 ^ word;
}

static inline void fill_page(void *p, size_t page, uint64_t seed)
{
	uint64_t *w = p;

	for (size_t i = 0; i < PAGE / 8; i++)
		w[i] = pattern_word(page, seed, i);
}

static inline bool page_ok(const void *p, size_t page, uint64_t seed)
{
	const uint64_t *w = p;

	for (size_t i = 0; i < PAGE / 8; i++)
		if (w[i] != pattern_word(page, seed, i))
			return false;
	return true;
}

/* Pages first .. first + n - 1 of buf, every `step`-th one from `first`. */
static inline void fill_pages(void *buf, size_t first, size_t n, size_t step, uint64_t seed)
{
	for (size_t i = first; i < first + n; i += step)
		fill_page((char *)buf + i * PAGE, i, seed);
}

/* How many of those pages do not hold the pattern. */
static inline size_t bad_pages(const void *buf, size_t first, size_t n, size_t step,
			       uint64_t seed)
{
	size_t bad = 0;

	for (size_t i = first; i < first + n; i += step)
		bad += !page_ok((const char *)buf + i * PAGE, i, seed);
	return bad;
}

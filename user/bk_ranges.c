/* user/bk_ranges.c — mmap, munmap, mprotect, madvise, mlock and mincore at
 * the edges of their ranges: zero and wrapping lengths, unaligned addresses,
 * TASK_SIZE, holes, MAP_FIXED and MAP_FIXED_NOREPLACE over live mappings,
 * huge sparse mappings.
 *
 * Inspired by: LTP mmap05/mmap08/mmap09/mmap15, munmap03, mprotect01,
 * madvise02, mlock02, mincore01/02; gVisor test/syscalls/linux/mmap.cc
 * (MapFixed over existing mapping, NoReplace, huge PROT_NONE reservations),
 * mincore.cc and madvise.cc; Linux tools/testing/selftests/mm/
 * map_fixed_noreplace.c (the overlap cases, verbatim in spirit).
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "swap.h"
#include <sys/syscall.h>

/* Raw calls: musl's wrappers round mprotect's address and refuse huge mmap
 * lengths themselves, and the kernel's answer is what is tested here. */
#define mmap(a, l, p, f, fd, o) ((void *)syscall(SYS_mmap, a, l, p, f, fd, o))
#define munmap(a, l) syscall(SYS_munmap, a, l)
#define mprotect(a, l, p) syscall(SYS_mprotect, a, l, p)
#define madvise(a, l, m) syscall(SYS_madvise, a, l, m)
#define mlock(a, l) syscall(SYS_mlock, a, l)
#define munlock(a, l) syscall(SYS_munlock, a, l)
#define mincore(a, l, v) syscall(SYS_mincore, a, l, v)

#define TASK_SIZE 0x7ffffffff000UL
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static char *area(size_t pages)
{
	return map_anon(pages * PAGE);
}

static void mmap_args(void)
{
	tap_try(mmap(NULL, 0, RW, ANON, -1, 0), -1, EINVAL, "mmap(len 0) -> EINVAL");
	tap_try(mmap(NULL, -PAGE, RW, ANON, -1, 0), -1, ENOMEM, "mmap(len -4096) -> ENOMEM");
	tap_try(mmap(NULL, -1UL, RW, ANON, -1, 0), -1, ENOMEM, "mmap(len -1) -> ENOMEM");
	tap_try(mmap((void *)0x10000001, PAGE, RW, ANON | MAP_FIXED, -1, 0), -1, EINVAL,
		"mmap(MAP_FIXED unaligned) -> EINVAL");
	tap_try(mmap(NULL, PAGE, RW, MAP_ANONYMOUS, -1, 0), -1, EINVAL, "mmap(neither shared nor private) -> EINVAL");
	tap_try(mmap(NULL, PAGE, RW, ANON, -1, 1), -1, EINVAL, "mmap(offset 1) -> EINVAL");
	tap_try(mmap((void *)(TASK_SIZE - PAGE), 2 * PAGE, RW, ANON | MAP_FIXED, -1, 0), -1, ENOMEM,
		"mmap(MAP_FIXED across TASK_SIZE) -> ENOMEM");
	tap_try(mmap((void *)TASK_SIZE, PAGE, RW, ANON | MAP_FIXED, -1, 0), -1, ENOMEM,
		"mmap(MAP_FIXED at TASK_SIZE) -> ENOMEM");
	tap_try(mmap((void *)0xffff800000000000UL, PAGE, RW, ANON | MAP_FIXED, -1, 0), -1, ENOMEM,
		"mmap(MAP_FIXED at a kernel address) -> ENOMEM");

	char *p = mmap((void *)0x800000000000UL, PAGE, RW, ANON, -1, 0);
	tap_ok(p != MAP_FAILED && (unsigned long)p < TASK_SIZE, "mmap(hint above TASK_SIZE) is placed below it");
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	p = mmap((void *)0x300000001234UL, PAGE, RW, ANON, -1, 0);
	tap_ok(p != MAP_FAILED && !((unsigned long)p & (PAGE - 1)), "mmap(unaligned hint) gives an aligned address");
	if (p != MAP_FAILED)
		munmap(p, PAGE);
}

static void fixed_over_existing(void)
{
	char *p = area(5);

	memset(p, 'x', 5 * PAGE);
	tap_try(mmap(p + PAGE, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), -1, EEXIST,
		"MAP_FIXED_NOREPLACE inside a mapping -> EEXIST");
	tap_try(mmap(p - PAGE, 2 * PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), -1, EEXIST,
		"MAP_FIXED_NOREPLACE overlapping the start -> EEXIST");
	tap_try(mmap(p + 4 * PAGE, 2 * PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), -1, EEXIST,
		"MAP_FIXED_NOREPLACE overlapping the end -> EEXIST");
	tap_ok(p[0] == 'x' && p[PAGE] == 'x' && p[5 * PAGE - 1] == 'x', "the mapping was left alone");

	tap_try(mmap(p + PAGE, 2 * PAGE, RW, ANON | MAP_FIXED, -1, 0), (long)(p + PAGE), 0,
		"MAP_FIXED over pages 1-2 of 5");
	tap_ok(p[0] == 'x' && p[PAGE] == 0 && p[3 * PAGE - 1] == 0 && p[3 * PAGE] == 'x',
	       "the replaced pages read zero, the others keep their data");

	/* MAP_FIXED with PROT_NONE, then back to RW: the old data must not come back */
	tap_try(mmap(p + 3 * PAGE, PAGE, PROT_NONE, ANON | MAP_FIXED, -1, 0), (long)(p + 3 * PAGE), 0,
		"MAP_FIXED PROT_NONE over page 3");
	tap_try(mprotect(p + 3 * PAGE, PAGE, RW), 0, 0, "mprotect it RW");
	tap_eq(p[3 * PAGE], 0, "page 3 reads zero, not the old 'x'");
	/* mprotect PROT_NONE and back keeps the data (it is the same mapping) */
	tap_try(mprotect(p + 4 * PAGE, PAGE, PROT_NONE), 0, 0, "mprotect page 4 PROT_NONE");
	tap_try(mprotect(p + 4 * PAGE, PAGE, RW), 0, 0, "and back RW");
	tap_eq(p[4 * PAGE], 'x', "page 4 kept its data");
	tap_try(munmap(p, 5 * PAGE), 0, 0, "munmap all 5");
	tap_try(mmap(p + PAGE, PAGE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), (long)(p + PAGE), 0,
		"MAP_FIXED_NOREPLACE in the freed range -> that address");
	tap_eq(p[PAGE], 0, "and it is zero");
	munmap(p + PAGE, PAGE);
}

static void munmap_mprotect(void)
{
	char *p = area(4);

	tap_try(munmap(p, 0), -1, EINVAL, "munmap(len 0) -> EINVAL");
	tap_try(munmap(p + 1, PAGE), -1, EINVAL, "munmap(unaligned) -> EINVAL");
	tap_try(munmap(p, -PAGE), -1, EINVAL, "munmap(wrapping len) -> EINVAL");
	tap_try(munmap((void *)TASK_SIZE, PAGE), -1, EINVAL, "munmap(at TASK_SIZE) -> EINVAL");
	/* (the last user page may be the stack's top: Linux without ASLR and
	 * faultline put it there, so only calls that must fail touch it) */
	tap_try(munmap((void *)(TASK_SIZE - PAGE), 2 * PAGE), -1, EINVAL,
		"munmap(last user page + 1 beyond TASK_SIZE) -> EINVAL, nothing unmapped");
	tap_try(munmap((void *)0xffff800000000000UL, PAGE), -1, EINVAL, "munmap(kernel address) -> EINVAL");
	p[0] = 1;
	tap_try(munmap(p + PAGE, 1), 0, 0, "munmap(page 1, len 1) -> 0 (rounded up)");
	tap_try(mprotect(p, 4 * PAGE, PROT_READ), -1, ENOMEM, "mprotect over the hole -> ENOMEM");
	tap_try(mprotect(p, 0, PROT_READ), 0, 0, "mprotect(len 0) -> 0");
	tap_try(mprotect(p + 1, PAGE, PROT_READ), -1, EINVAL, "mprotect(unaligned) -> EINVAL");
	tap_try(mprotect(p, -PAGE, PROT_READ), -1, ENOMEM, "mprotect(wrapping len) -> ENOMEM");
	tap_try(mprotect(p, PAGE, 0x100), -1, EINVAL, "mprotect(unknown prot bit) -> EINVAL");
	tap_try(mprotect(p, PAGE, PROT_READ | PROT_GROWSDOWN), -1, EINVAL,
		"mprotect(PROT_GROWSDOWN on a plain mapping) -> EINVAL");
	tap_try(mprotect(p + 2 * PAGE, PAGE + 1, PROT_READ), 0, 0, "mprotect(len PAGE+1) covers two pages");
	tap_try(mprotect((void *)TASK_SIZE, PAGE, PROT_READ), -1, ENOMEM, "mprotect(TASK_SIZE) -> ENOMEM");
	tap_eq(p[0], 1, "page 0 untouched by the failed mprotects");
	munmap(p, 4 * PAGE);
}

static void madvise_mlock_mincore(void)
{
	char *p = area(4);
	unsigned char vec[8];

	memset(p, 'm', 4 * PAGE);
	tap_try(madvise(p, 0, MADV_DONTNEED), 0, 0, "madvise(len 0) -> 0");
	tap_try(madvise(p + 1, PAGE, MADV_DONTNEED), -1, EINVAL, "madvise(unaligned) -> EINVAL");
	tap_try(madvise(p, -1UL, MADV_DONTNEED), -1, EINVAL, "madvise(len -1) -> EINVAL");
	tap_try(madvise(p, PAGE, 12345), -1, EINVAL, "madvise(unknown advice) -> EINVAL");
	tap_try(madvise((void *)TASK_SIZE, PAGE, MADV_DONTNEED), -1, ENOMEM, "madvise(TASK_SIZE) -> ENOMEM");
	tap_try(madvise(p + PAGE, 1, MADV_DONTNEED), 0, 0, "madvise(page 1, len 1, DONTNEED)");
	tap_ok(p[0] == 'm' && p[PAGE] == 0 && p[PAGE + 4095] == 0 && p[2 * PAGE] == 'm',
	       "exactly page 1 was zapped");
	munmap(p + 2 * PAGE, PAGE);
	tap_try(madvise(p, 4 * PAGE, MADV_DONTNEED), -1, ENOMEM, "madvise(DONTNEED over a hole) -> ENOMEM");
	tap_ok(p[0] == 0 && p[3 * PAGE] == 0, "... but both sides of the hole were zapped");
	tap_try(madvise(p, 4 * PAGE, MADV_WILLNEED), -1, ENOMEM, "madvise(WILLNEED over a hole) -> ENOMEM");

	tap_try(mlock(p, 0), 0, 0, "mlock(len 0) -> 0");
	tap_try(mlock(p + 1, 10), 0, 0, "mlock(unaligned, 10 bytes) -> 0");
	tap_try(mincore(p, PAGE, vec), 0, 0, "mincore(locked page)");
	tap_eq(vec[0] & 1, 1, "a locked page is resident");
	tap_try(munlock(p + 1, 10), 0, 0, "munlock(unaligned) -> 0");
	tap_try(mlock(p, 4 * PAGE), -1, ENOMEM, "mlock over a hole -> ENOMEM");
	munlock(p, 2 * PAGE);
	tap_try(mlock(p, -PAGE), -1, EINVAL, "mlock(wrapping len) -> EINVAL");
	tap_try(mlock((void *)TASK_SIZE, PAGE), -1, ENOMEM, "mlock(TASK_SIZE) -> ENOMEM");

	p[0] = 1;
	tap_try(mincore(p, 0, vec), 0, 0, "mincore(len 0) -> 0");
	tap_try(mincore(p + 1, PAGE, vec), -1, EINVAL, "mincore(unaligned) -> EINVAL");
	tap_try(mincore(p, PAGE, NULL), -1, EFAULT, "mincore(vec NULL) -> EFAULT");
	tap_try(mincore(p, PAGE, (unsigned char *)area), -1, EFAULT, "mincore(vec in text) -> EFAULT");
	tap_try(mincore(p, 4 * PAGE, vec), -1, ENOMEM, "mincore over a hole -> ENOMEM");
	tap_try(mincore((void *)TASK_SIZE, PAGE, vec), -1, ENOMEM, "mincore(TASK_SIZE) -> ENOMEM");
	tap_try(mincore(p, -PAGE, vec), -1, ENOMEM, "mincore(wrapping len) -> ENOMEM");
	tap_try(mincore(p, 1, vec), 0, 0, "mincore(len 1) -> 0");
	tap_eq(vec[0] & 1, 1, "a written page is resident");
	munmap(p, 4 * PAGE);
}

static void huge(void)
{
	size_t tib = 1UL << 40, step = 1UL << 30;
	char *p = mmap(NULL, tib, PROT_NONE, ANON | MAP_NORESERVE, -1, 0);

	tap_ok(p != MAP_FAILED, "mmap(1 TiB PROT_NONE NORESERVE) works");
	if (p == MAP_FAILED)
		return;
	tap_try(mprotect(p + tib / 2, PAGE, RW), 0, 0, "mprotect one page in its middle RW");
	p[tib / 2] = 42;
	tap_eq(p[tib / 2], 42, "and it holds data");
	tap_try(munmap(p, tib), 0, 0, "munmap the 1 TiB");

	p = mmap(NULL, 64 * step, RW, ANON | MAP_NORESERVE, -1, 0);
	tap_ok(p != MAP_FAILED, "mmap(64 GiB RW NORESERVE) works");
	if (p == MAP_FAILED)
		return;
	for (size_t i = 0; i < 64; i++)
		p[i * step + i] = (char)i;
	int bad = 0;
	for (size_t i = 0; i < 64; i++)
		bad += p[i * step + i] != (char)i;
	tap_eq(bad, 0, "one byte written every GiB of 64 GiB reads back");
	tap_try(mincore(p, PAGE, (unsigned char[1]){ 0 }), 0, 0, "mincore of the first page");
	tap_try(munmap(p + step, 62 * step), 0, 0, "munmap the middle 62 GiB");
	tap_ok(p[0] == 0 && p[63 * step + 63] == 63, "the ends survive");
	tap_try(munmap(p, 64 * step), 0, 0, "munmap the rest");
}

int main(void)
{
	mmap_args();
	fixed_over_existing();
	munmap_mprotect();
	madvise_mlock_mincore();
	huge();
	return done_testing();
}

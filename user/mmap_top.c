/* user/mmap_top.c — the top of the user address space.
 *
 * Linux never lets the last page below the canonical hole, 0x7ffffffff000,
 * be mapped (TASK_SIZE_MAX stops one page short: a SYSRET to a non-canonical
 * RIP right after it would fault in the kernel on Intel CPUs). mmap refuses
 * it, and anything above it, with ENOMEM; the page below it is ordinary.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tap.h"

#define PAGE 4096UL
#define TOP 0x7ffffffff000UL /* TASK_SIZE_MAX */
#define RW (PROT_READ | PROT_WRITE)
#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

static long map(uintptr_t addr, size_t len, int flags)
{
	errno = 0;
	return syscall(SYS_mmap, addr, len, RW, ANON | flags, -1, 0);
}

struct refusal {
	const char *name;
	uintptr_t addr;
	size_t len;
	int flags;
};

static const struct refusal refusals[] = {
	{ "MAP_FIXED at the top page", TOP, PAGE, MAP_FIXED },
	{ "MAP_FIXED_NOREPLACE at the top page", TOP, PAGE, MAP_FIXED_NOREPLACE },
	{ "MAP_FIXED of 2 pages reaching into the top page", TOP - PAGE, 2 * PAGE, MAP_FIXED },
	{ "MAP_FIXED at 0x800000000000 (non-canonical)", 0x800000000000UL, PAGE, MAP_FIXED },
	{ "MAP_FIXED at 0xffff800000000000 (kernel half)", 0xffff800000000000UL, PAGE, MAP_FIXED },
};

int main(void)
{
	for (size_t i = 0; i < sizeof refusals / sizeof *refusals; i++) {
		const struct refusal *r = &refusals[i];
		long got = map(r->addr, r->len, r->flags);

		tap_syscall(got, errno, -1, ENOMEM, NULL, "mmap %s -> ENOMEM", r->name);
	}

	/* Without MAP_FIXED the address is only a hint: Linux ignores an
	 * impossible one and maps somewhere valid instead. */
	long hint = map(TOP, PAGE, 0);
	tap_ok(hint != -1 && hint != (long)TOP && hint + PAGE <= TOP,
	       "mmap hint at the top page -> mapped elsewhere, below it");

	/* The page below the top one is ordinary user memory, unless the
	 * stack is already there (Linux without ASLR puts it right below TOP),
	 * which MAP_FIXED_NOREPLACE reports as EEXIST instead of clobbering. */
	long below = map(TOP - PAGE, PAGE, MAP_FIXED_NOREPLACE);
	if (below == -1 && errno == EEXIST) {
		tap_ok(1, "mmap MAP_FIXED_NOREPLACE at 0x7fffffffe000 # SKIP already mapped");
	} else {
		volatile unsigned char *last = (unsigned char *)(TOP - 1);
		int ok = below == (long)(TOP - PAGE);
		if (ok) {
			*last = 0x5a;
			ok = *last == 0x5a && munmap((void *)below, PAGE) == 0;
		}
		tap_ok(ok, "mmap MAP_FIXED_NOREPLACE at 0x7fffffffe000 -> "
			   "usable up to its last byte");
		if (!ok)
			tap_diag("got %#lx (%s)", below, tap_errname(errno));
	}
	return done_testing();
}

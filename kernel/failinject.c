/* kernel/failinject.c — owns the one decision of fault injection,
 * should_fail(kind): whether this allocation (or block transfer) fails on
 * purpose. The allocators ask it first thing and fail as they would when
 * memory is really gone, so every caller's failure path runs, not only the
 * rare ones real exhaustion reaches.
 *
 * The flags are Linux's (Documentation/fault-injection): failslab=,
 * fail_page_alloc= and fail_make_request= take
 * <interval>,<probability>,<space>,<times>; fail_pgtable= is faultline's
 * own, for the page-table pages walk() creates. Each kind draws from its
 * own PRNG (xorshift64*), seeded from `fail_seed=`, so that a run can be
 * repeated and one kind's draws do not shift another's. Under a timer the
 * order of allocations can still differ between two runs; the Nth call
 * (space) of a kernel test cannot.
 *
 * Never failed, by design:
 *  - the boot: injection begins when init runs (failinject_start); the boot
 *    allocates what the kernel needs to exist at all, and has nowhere to
 *    report a failure;
 *  - init's own calls (Linux's task-filter, with every process but init
 *    marked make-it-fail): init is the test runner, and a failure that
 *    kills it (a swap-in read: SIGBUS) ends the run, proving nothing more
 *    about the kernel than the same failure in any other process. */
#include "kernel/failinject.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/proc.h"

static const char *const names[NFAIL_KINDS] = {
	[FAIL_PAGE_ALLOC] = "fail_page_alloc",
	[FAIL_SLAB] = "failslab",
	[FAIL_PGTABLE] = "fail_pgtable",
	[FAIL_BLK] = "fail_make_request",
};

static struct fault_attr attrs[NFAIL_KINDS];   /* in force */
static struct fault_attr pending[NFAIL_KINDS]; /* from the flags, until init runs */
static u64 state[NFAIL_KINDS];
static const struct proc *spared; /* init, once it runs */

static u64 next_random(enum fail_kind kind)
{
	u64 x = state[kind];
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	state[kind] = x;
	return x * 0x2545f4914f6cdd1dul;
}

/* splitmix64 of seed and kind: a nonzero, well-mixed start for each stream. */
static u64 seed_for(u64 seed, unsigned kind)
{
	u64 z = seed + (kind + 1) * 0x9e3779b97f4a7c15ul;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ul;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebul;
	z ^= z >> 31;
	return z ? z : 1;
}

bool should_fail(enum fail_kind kind)
{
	struct fault_attr *a = &attrs[kind];
	if (!a->probability || a->times == 0 || (spared && myproc() == spared))
		return false;
	if (a->calls++ < a->space)
		return false;
	if (a->interval > 1 && (a->calls - a->space) % a->interval)
		return false;
	if (next_random(kind) % 100 >= a->probability)
		return false;
	if (a->times > 0)
		a->times--;
	a->failed++;
	return true;
}

/* Reads "u,u,u,l" (Linux's setup_fault_attr); false if malformed. */
static bool parse_attr(const char *s, struct fault_attr *a)
{
	u64 v[4] = { 0 };
	bool negative = false;
	int i = 0;
	for (; i < 4; i++, s++) {
		if (i == 3 && *s == '-') {
			negative = true;
			s++;
		}
		if (*s < '0' || *s > '9')
			return false;
		for (; *s >= '0' && *s <= '9'; s++)
			v[i] = v[i] * 10 + (u64)(*s - '0');
		if (*s != (i < 3 ? ',' : '\0'))
			return false;
	}
	*a = (struct fault_attr){ v[0], v[1] > 100 ? 100 : v[1], v[2],
				  negative ? -(long)v[3] : (long)v[3], 0, 0 };
	return true;
}

void failinject_init(void)
{
	u64 seed = cmdline_number("fail_seed", 1);
	for (unsigned k = 0; k < NFAIL_KINDS; k++) {
		state[k] = seed_for(seed, k);
		const char *flag = cmdline_get(names[k]);
		if (!flag)
			continue;
		if (!parse_attr(flag, &pending[k]))
			printk("failinject: %s=%s: want <interval>,<probability>,<space>,<times>: "
			       "ignored\n", names[k], flag);
		else
			printk("failinject: %s: interval %lu, probability %lu%%, space %lu, times %ld, "
			       "seed %lu, from init on\n", names[k], pending[k].interval,
			       pending[k].probability, pending[k].space, pending[k].times, seed);
	}
}

void failinject_start(const struct proc *init)
{
	spared = init;
	for (unsigned k = 0; k < NFAIL_KINDS; k++)
		attrs[k] = pending[k];
}

void failinject_report(void)
{
	for (unsigned k = 0; k < NFAIL_KINDS; k++)
		if (attrs[k].probability)
			printk("failinject: %s: %lu calls, %lu failed\n", names[k], attrs[k].calls,
			       attrs[k].failed);
}

struct fault_attr failinject_set(enum fail_kind kind, struct fault_attr attr)
{
	struct fault_attr old = attrs[kind];
	attrs[kind] = attr;
	return old;
}

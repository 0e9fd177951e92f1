/* tests/kernel/vdso_test.c — the vDSO's two areas as exec makes them
 * (kernel/vdso.c): the vvar page read-only and never to be made writable
 * or executable, the image read and execute, an ELF header at the address
 * AT_SYSINFO_EHDR gives; and the vvar page's reader (kernel/vvar.h, the
 * vDSO's code) reads the same clock as the kernel, in order. */
#include "arch/tsc.h"
#include "kernel/ktest.h"
#include "kernel/string.h"
#include "kernel/time.h"
#include "kernel/vdso.h"
#include "kernel/vvar.h"
#include "mm/pfnmap.h"

KTEST(vdso_areas_as_exec_maps_them)
{
	struct mm *mm = mm_alloc();
	u64 ehdr = 0;
	KEXPECT(mm != NULL);
	if (!mm)
		return;
	KEXPECT_EQ(vdso_map(mm, &ehdr), 0);
	struct vma *text = vma_find(mm, ehdr), *data = vma_find(mm, ehdr - PAGE_SIZE);
	KEXPECT(text && data && text != data);
	if (text && data) {
		KEXPECT_EQ(text->start, ehdr);
		KEXPECT_EQ(text->prot, PROT_READ | PROT_EXEC);
		KEXPECT(text->pfn && text->pfn->ram && !text->shared && !text->nowrite);
		KEXPECT_EQ(memcmp(text->pfn->kva, "\177ELF", 4), 0);
		KEXPECT_EQ(data->end, ehdr);
		KEXPECT_EQ(data->prot, PROT_READ);
		KEXPECT(data->pfn && data->pfn->kva == &vvar && data->nowrite && data->noexec);
	}
	mm_put(mm);
}

static u64 ns_of(struct timespec ts)
{
	return (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
}

KTEST(vvar_reader_reads_the_kernels_clock)
{
	struct timespec mono, real, coarse;
	u64 before = time_uptime_ns();
	vvar_clock_ts(&vvar, CLOCK_MONOTONIC, &mono);
	vvar_clock_ts(&vvar, CLOCK_REALTIME, &real);
	u64 after = time_uptime_ns();
	KEXPECT(mono.tv_nsec < NSEC_PER_SEC && real.tv_nsec < NSEC_PER_SEC);
	KEXPECT(before <= ns_of(mono) && ns_of(mono) <= ns_of(real) - time_epoch_ns() &&
		ns_of(real) - time_epoch_ns() <= after);
	vvar_clock_ts(&vvar, CLOCK_MONOTONIC_COARSE, &coarse);
	KEXPECT(coarse.tv_nsec % TICK_NS == 0 && ns_of(coarse) <= time_uptime_ns());
}

/* The TSC reading at which CLOCK_MONOTONIC's seconds first reach sec
 * (sec in the future): a binary search over the line. */
static u64 tsc_of_second(u64 sec)
{
	u64 lo = rdtsc(), hi = lo + 4 * tsc_hz() * (sec - vvar_timespec(vvar_time_at(&vvar, CLOCK_MONOTONIC, lo)).tv_sec);
	while (lo < hi) {
		u64 mid = lo + (hi - lo) / 2;
		if ((u64)vvar_timespec(vvar_time_at(&vvar, CLOCK_MONOTONIC, mid)).tv_sec < sec)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The line's fraction carries into the seconds with no normalising step:
 * around the TSC reading where a second ends, each reading is no less than
 * the one a cycle before, by at most a cycle's worth of ns rounded up, the
 * ns stay below 10^9, and the seconds go up by exactly one as they wrap.
 * And one second of TSC cycles is one second of the clock, to the ns. */
KTEST(vvar_line_carries_into_the_second)
{
	u64 sec = vvar_timespec(vvar_time_at(&vvar, CLOCK_MONOTONIC, rdtsc())).tv_sec + 2;
	u64 edge = tsc_of_second(sec), step = NSEC_PER_SEC / tsc_hz() + 1; /* ns per cycle, at most */
	struct timespec last = vvar_timespec(vvar_time_at(&vvar, CLOCK_MONOTONIC, edge - 1000));
	int bad = 0;
	for (u64 tsc = edge - 999; tsc <= edge + 1000; tsc++) {
		struct timespec t = vvar_timespec(vvar_time_at(&vvar, CLOCK_MONOTONIC, tsc));
		bad += t.tv_nsec >= NSEC_PER_SEC || ns_of(t) < ns_of(last) || ns_of(t) - ns_of(last) > step;
		last = t;
	}
	KEXPECT_EQ(bad, 0);
	struct timespec before = vvar_timespec(vvar_time_at(&vvar, CLOCK_MONOTONIC, edge - 1));
	struct timespec at = vvar_timespec(vvar_time_at(&vvar, CLOCK_MONOTONIC, edge));
	KEXPECT(before.tv_sec == (i64)sec - 1 && before.tv_nsec >= NSEC_PER_SEC - (i64)step);
	KEXPECT(at.tv_sec == (i64)sec && at.tv_nsec < (i64)step);
	u64 one = ns_of(vvar_timespec(vvar_time_at(&vvar, CLOCK_MONOTONIC, edge + tsc_hz()))) -
		  ns_of(at);
	KEXPECT(one + 1 >= NSEC_PER_SEC && one <= NSEC_PER_SEC + 1);
}

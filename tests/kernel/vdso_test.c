/* tests/kernel/vdso_test.c — the vDSO's two areas as exec makes them
 * (kernel/vdso.c): the vvar page read-only and never to be made writable
 * or executable, the image read and execute, an ELF header at the address
 * AT_SYSINFO_EHDR gives; and the vvar page's reader (kernel/vvar.h, the
 * vDSO's code) reads the same clock as the kernel, in order. */
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

KTEST(vvar_reader_reads_the_kernels_clock)
{
	KEXPECT_EQ(vvar.seq % 2, 0); /* no change in progress */
	u64 before = time_uptime_ns();
	u64 mono = vvar_clock_ns(&vvar, CLOCK_MONOTONIC), real = vvar_clock_ns(&vvar, CLOCK_REALTIME);
	u64 after = time_uptime_ns();
	KEXPECT(before <= mono && mono <= real - time_epoch_ns() && real - time_epoch_ns() <= after);
	u64 coarse = vvar_clock_ns(&vvar, CLOCK_MONOTONIC_COARSE);
	KEXPECT(coarse % TICK_NS == 0 && coarse <= time_uptime_ns());
}

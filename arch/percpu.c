/* arch/percpu.c — one CPU, one per-CPU area; GS_BASE points at it whenever
 * the kernel runs. KERNEL_GS_BASE holds the user's GS base while the kernel
 * runs, and SWAPGS exchanges the two at every ring crossing. */
#include "arch/percpu.h"
#include "arch/x86.h"

struct percpu percpu;

void percpu_init(void)
{
	_Static_assert(__builtin_offsetof(struct percpu, kernel_rsp) == 0, "syscall_entry.asm uses gs:0");
	_Static_assert(__builtin_offsetof(struct percpu, user_rsp) == 8, "syscall_entry.asm uses gs:8");
	wrmsr(MSR_GS_BASE, (u64)&percpu);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

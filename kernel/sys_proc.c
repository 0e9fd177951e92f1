/* kernel/sys_proc.c — sched_yield and arch_prctl (musl's thread pointer
 * lives in FS; GS is the program's own). Thread and process identity and
 * exit are kernel/thread.c. */
#include "arch/x86.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

SYSCALL0(sched_yield)
{
	yield();
	return 0;
}

/* arch_prctl(code, addr): ARCH_SET_FS/GS make addr the FS/GS base (0, or
 * EPERM for a kernel or non-canonical address, as Linux refuses them);
 * ARCH_GET_FS/GS store the base at addr (0 or EFAULT); any other code is
 * EINVAL. While the kernel runs, SWAPGS has put the per-CPU area in GS and
 * the user's GS base in MSR_KERNEL_GS_BASE: that MSR is the one to use. */
SYSCALL2(arch_prctl, int, code, u64, addr)
{
	u32 msr = code == ARCH_SET_FS || code == ARCH_GET_FS ? MSR_FS_BASE : MSR_KERNEL_GS_BASE;
	switch (code) {
	case ARCH_SET_FS:
	case ARCH_SET_GS:
		if (addr >= TASK_SIZE_MAX)
			return -EPERM;
		wrmsr(msr, addr); /* sched() saves it in the proc when we switch out */
		return 0;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
		return put_user(rdmsr(msr), (u64 __user *)addr);
	default:
		return -EINVAL;
	}
}

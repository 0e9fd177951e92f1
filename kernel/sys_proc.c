/* kernel/sys_proc.c — sched_yield, arch_prctl (musl's thread pointer
 * lives in FS; GS is the program's own) and prctl's thread name. Thread
 * and process identity and exit are kernel/thread.c. */
#include "arch/x86.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "mm/uaccess.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

#define PR_SET_NAME 15
#define PR_GET_NAME 16

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

/* prctl(option, arg2, ...): PR_SET_NAME names the calling thread from the
 * string at arg2, cut to 15 bytes (TASK_COMM_LEN 16 with its NUL), 0 or
 * EFAULT; PR_GET_NAME copies the 16-byte name to arg2, 0 or EFAULT; any
 * other option is EINVAL (faultline has none of them). The option is an
 * int, as Linux reads it. The name is what /proc/PID/stat and status show. */
SYSCALL2(prctl, int, option, u64, arg2)
{
	struct proc *p = myproc();
	char name[sizeof(p->name)] = { 0 };
	switch (option) {
	case PR_SET_NAME:
		if (strncpy_from_user(name, uptr(arg2), sizeof(name) - 1) < 0)
			return -EFAULT;
		memcpy(p->name, name, sizeof(name));
		return 0;
	case PR_GET_NAME:
		return copy_to_user(uptr(arg2), p->name, sizeof(p->name)) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}

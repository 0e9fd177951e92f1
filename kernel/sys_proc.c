/* kernel/sys_proc.c — process identity and lifetime: exit, getpid,
 * arch_prctl (musl's thread pointer lives in FS) and set_tid_address. */
#include "arch/x86.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

SYSCALL1(exit, int, code)
{
	proc_exit((code & 0xff) << 8);
}

SYSCALL1(exit_group, int, code)
{
	proc_exit((code & 0xff) << 8); /* one thread per process: the same as exit */
}

SYSCALL0(getpid)
{
	return myproc()->pid;
}

SYSCALL0(sched_yield)
{
	yield();
	return 0;
}

SYSCALL0(gettid)
{
	return myproc()->pid;
}

/* musl stores the result as the thread's TID and later compares against it:
 * it must be the caller's real, non-zero TID. */
SYSCALL1(set_tid_address, int __user *, tidptr)
{
	myproc()->clear_child_tid = uaddr(tidptr);
	return myproc()->pid;
}

SYSCALL2(arch_prctl, int, code, u64, addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= TASK_SIZE_MAX)
			return -EPERM; /* Linux refuses kernel and non-canonical bases */
		myproc()->fs_base = addr;
		wrmsr(MSR_FS_BASE, addr);
		return 0;
	case ARCH_GET_FS:
		return put_user(rdmsr(MSR_FS_BASE), (u64 __user *)addr);
	default:
		return -EINVAL;
	}
}

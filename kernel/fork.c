/* kernel/fork.c — making processes: fork, vfork, clone (the forms musl uses
 * to spawn). Waiting for them is kernel/sys_wait.c.
 *
 * A child gets a copy-on-write copy of the parent's memory (mm/cow.c), a
 * copy of its descriptor table, and the parent's registers with RAX = 0, so
 * the same `syscall` returns twice. vfork and clone(CLONE_VM|CLONE_VFORK)
 * promise the child the parent's memory until it execs or exits, and the
 * parent sleeps until then; faultline gives the child a copy-on-write copy
 * instead of the same pages, which is indistinguishable for children that,
 * as vfork requires, only exec or _exit (musl's posix_spawn reports errors
 * through a pipe, not through shared memory). Threads (CLONE_VM without
 * CLONE_VFORK) are not supported. */
#include "arch/x86.h"
#include "kernel/fs/file.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/wait.h"
#include "kernel/string.h"
#include "mm/cow.h"

#define CLONE_VM 0x100
#define CLONE_VFORK 0x4000
#define CSIGNAL 0xff

/* Processes whose real uid is uid, zombies included: Linux counts a
 * process against its user from fork until it is reaped. */
static long user_processes(u32 uid)
{
	long n = 0;
	for_each_proc(q)
		n += q->ids.u.real == uid;
	return n;
}

/* RLIMIT_NPROC, as Linux's copy_process applies it: the new process may not
 * take its user over the limit, unless that user is root or the parent holds
 * CAP_SYS_RESOURCE or CAP_SYS_ADMIN. */
static bool over_nproc(const struct proc *p)
{
	return p->ids.u.real != 0 && !capable(p, CAP_SYS_RESOURCE) && !capable(p, CAP_SYS_ADMIN) &&
	       (u64)user_processes(p->ids.u.real) >= p->rlim[RLIMIT_NPROC].cur;
}

/* Returns the child's pid; -EAGAIN over RLIMIT_NPROC, -ENOMEM when memory
 * for the child runs out. */
static long copy_process(u64 flags, u64 stack)
{
	struct proc *p = myproc(), *c;
	if (over_nproc(p))
		return -EAGAIN;
	c = proc_alloc(p->name);
	if (!c)
		return -ENOMEM;
	if (mm_fork(&c->mm, &p->mm) < 0) {
		proc_free(c); /* never ran */
		return -ENOMEM;
	}
	*c->tf = *p->tf;
	c->tf->rax = 0;
	if (stack)
		c->tf->rsp = stack;
	c->parent = p;
	c->fs_base = rdmsr(MSR_FS_BASE);
	c->gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	signal_fork(c, p);
	c->pgid = p->pgid;
	c->sid = p->sid;
	c->ids = p->ids;
	memcpy(c->rlim, p->rlim, sizeof(c->rlim));
	c->caps = p->caps;
	c->caps_permitted = p->caps_permitted;
	asm volatile("fxsave64 %0" : "=m"(c->fxstate));
	files_fork(c, p);
	int pid = c->pid;
	if (flags & CLONE_VFORK) {
		c->vfork_parent = p;
		while (c->vfork_parent && sleep_killable(c, 0) == 0)
			;
	}
	return pid;
}

SYSCALL0(fork)
{
	return copy_process(0, 0);
}

SYSCALL0(vfork)
{
	return copy_process(CLONE_VM | CLONE_VFORK, 0);
}

/* Legacy clone reads only the low 32 bits of flags (Linux's
 * lower_32_bits: the high ones belong to clone3). */
SYSCALL6(clone, u32, flags, u64, stack, int __user *, ptid, int __user *, ctid, u64, tls, u64, unused)
{
	(void)ptid, (void)ctid, (void)tls, (void)unused;
	u32 kind = flags & ~CSIGNAL;
	if ((flags & CSIGNAL) != SIGCHLD && (flags & CSIGNAL) != 0)
		return -EINVAL;
	if (kind != 0 && kind != (CLONE_VM | CLONE_VFORK) && kind != CLONE_VFORK)
		return -EINVAL; /* threads and namespaces: not in faultline */
	return copy_process(flags, stack);
}

SYSCALL0(getppid)
{
	struct proc *parent = myproc()->parent;
	return parent ? parent->pid : 0;
}

/* kernel/fork.c — making processes and waiting for them: fork, vfork, clone
 * (the forms musl uses to spawn), wait4.
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
#include "kernel/file.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/wait.h"
#include "kernel/string.h"
#include "mm/cow.h"

#define CLONE_VM 0x100
#define CLONE_VFORK 0x4000
#define CSIGNAL 0xff
#define WNOHANG 1
#define WUNTRACED 2
#define WCONTINUED 8
#define WALL 0x40000000
#define WCLONE 0x80000000

static long copy_process(u64 flags, u64 stack)
{
	struct proc *p = myproc(), *c = proc_alloc(p->name);
	if (!c)
		return -EAGAIN;
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
	c->ignored = p->ignored;
	memcpy(c->rlim, p->rlim, sizeof(c->rlim));
	c->caps = p->caps;
	asm volatile("fxsave64 %0" : "=m"(c->fxstate));
	files_fork(c, p);
	int pid = c->pid;
	if (flags & CLONE_VFORK) {
		c->vfork_parent = p;
		while (c->vfork_parent && sleep_on(c, 0) == 0)
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

SYSCALL6(clone, u64, flags, u64, stack, int __user *, ptid, int __user *, ctid, u64, tls, u64, unused)
{
	(void)ptid, (void)ctid, (void)tls, (void)unused;
	u64 kind = flags & ~CSIGNAL;
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

/* A zombie child matching pid (-1 or 0: any), or NULL; *any says whether
 * there is a matching child at all. */
static struct proc *find_zombie(struct proc *parent, int pid, bool *any)
{
	*any = false;
	for (struct proc *c = proctable; c < proctable + NPROC; c++) {
		if (c->state == P_UNUSED || c->parent != parent || (pid > 0 && c->pid != pid))
			continue;
		*any = true;
		if (c->state == P_ZOMBIE)
			return c;
	}
	return NULL;
}

/* Like Linux, the child is reaped before the status is stored: a bad status
 * pointer costs the caller -EFAULT, but the child is gone all the same. */
static long reap(struct proc *c, int __user *status, void __user *rusage)
{
	int pid = c->pid, wstatus = c->exit_status;
	c->state = P_UNUSED;
	if (status && put_user(wstatus, status))
		return -EFAULT;
	if (rusage && clear_user(rusage, 144)) /* struct rusage: no accounting yet */
		return -EFAULT;
	return pid;
}

SYSCALL4(wait4, int, pid, int __user *, status, int, options, void __user *, rusage)
{
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WALL | WCLONE))
		return -EINVAL;
	if (pid < -1)
		pid = -1; /* one process group: every child is in it */
	for (;;) {
		bool any;
		struct proc *c = find_zombie(myproc(), pid, &any);
		if (c)
			return reap(c, status, rusage);
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		if (sleep_on(myproc(), 0) < 0)
			return -EINTR;
	}
}

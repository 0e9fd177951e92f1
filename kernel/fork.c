/* kernel/fork.c — making processes and threads: fork, vfork, clone and
 * clone3. Waiting for them is kernel/sys_wait.c.
 *
 * A child gets a copy-on-write copy of the parent's memory (mm/cow.c), a
 * copy of its descriptor table, and the parent's registers with RAX = 0, so
 * the same `syscall` returns twice. vfork and clone(CLONE_VM|CLONE_VFORK)
 * promise the child the parent's memory until it execs or exits, and the
 * parent sleeps until then; faultline gives the child a copy-on-write copy
 * instead of the same pages, which is indistinguishable for children that,
 * as vfork requires, only exec or _exit (musl's posix_spawn reports errors
 * through a pipe, not through shared memory). CLONE_VM without CLONE_VFORK
 * shares the address space itself (threads: kernel/thread.c). */
#include "arch/x86.h"
#include "kernel/fs/file.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/wait.h"
#include "kernel/string.h"
#include "mm/cow.h"
#include "mm/frame.h"
#include "mm/kstack.h"

#define CSIGNAL 0xff
#define CLONE_VM 0x100
#define CLONE_FS 0x200
#define CLONE_FILES 0x400
#define CLONE_SIGHAND 0x800
#define CLONE_PIDFD 0x1000
#define CLONE_PTRACE 0x2000
#define CLONE_VFORK 0x4000
#define CLONE_PARENT 0x8000
#define CLONE_THREAD 0x10000
#define CLONE_NEWNS 0x20000
#define CLONE_SYSVSEM 0x40000
#define CLONE_SETTLS 0x80000
#define CLONE_PARENT_SETTID 0x100000
#define CLONE_CHILD_CLEARTID 0x200000
#define CLONE_DETACHED 0x400000
#define CLONE_UNTRACED 0x800000
#define CLONE_CHILD_SETTID 0x1000000
#define CLONE_NEWUSER 0x10000000
#define CLONE_NEWPID 0x20000000
#define CLONE_IO 0x80000000
/* What faultline's clone does: the flags musl's pthread_create and
 * posix_spawn pass, and the ones that only ask for what happens anyway
 * (CLONE_SYSVSEM: no semaphores to share; CLONE_PTRACE, CLONE_UNTRACED: no
 * tracer; CLONE_DETACHED, CLONE_IO: ignored by Linux too). */
#define CLONE_SUPPORTED                                                                            \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_PTRACE | CLONE_VFORK |             \
	 CLONE_PARENT | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |          \
	 CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_UNTRACED | CLONE_CHILD_SETTID | CLONE_IO)

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

/* What clone asks for, from either form of the call. */
struct clone_req {
	u64 flags;     /* CLONE_*, without the exit signal */
	int exit_signal;
	u64 stack;     /* the child's RSP, or 0: the parent's */
	u64 tls;       /* CLONE_SETTLS: the child's FS base */
	u64 ptid, ctid; /* CLONE_PARENT_SETTID, CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID */
};

/* The child's address space: the parent's itself (CLONE_VM: threads), or
 * a copy-on-write copy into the empty one proc_alloc made. A vfork child
 * gets the copy even with CLONE_VM (see the top of this file). */
static int copy_mm(struct proc *c, struct proc *p, u64 flags)
{
	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) {
		mm_put(c->mm);
		c->mm = mm_get(p->mm);
		return 0;
	}
	return mm_fork(c->mm, p->mm);
}

/* Which process the child belongs to: the caller's (CLONE_THREAD, sharing
 * its tgid, leader and parent), or a new one whose parent is the caller's
 * process, or the caller's parent (CLONE_PARENT). */
static void set_family(struct proc *c, struct proc *p, u64 flags)
{
	bool thread = flags & CLONE_THREAD;
	c->tgid = thread ? p->tgid : c->pid;
	c->leader = thread ? p->leader : c;
	c->parent = (flags & (CLONE_THREAD | CLONE_PARENT)) ? p->parent : p->leader;
}

/* The ids the new thread is told about: CLONE_PARENT_SETTID in the
 * parent's memory now; CLONE_CHILD_SETTID in the child's (the same memory
 * for CLONE_VM, else its copy), as Linux stores them, faults ignored. */
static void store_tids(struct proc *c, struct proc *p, const struct clone_req *r)
{
	int tid = c->pid;
	if (r->flags & CLONE_PARENT_SETTID)
		(void)put_user(tid, (int __user *)r->ptid);
	if (!(r->flags & CLONE_CHILD_SETTID))
		return;
	if (c->mm == p->mm)
		(void)put_user(tid, (int __user *)r->ctid);
	else
		(void)mm_write(c->mm, r->ctid, &tid, sizeof(tid));
}

/* Linux's max_threads (set_max_threads): no more processes and threads
 * than RAM would hold if an eighth of it went to their kernel stacks
 * (16 KiB each, as Linux's), and never fewer than 20. It holds for root
 * too: a fork bomb must run into it long before its kernel stacks and page
 * tables, which cannot be swapped, use up the memory that the OOM killer
 * and the bomb's own end need. 2,048 on 256 MiB, about 480 on 64 MiB. */
static bool over_max_threads(void)
{
	size_t max = frames_usable() / (8 * KSTACK_PAGES);
	return (size_t)nprocs >= (max < 20 ? 20 : max);
}

/* Returns the child's tid; -EAGAIN over RLIMIT_NPROC or max_threads,
 * -ENOMEM when memory for the child runs out. */
static long copy_process(const struct clone_req *r)
{
	struct proc *p = myproc(), *c;
	u64 flags = r->flags;
	if (over_nproc(p) || over_max_threads())
		return -EAGAIN;
	c = proc_alloc(p->name);
	if (!c)
		return -ENOMEM;
	if (copy_mm(c, p, flags) < 0 ||
	    files_fork(c, p, flags & CLONE_FILES, flags & CLONE_FS) < 0) {
		proc_free(c); /* never ran */
		return -ENOMEM;
	}
	*c->tf = *p->tf;
	c->tf->rax = 0;
	if (r->stack)
		c->tf->rsp = r->stack;
	set_family(c, p, flags);
	c->exit_signal = (flags & CLONE_THREAD) ? 0 : r->exit_signal;
	c->fs_base = (flags & CLONE_SETTLS) ? r->tls : rdmsr(MSR_FS_BASE);
	c->gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	signal_fork(c, p, flags & CLONE_SIGHAND, (flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM);
	c->pgid = p->pgid;
	c->sid = p->sid;
	c->no_ctty = p->no_ctty;
	c->ids = p->ids;
	memcpy(c->rlim, p->rlim, sizeof(c->rlim));
	c->caps = p->caps;
	c->uaccess_trace = p->uaccess_trace;
	c->caps_permitted = p->caps_permitted;
	if (flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = r->ctid;
	asm volatile("fxsave64 %0" : "=m"(c->fxstate));
	store_tids(c, p, r);
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
	return copy_process(&(struct clone_req){ .exit_signal = SIGCHLD });
}

SYSCALL0(vfork)
{
	return copy_process(&(struct clone_req){ .flags = CLONE_VM | CLONE_VFORK, .exit_signal = SIGCHLD });
}

/* The flag combinations Linux's copy_process refuses, in its order, then
 * what faultline does not have: namespaces, pidfds, cgroups. 0 or -EINVAL
 * (-EPERM for a TLS base outside user space, as Linux's arch_prctl). */
static long clone_check(const struct clone_req *r)
{
	u64 f = r->flags;
	if ((f & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS) ||
	    (f & (CLONE_NEWUSER | CLONE_FS)) == (CLONE_NEWUSER | CLONE_FS))
		return -EINVAL;
	if ((f & CLONE_THREAD) && !(f & CLONE_SIGHAND))
		return -EINVAL;
	if ((f & CLONE_SIGHAND) && !(f & CLONE_VM))
		return -EINVAL;
	if ((f & CLONE_PARENT) && myproc()->tgid == 1)
		return -EINVAL; /* init's siblings would have no one to reap them */
	if ((f & CLONE_THREAD) && (f & (CLONE_NEWUSER | CLONE_NEWPID)))
		return -EINVAL;
	if (f & ~CLONE_SUPPORTED)
		return -EINVAL; /* namespaces, pidfds, cgroups: not in faultline */
	if ((f & CLONE_SETTLS) && r->tls >= TASK_SIZE_MAX)
		return -EPERM;
	return 0;
}

/* Legacy clone reads only the low 32 bits of flags (Linux's
 * lower_32_bits: the high ones belong to clone3); the low byte is the
 * signal the parent gets at the child's end. x86-64's argument order:
 * flags, stack, parent_tid, child_tid, tls. */
SYSCALL5(clone, u64, flags, u64, stack, int __user *, ptid, int __user *, ctid, u64, tls)
{
	struct clone_req r = { (u32)flags & ~CSIGNAL, (u32)flags & CSIGNAL, stack, tls, uaddr(ptid),
			       uaddr(ctid) };
	long err = clone_check(&r);
	return err ? err : copy_process(&r);
}

/* Linux's struct clone_args: 64 bytes in its first version, 88 now. */
struct clone_args {
	u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	u64 set_tid, set_tid_size, cgroup;
};
#define CLONE_ARGS_SIZE_VER0 64
#define CLONE_ARGS_SIZE_VER2 88
#define CLONE_CLEAR_SIGHAND 0x100000000ul
#define CLONE_INTO_CGROUP 0x200000000ul
#define MAX_PID_NS_LEVEL 32

/* Linux's copy_struct_from_user: a caller built against a newer struct may
 * pass a longer one if what this kernel does not know is zero (else
 * -E2BIG); a shorter one is zero-extended. -EFAULT for a bad pointer. At
 * most a page, byte by byte past the struct: bounded. The whole range is
 * checked first, as Linux's check_zeroed_user does: b + off is only formed
 * inside user space, where it cannot wrap (a pointer that overflows is
 * undefined in C, whatever get_user would then say). */
static long copy_args(struct clone_args *a, const struct clone_args __user *u, u64 size)
{
	const u8 __user *b = (const u8 __user *)u;
	if (!access_ok(u, size))
		return -EFAULT;
	for (u64 off = sizeof(*a); off < size; off++) {
		u8 c;
		if (get_user(c, b + off))
			return -EFAULT;
		if (c)
			return -E2BIG;
	}
	return copy_from_user(a, u, MIN(size, sizeof(*a))) ? -EFAULT : 0;
}

/* clone3(args, size), checked in the order of Linux's
 * copy_clone_args_from_user and clone3_args_valid: size over a page is
 * -E2BIG, under the first version -EINVAL; bytes past the struct this
 * kernel knows must be zero (-E2BIG); a bad pointer is -EFAULT; set_tid,
 * exit_signal, cgroup, flags and stack are checked as Linux does (-EINVAL). The
 * stack is given as its lowest address and size: the child starts at the
 * top. */
SYSCALL2(clone3, const struct clone_args __user *, uargs, u64, size)
{
	struct clone_args a = { 0 };
	if (size > PAGE_SIZE)
		return -E2BIG;
	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	long err = copy_args(&a, uargs, size);
	if (err)
		return err;
	if (a.set_tid_size > MAX_PID_NS_LEVEL || (!a.set_tid) != (!a.set_tid_size))
		return -EINVAL;
	if ((a.exit_signal & ~(u64)CSIGNAL) || a.exit_signal > NSIG)
		return -EINVAL;
	if ((a.flags & CLONE_INTO_CGROUP) && (a.cgroup > 0x7fffffff || size < CLONE_ARGS_SIZE_VER2))
		return -EINVAL;
	if ((a.flags & ~(0xfffffffful | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP)) ||
	    (a.flags & (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND)) == (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND) ||
	    ((a.flags & (CLONE_THREAD | CLONE_PARENT)) && a.exit_signal))
		return -EINVAL;
	if ((!a.stack) != (!a.stack_size) || (a.stack && !access_ok(uptr(a.stack), a.stack_size)))
		return -EINVAL;
	if (a.set_tid || (a.flags & (CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP)))
		return -EINVAL; /* choosing pids, resetting handlers, cgroups: not in faultline */
	struct clone_req r = { a.flags, (int)a.exit_signal, a.stack ? a.stack + a.stack_size : 0, a.tls,
			       a.parent_tid, a.child_tid };
	err = clone_check(&r);
	return err ? err : copy_process(&r);
}

SYSCALL0(getppid)
{
	struct proc *parent = myproc()->parent;
	return parent ? parent->pid : 0;
}

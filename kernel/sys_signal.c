/* kernel/sys_signal.c — kill, and the signal-disposition calls musl makes.
 *
 * faultline has no user signal handlers yet (kernel/signal.c says what
 * every signal does instead). rt_sigaction records SIG_IGN, which is
 * honoured, and accepts SIG_DFL; a real handler is refused with -EINVAL
 * rather than accepted and silently never run. rt_sigprocmask blocks
 * signals: they wait in the pending set, which rt_sigpending reports.
 *
 * Linux performs these calls before it stores the old value for the
 * caller: a bad old-value pointer costs -EFAULT, and the new disposition or
 * mask is in force all the same. */
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"

#define SIG_DFL 0
#define SIG_IGN 1
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define CAP_KILL 5
#define INT_MIN (-0x7fffffff - 1)

struct k_sigaction {
	u64 handler, flags, restorer, mask;
};

static bool valid_signal(int sig) { return sig >= 1 && sig <= NSIG; }

/* Linux's kill_ok_by_cred: the sender's real or effective uid is the
 * target's real or saved one, or the sender has CAP_KILL. */
static bool may_signal(const struct proc *from, const struct proc *to)
{
	const struct idset *a = &from->ids.u, *b = &to->ids.u;
	return capable(from, CAP_KILL) || a->eff == b->saved || a->eff == b->real ||
	       a->real == b->saved || a->real == b->real;
}

/* One target, checked as Linux's check_kill_permission: the signal number
 * only now (a missing process is -ESRCH whatever the number), then the
 * permission; signal 0 only asks. */
static long send_checked(struct proc *p, int sig)
{
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (!may_signal(myproc(), p))
		return -EPERM;
	if (sig)
		signal_send(p, sig);
	return 0;
}

/* Every member of process group pgid: 0 if one of them took it, else the
 * last error (-ESRCH for an empty group). */
static long kill_group(int pgid, int sig)
{
	long err = -ESRCH;
	bool sent = false;
	for_each_proc(p) {
		if (p->pgid != pgid)
			continue;
		err = send_checked(p, sig);
		sent |= !err;
	}
	return sent ? 0 : err;
}

/* kill(-1): everyone but init and the caller; -EPERM from some of them is
 * not an error, as in Linux's kill_something_info. */
static long kill_all(int sig)
{
	long err = 0;
	int count = 0;
	for_each_proc(p) {
		if (p->pid <= 1 || p == myproc())
			continue;
		count++;
		long e = send_checked(p, sig);
		if (e != -EPERM)
			err = e;
	}
	return count ? err : -ESRCH;
}

/* pid > 0: that process (a zombie too); 0: the caller's process group;
 * -1: everyone it may signal; < -1: process group -pid. */
SYSCALL2(kill, int, pid, int, sig)
{
	if (pid > 0) {
		struct proc *p = proc_find(pid);
		return p ? send_checked(group_target(p), sig) : -ESRCH;
	}
	if (pid == 0)
		return kill_group(myproc()->pgid, sig);
	if (pid == -1)
		return kill_all(sig);
	return pid == INT_MIN ? -ESRCH : kill_group(-pid, sig); /* -INT_MIN names nothing */
}

/* tkill(tid, sig) and tgkill(tgid, tid, sig): one thread; tgkill's tid
 * must be a thread of process tgid (else -ESRCH). A tid or tgid <= 0 is -EINVAL, then
 * the rest as kill (Linux's do_tkill). musl's raise() and abort() use
 * these. */
SYSCALL3(tgkill, int, tgid, int, tid, int, sig)
{
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	struct proc *p = proc_find(tid);
	return p && p->tgid == tgid ? send_checked(p, sig) : -ESRCH;
}

SYSCALL2(tkill, int, tid, int, sig)
{
	if (tid <= 0)
		return -EINVAL;
	struct proc *p = proc_find(tid);
	return p ? send_checked(p, sig) : -ESRCH;
}

/* Linux's order: the size, then reading act (-EFAULT), then the signal
 * number (-EINVAL); the change is made before oact is written. */
SYSCALL4(rt_sigaction, int, sig, const struct k_sigaction __user *, act,
	 struct k_sigaction __user *, oact, u64, sigsetsize)
{
	struct proc *p = myproc();
	struct k_sigaction new;
	if (sigsetsize != 8)
		return -EINVAL;
	if (act && copy_from_user(&new, act, sizeof(new)))
		return -EFAULT;
	if (!valid_signal(sig) || (act && (sig == SIGKILL || sig == SIGSTOP || new.handler > SIG_IGN)))
		return -EINVAL;
	struct k_sigaction old = { (p->ignored & sigbit(sig)) ? SIG_IGN : SIG_DFL, 0, 0, 0 };
	if (act) {
		p->ignored = new.handler == SIG_IGN ? p->ignored | sigbit(sig) : p->ignored & ~sigbit(sig);
		if (signal_ignored(p, sig))
			p->sigpending &= ~sigbit(sig); /* a pending signal now ignored is gone */
	}
	return oact ? copy_out(oact, &old, sizeof(old)) : 0;
}

/* SIGKILL and SIGSTOP cannot be blocked: they are quietly left out. */
SYSCALL4(rt_sigprocmask, int, how, const u64 __user *, set, u64 __user *, oset, u64, sigsetsize)
{
	struct proc *p = myproc();
	u64 mask, old = p->sigmask;
	if (sigsetsize != 8)
		return -EINVAL;
	if (set) {
		if (copy_from_user(&mask, set, sizeof(mask)))
			return -EFAULT;
		if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
			return -EINVAL;
		mask &= ~UNBLOCKABLE;
		p->sigmask = how == SIG_BLOCK ? old | mask : how == SIG_UNBLOCK ? old & ~mask : mask;
		signal_unblocked(p);
	}
	return oset ? copy_out(oset, &old, sizeof(old)) : 0;
}

/* The blocked signals waiting; sigsetsize may be smaller than a sigset
 * (Linux copies that many bytes) but not larger. */
SYSCALL2(rt_sigpending, u64 __user *, set, u64, sigsetsize)
{
	struct proc *p = myproc();
	u64 pending = p->sigpending & p->sigmask;
	if (sigsetsize > 8)
		return -EINVAL;
	return copy_out(set, &pending, sigsetsize);
}

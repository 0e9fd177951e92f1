/* kernel/sys_signal.c — kill, tkill, tgkill, and the disposition and mask
 * calls: rt_sigaction (handlers run through kernel/signal.c and
 * arch/sigframe.c), rt_sigprocmask, rt_sigpending. The waiting calls are
 * kernel/sys_sigwait.c's.
 *
 * Linux performs these calls before it stores the old value for the
 * caller: a bad old-value pointer costs -EFAULT, and the new disposition or
 * mask is in force all the same. */
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"

#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define CAP_KILL 5
#define INT_MIN (-0x7fffffff - 1)
/* Linux's UAPI_SA_FLAGS: other bits are dropped, so that a program can
 * see which flags this kernel knows. */
#define KNOWN_SA_FLAGS (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK | SA_RESTART | \
			SA_NODEFER | SA_RESETHAND | SA_EXPOSE_TAGBITS | SA_UNSUPPORTED | SA_RESTORER)

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
 * permission; signal 0 only asks. info is the caller's (sigqueue), or NULL
 * for kill's SI_USER or tkill's SI_TKILL (code) with the sender's pid and
 * uid. */
static long send_info(struct proc *p, int sig, int code, const struct ksiginfo *info)
{
	struct proc *me = myproc();
	struct ksiginfo own = { .signo = sig, .code = code };
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (!may_signal(me, p))
		return -EPERM;
	if (!sig)
		return 0;
	own.kill.pid = me->tgid;
	own.kill.uid = me->ids.u.real;
	return send_sig_info(p, sig, info ? info : &own, code == SI_TKILL);
}

static long send_checked(struct proc *p, int sig, int code)
{
	return send_info(p, sig, code, NULL);
}

/* Every member of process group pgid, once per process (its leader stands
 * for its threads): 0 if one of them took it, else the last error (-ESRCH
 * for an empty group). */
static long kill_group(int pgid, int sig)
{
	long err = -ESRCH;
	bool sent = false;
	for_each_proc(p) {
		if (p->pgid != pgid || p != p->leader)
			continue;
		err = send_checked(p, sig, SI_USER);
		sent |= !err;
	}
	return sent ? 0 : err;
}

/* kill(-1): every process but init and the caller's; -EPERM from some of them is
 * not an error, as in Linux's kill_something_info. */
static long kill_all(int sig)
{
	long err = 0;
	int count = 0;
	for_each_proc(p) {
		if (p->tgid <= 1 || p->tgid == myproc()->tgid || p != p->leader)
			continue;
		count++;
		long e = send_checked(p, sig, SI_USER);
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
		return p ? send_checked(group_target(p), sig, SI_USER) : -ESRCH;
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
	return p && p->tgid == tgid ? send_checked(p, sig, SI_TKILL) : -ESRCH;
}

SYSCALL2(tkill, int, tid, int, sig)
{
	if (tid <= 0)
		return -EINVAL;
	struct proc *p = proc_find(tid);
	return p ? send_checked(p, sig, SI_TKILL) : -ESRCH;
}

/* rt_sigqueueinfo and rt_tgsigqueueinfo read a whole siginfo from the
 * caller (-EFAULT), whose si_signo becomes sig. Linux's rule
 * (do_rt_sigqueueinfo): it may not pose as the kernel's or kill's
 * (si_code >= 0) nor as tkill's when it goes to anyone but the caller
 * itself: -EPERM, before the target is even looked up. */
static long read_queued_info(int sig, int target, const struct ksiginfo __user *uinfo,
			     struct ksiginfo *info)
{
	if (copy_from_user(info, uinfo, sizeof(*info)))
		return -EFAULT;
	info->signo = sig;
	if ((info->code >= 0 || info->code == SI_TKILL) && target != myproc()->pid)
		return -EPERM;
	return 0;
}

SYSCALL3(rt_sigqueueinfo, int, pid, int, sig, const struct ksiginfo __user *, uinfo)
{
	struct ksiginfo info;
	long err = read_queued_info(sig, pid, uinfo, &info);
	if (err)
		return err;
	struct proc *p = pid > 0 ? proc_find(pid) : NULL;
	return p ? send_info(group_target(p), sig, SI_QUEUE, &info) : -ESRCH;
}

SYSCALL4(rt_tgsigqueueinfo, int, tgid, int, tid, int, sig, const struct ksiginfo __user *, uinfo)
{
	struct ksiginfo info;
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	long err = read_queued_info(sig, tid, uinfo, &info);
	if (err)
		return err;
	struct proc *p = proc_find(tid);
	return p && p->tgid == tgid ? send_info(p, sig, SI_TKILL, &info) : -ESRCH;
}

/* Linux's order: the size, then reading act (-EFAULT), then the signal
 * number (-EINVAL; SIGKILL and SIGSTOP keep SIG_DFL); the change is made
 * before oact is written. Any handler address is accepted: a bad one
 * faults in ring 3 when the signal comes. The handler's mask never holds
 * SIGKILL or SIGSTOP. A pending signal that is now ignored is discarded
 * (POSIX; Linux's do_sigaction). */
SYSCALL4(rt_sigaction, int, sig, const struct k_sigaction __user *, act,
	 struct k_sigaction __user *, oact, u64, sigsetsize)
{
	struct proc *p = myproc();
	struct k_sigaction new;
	if (sigsetsize != 8)
		return -EINVAL;
	if (act && copy_from_user(&new, act, sizeof(new)))
		return -EFAULT;
	if (!valid_signal(sig) || (act && (sig == SIGKILL || sig == SIGSTOP)))
		return -EINVAL;
	struct k_sigaction *ka = &p->sighand->action[sig - 1], old = *ka;
	if (act) {
		new.flags &= KNOWN_SA_FLAGS;
		new.mask &= ~UNBLOCKABLE;
		*ka = new;
		if (signal_ignored(p, sig)) {
			struct ksiginfo gone;
			while (signal_dequeue(p, sigbit(sig), &gone))
				;
		}
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

/* The blocked signals waiting (for this thread or its process: one and
 * the same today); sigsetsize may be smaller than a sigset (Linux copies
 * that many bytes) but not larger. */
SYSCALL2(rt_sigpending, u64 __user *, set, u64, sigsetsize)
{
	struct proc *p = myproc();
	u64 pending = signal_pending_set(p) & p->sigmask;
	if (sigsetsize > 8)
		return -EINVAL;
	return copy_out(set, &pending, sigsetsize);
}

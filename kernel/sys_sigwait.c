/* kernel/sys_sigwait.c — waiting for signals: rt_sigsuspend, pause,
 * rt_sigtimedwait. The rules are Linux's
 * kernel/signal.c; which waits a handler interrupts for good (EINTR, never
 * restarted) is signal(7)'s list. Sending is kernel/sys_signal.c's. */
#include "arch/pit.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/wait.h"

/* Sleep until a signal with a handler (or a fatal one) comes. */
static void wait_for_handler(struct proc *p)
{
	while (sleep_on(&p->pending, 0) == 0)
		;
}

/* rt_sigsuspend(mask, size): wait with mask in force until a handler has
 * run, then return -EINTR with the old mask back (the handler's frame
 * carries it: signal_deliver). -ERESTARTNOHAND: a signal without a handler
 * that ends the wait (none does today) restarts it. */
SYSCALL2(rt_sigsuspend, const u64 __user *, umask, u64, sigsetsize)
{
	struct proc *p = myproc();
	u64 mask;
	if (sigsetsize != 8)
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	p->saved_sigmask = p->sigmask;
	p->restore_sigmask = true;
	p->sigmask = mask & ~UNBLOCKABLE;
	signal_unblocked(p);
	wait_for_handler(p);
	return -ERESTARTNOHAND;
}

SYSCALL0(pause)
{
	wait_for_handler(myproc());
	return -ERESTARTNOHAND;
}

/* Take a signal of set, or sleep for at most deadline (ns of uptime; 0:
 * none) until one comes: its number, -EAGAIN at the deadline, -EINTR when
 * a handler must run first (or the caller is killed). */
static int wait_in_set(struct proc *p, u64 set, u64 deadline, struct ksiginfo *info)
{
	for (;;) {
		int sig = signal_dequeue(p, set, info);
		if (sig)
			return sig;
		u64 now = time_uptime_ns();
		if (deadline && now >= deadline)
			return -EAGAIN;
		p->sigwaiting = set;
		int err = sleep_on(&p->pending, deadline ? (deadline - now + TICK_NS - 1) / TICK_NS : 0);
		p->sigwaiting = 0;
		if (err)
			return signal_dequeue(p, set, info) ?: -EINTR;
	}
}

/* rt_sigtimedwait(set, info, timeout, size): the lowest pending signal of
 * set (SIGKILL and SIGSTOP left out), its siginfo to info if not NULL.
 * timeout NULL waits for ever, {0, 0} only looks; -EINVAL for a bad
 * timeout, -EAGAIN when it passes, -EINTR if a handler interrupted it. */
SYSCALL4(rt_sigtimedwait, const u64 __user *, uset, void __user *, uinfo,
	 const struct timespec __user *, uts, u64, sigsetsize)
{
	struct proc *p = myproc();
	struct timespec ts;
	struct ksiginfo info;
	u64 set, deadline = 0;
	if (sigsetsize != 8)
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	set &= ~UNBLOCKABLE;
	if (uts) {
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
			return -EINVAL;
		deadline = deadline_after(time_uptime_ns(), timespec_to_ns(ts.tv_sec, ts.tv_nsec));
		deadline = deadline ? deadline : 1; /* 0 would mean "none" */
	}
	int sig = uts && !ts.tv_sec && !ts.tv_nsec ? (signal_dequeue(p, set, &info) ?: -EAGAIN)
						    : wait_in_set(p, set, deadline, &info);
	if (sig > 0 && uinfo && copy_out(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return sig;
}

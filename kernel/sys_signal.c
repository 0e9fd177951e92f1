/* kernel/sys_signal.c — kill, and the signal-disposition calls musl makes.
 *
 * faultline has no user signal handlers yet: every signal it delivers takes
 * its default action, which for the signals it sends is "terminate" (SIGCHLD:
 * ignore). rt_sigaction records SIG_IGN, which is honoured, and accepts
 * SIG_DFL; a real handler is refused with -EINVAL rather than accepted and
 * silently never run. rt_sigprocmask keeps the mask musl asks for. */
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"

#define NSIG 64
#define SIGSTOP 19
#define SIG_DFL 0
#define SIG_IGN 1
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

struct k_sigaction {
	u64 handler, flags, restorer, mask;
};

static bool valid_signal(int sig) { return sig >= 1 && sig <= NSIG; }

SYSCALL2(kill, int, pid, int, sig)
{
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	bool found = false;
	for (struct proc *p = proctable; p < proctable + NPROC; p++) {
		if (p->state == P_UNUSED || p->state == P_ZOMBIE)
			continue;
		bool match = pid > 0 ? p->pid == pid : pid == -1 ? p->pid != 1 && p != myproc() : true;
		if (!match)
			continue;
		found = true;
		if (sig)
			signal_send(p, sig);
	}
	return found ? 0 : -ESRCH;
}

SYSCALL4(rt_sigaction, int, sig, const struct k_sigaction __user *, act,
	 struct k_sigaction __user *, oact, u64, sigsetsize)
{
	struct proc *p = myproc();
	u64 bit = 1ul << (sig - 1);
	if (!valid_signal(sig) || sigsetsize != 8)
		return -EINVAL;
	struct k_sigaction old = { (p->ignored & bit) ? SIG_IGN : SIG_DFL, 0, 0, 0 }, new;
	if (act) {
		if (copy_from_user(&new, act, sizeof(new)))
			return -EFAULT;
		if (sig == SIGKILL || sig == SIGSTOP || new.handler > SIG_IGN)
			return -EINVAL;
	}
	if (oact && copy_to_user(oact, &old, sizeof(old)))
		return -EFAULT;
	if (act)
		p->ignored = new.handler == SIG_IGN ? p->ignored | bit : p->ignored & ~bit;
	return 0;
}

SYSCALL4(rt_sigprocmask, int, how, const u64 __user *, set, u64 __user *, oset, u64, sigsetsize)
{
	struct proc *p = myproc();
	u64 mask = 0, old = p->sigmask;
	if (sigsetsize != 8)
		return -EINVAL;
	if (set) {
		if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
			return -EINVAL;
		if (copy_from_user(&mask, set, sizeof(mask)))
			return -EFAULT;
	}
	if (oset && copy_to_user(oset, &old, sizeof(old)))
		return -EFAULT;
	if (set)
		p->sigmask = how == SIG_BLOCK ? old | mask : how == SIG_UNBLOCK ? old & ~mask : mask;
	return 0;
}

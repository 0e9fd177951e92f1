/* kernel/sys_wait.c — waiting for children: wait4 and waitid.
 *
 * Both pick children the same way (one pid, one process group, or any),
 * report a dead child (WEXITED; wait4 always), a stopped one (WSTOPPED,
 * wait4's WUNTRACED) or a continued one (WCONTINUED), each once unless
 * WNOWAIT, and both reap a dead child before they store anything for the
 * caller, as Linux does: a bad status, rusage or siginfo pointer costs
 * -EFAULT, and the child is gone all the same.
 *
 * waitid stores into a siginfo_t, 128 bytes of which it fills only six
 * fields. CVE-2017-5123 was Linux forgetting the range check before such
 * field-by-field stores: a caller could aim them at kernel memory. Here the
 * whole 128 bytes are checked with access_ok first, and every field goes
 * through put_user, which would refuse a kernel address anyway. */
#include "kernel/cputime.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "kernel/wait.h"

#define WNOHANG 1
#define WUNTRACED 2 /* wait4's name for WSTOPPED */
#define WSTOPPED 2
#define WEXITED 4
#define WCONTINUED 8
#define WNOWAIT 0x01000000
#define WNOTHREAD 0x20000000
#define WALL 0x40000000
#define WCLONE 0x80000000

#define P_ALL 0
#define P_PID 1
#define P_PGID 2
#define P_PIDFD 3

#define INT_MIN (-0x7fffffff - 1)
#define RUSAGE_SIZE 144 /* struct rusage: no accounting yet, all zero */

/* What the caller waits for: which children, and how long. */
struct waitspec {
	int which; /* P_ALL, P_PID, P_PGID */
	int id;    /* the pid or process group */
	int options;
};

/* A child's end, as waitid reports it. */
struct waitinfo {
	int pid, code, status;
	u32 uid;
};

/* Linux's eligible_child: the id, then the kind: a child whose end sends
 * anything but SIGCHLD is a "clone" child, seen only with __WCLONE; one
 * that sends SIGCHLD only without it; __WALL sees both. */
static bool wanted(const struct proc *c, const struct waitspec *w)
{
	if (w->which != P_ALL && (w->which == P_PID ? c->pid : c->pgid) != w->id)
		return false;
	return (w->options & WALL) || (c->exit_signal != SIGCHLD) == !!(w->options & WCLONE);
}

/* Has c something for w: its end, or a stop or continue? A process has
 * ended when its leader is a zombie and no thread of it is left. */
static bool reportable(const struct proc *c, const struct waitspec *w)
{
	if (c->state == P_ZOMBIE)
		return (w->options & WEXITED) && !group_live_others(c);
	return (c->report_code == CLD_STOPPED && (w->options & WSTOPPED)) ||
	       (c->report_code == CLD_CONTINUED && (w->options & WCONTINUED));
}

/* A child that w wants with something to report, or NULL; *any says
 * whether w wants any child at all (none: -ECHILD). Children are
 * processes: their leaders stand for them, and any thread of the parent
 * may wait for them (parent: its leader). */
static struct proc *find_waitable(struct proc *parent, const struct waitspec *w, bool *any)
{
	*any = false;
	for_each_proc(c) {
		if (c->parent != parent || c != c->leader || !wanted(c, w))
			continue;
		*any = true;
		if (reportable(c, w))
			return c;
	}
	return NULL;
}

/* Fill *info from c's report; it is used up (a dead child reaped) unless
 * WNOWAIT. */
static void take_report(struct proc *c, const struct waitspec *w, struct waitinfo *info)
{
	bool keep = w->options & WNOWAIT;
	if (c->state != P_ZOMBIE) {
		*info = (struct waitinfo){ c->pid, c->report_code, c->report_status, c->ids.u.real };
		if (!keep)
			c->report_code = 0;
		return;
	}
	int st = c->exit_status;
	*info = (struct waitinfo){ c->pid, (st & 0x7f) ? CLD_KILLED : CLD_EXITED,
				   (st & 0x7f) ? st & 0x7f : (st >> 8) & 0xff, c->ids.u.real };
	if (!keep) {
		cputime_reaped(myproc(), c);
		proc_reap(c);
	}
}

/* Wait until a child w wants has something to report; fill *info. Returns
 * its pid, 0 under WNOHANG if none has yet, -ECHILD, or -ERESTARTSYS. */
static long do_wait(const struct waitspec *w, struct waitinfo *info)
{
	for (;;) {
		bool any;
		struct proc *c = find_waitable(myproc()->leader, w, &any);
		if (c) {
			take_report(c, w, info);
			return info->pid;
		}
		if (!any)
			return -ECHILD;
		if (w->options & WNOHANG)
			return 0;
		if (sleep_on(myproc()->leader, 0) < 0) /* where children's news wakes it */
			return -ERESTARTSYS;
	}
}

/* wait4's pid: > 0 one child, -1 any, 0 the caller's group, < -1 group -pid. */
SYSCALL4(wait4, int, pid, int __user *, status, int, options, void __user *, rusage)
{
	struct waitspec w = { P_ALL, 0, options | WEXITED };
	struct waitinfo info;
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE))
		return -EINVAL;
	if (pid == INT_MIN)
		return -ESRCH; /* Linux: -INT_MIN names no group */
	if (pid > 0)
		w = (struct waitspec){ P_PID, pid, w.options };
	else if (pid == 0)
		w = (struct waitspec){ P_PGID, myproc()->pgid, w.options };
	else if (pid < -1)
		w = (struct waitspec){ P_PGID, -pid, w.options };
	long r = do_wait(&w, &info);
	if (r <= 0)
		return r;
	int wstatus = info.code == CLD_EXITED ? info.status << 8 :
		      info.code == CLD_STOPPED ? info.status << 8 | 0x7f :
		      info.code == CLD_CONTINUED ? 0xffff : info.status;
	if (status && put_user(wstatus, status))
		return -EFAULT;
	if (rusage && clear_user(rusage, RUSAGE_SIZE))
		return -EFAULT;
	return r;
}

/* The parts of siginfo_t waitid fills (Linux's layout for SIGCHLD). */
struct siginfo_chld {
	int signo, errno_, code, pad;
	int pid;
	u32 uid;
	int status;
};
#define SIGINFO_SIZE 128

/* Linux writes the six fields whatever happened, zeros when no child was
 * reaped (WNOHANG, or an error): the range is checked even then. */
static long put_siginfo(struct siginfo_chld __user *infop, const struct waitinfo *info, bool found)
{
	if (!access_ok(infop, SIGINFO_SIZE))
		return -EFAULT;
	if (put_user(found ? SIGCHLD : 0, ufield(infop, signo)) ||
	    put_user(0, ufield(infop, errno_)) || put_user(info->code, ufield(infop, code)) ||
	    put_user(info->pid, ufield(infop, pid)) || put_user(info->uid, ufield(infop, uid)) ||
	    put_user(info->status, ufield(infop, status)))
		return -EFAULT;
	return 0;
}

/* The (idtype, id, options) triple checked as Linux's kernel_waitid does:
 * 0, or -EINVAL / -EBADF. P_PIDFD needs a pidfd, which faultline never
 * hands out, so any descriptor is -EBADF. */
static long waitid_spec(int which, int id, int options, struct waitspec *w)
{
	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | WNOTHREAD | WALL | WCLONE))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	*w = (struct waitspec){ which, id, options };
	switch (which) {
	case P_ALL:
		return 0;
	case P_PID:
		return id <= 0 ? -EINVAL : 0;
	case P_PGID:
		if (id < 0)
			return -EINVAL;
		w->id = id ? id : myproc()->pgid;
		return 0;
	case P_PIDFD:
		return id < 0 ? -EINVAL : -EBADF;
	default:
		return -EINVAL;
	}
}

SYSCALL5(waitid, int, which, int, id, struct siginfo_chld __user *, infop, int, options,
	 void __user *, rusage)
{
	struct waitspec w;
	struct waitinfo info = { 0 };
	long r = waitid_spec(which, id, options, &w);
	if (!r)
		r = do_wait(&w, &info);
	if (r > 0 && rusage && clear_user(rusage, RUSAGE_SIZE))
		return -EFAULT;
	if (!infop)
		return r > 0 ? 0 : r;
	long err = put_siginfo(infop, &info, r > 0);
	return err ? err : r > 0 ? 0 : r;
}

/* kernel/signal.c — sending signals, acting on them, and choosing on the
 * way back to ring 3 which ones run a user handler (the pending sets are
 * kernel/sigqueue.c's, the frame arch/sigframe.c's).
 *
 * A signal without a handler takes its default action when it is sent (or
 * unblocked): "ignore" for SIGCHLD, SIGCONT, SIGURG and SIGWINCH, "stop" for
 * SIGSTOP, SIGTSTP, SIGTTIN and SIGTTOU (SIGCONT resumes), "terminate" for
 * the rest, which is what Linux's complete_signal does for a fatal one. A
 * signal that is blocked, or has a handler, waits with its siginfo in the
 * thread's own pending set (faults, tkill) or in its process's (kill,
 * timers, SIGCHLD: the leader's p->shared), until signal_deliver() on one
 * of the threads takes it on the way out. A fault in ring 3 goes to the
 * handler if there is one it can reach; if not, the kernel says why the
 * process dies in one line a student can read: who, where, what access,
 * which area. */
#include "kernel/signal.h"
#include "kernel/accounting.h"
#include "arch/oops.h"
#include "kernel/cputime.h"
#include "kernel/errno.h"
#include "kernel/exit_work.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/sigqueue.h"
#include "kernel/string.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "mm/kheap.h"

static const char *signame(int sig)
{
	switch (sig) {
	case SIGILL: return "SIGILL";
	case SIGTRAP: return "SIGTRAP";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	case SIGKILL: return "SIGKILL";
	case SIGSEGV: return "SIGSEGV";
	default: return "signal";
	}
}

static struct k_sigaction *action(const struct proc *p, int sig)
{
	return &p->sighand->action[sig - 1];
}

static bool has_handler(const struct proc *p, int sig)
{
	return action(p, sig)->handler > SIG_IGN;
}

struct sighand *sighand_alloc(void)
{
	struct sighand *sh = kmalloc(sizeof(*sh));
	if (sh) {
		sh->refs = 1;
		acct_add(ACCT_SIGHANDS, 1);
	}
	return sh;
}

void sighand_put(struct sighand *sh)
{
	if (sh && --sh->refs == 0) {
		kfree(sh);
		acct_add(ACCT_SIGHANDS, -1);
	}
}

/* Linux's flush_signal_handlers(p, 0): a handler's address means nothing
 * in the new program; SIG_IGN stays, and so do the mask and pending set.
 * The alternate stack is the old program's memory: gone too. */
void signal_exec(struct proc *p)
{
	struct sighand *own = p->sighand->refs > 1 ? sighand_alloc() : NULL;
	if (own) { /* shared with a process that is not a thread of ours (CLONE_SIGHAND) */
		memcpy(own->action, p->sighand->action, sizeof(own->action));
		sighand_put(p->sighand);
		p->sighand = own;
	}
	for (int sig = 1; sig <= NSIG; sig++) {
		struct k_sigaction *ka = action(p, sig);
		*ka = (struct k_sigaction){ ka->handler == SIG_IGN ? SIG_IGN : SIG_DFL, 0, 0, 0 };
	}
	p->sas_sp = p->sas_size = 0;
	p->sas_flags = 0;
}

/* The child shares the parent's dispositions (CLONE_SIGHAND) or has its
 * own copy; it inherits the mask, and nothing is pending (Linux clears the
 * child's set). A child that runs on the parent's memory but not in its
 * vfork pause (a thread) starts without the alternate stack, which is the
 * parent's (Linux's sas_ss_reset in copy_process). */
void signal_fork(struct proc *child, struct proc *parent, bool share, bool keep_altstack)
{
	if (share) {
		sighand_put(child->sighand);
		child->sighand = parent->sighand;
		child->sighand->refs++;
	} else {
		memcpy(child->sighand->action, parent->sighand->action,
		       sizeof(parent->sighand->action));
	}
	child->sigmask = parent->sigmask;
	if (keep_altstack) {
		child->sas_sp = parent->sas_sp;
		child->sas_size = parent->sas_size;
		child->sas_flags = parent->sas_flags;
	}
}

void signal_release(struct proc *p)
{
	sigpending_flush(&p->pending, ~0ul);
	sigpending_flush(&p->shared, ~0ul);
	sighand_put(p->sighand);
	p->sighand = NULL;
}

/* Linux's SIG_KERNEL_IGNORE_MASK: signals whose default action is none. */
#define DEFAULT_IGNORED (sigbit(SIGCHLD) | sigbit(SIGCONT) | sigbit(SIGURG) | sigbit(SIGWINCH))

bool signal_ignored(const struct proc *p, int sig)
{
	u64 h = action(p, sig)->handler;
	return h == SIG_IGN || (h == SIG_DFL && (DEFAULT_IGNORED & sigbit(sig)));
}

bool signal_pending(const struct proc *p)
{
	/* Nothing pending, killed or unblocked without WORK_SIGNAL (the work
	 * word's rule, docs/signals.md): the common case is one test, as
	 * Linux's signal_pending tests TIF_SIGPENDING alone. */
	if (!(p->work & WORK_SIGNAL))
		return false;
	if (p->killed)
		return true;
	u64 ready = signal_pending_set(p) & ~p->sigmask;
	for (int sig = 1; ready; sig++, ready >>= 1)
		if ((ready & 1) && has_handler(p, sig))
			return true;
	return false;
}

#define STOP_SIGNALS (sigbit(SIGSTOP) | sigbit(SIGTSTP) | sigbit(SIGTTIN) | sigbit(SIGTTOU))

/* Linux's orphaned process group: no member has a parent outside the
 * group but inside its session (a parent that is init does not count).
 * Nobody could resume it, so the terminal stop signals pass it by. */
bool pgrp_orphaned(int pgid)
{
	for_each_proc(m) {
		struct proc *parent = m->parent;
		if (m->pgid == pgid && m->state != P_ZOMBIE && parent && parent->pid != 1 &&
		    parent->pgid != pgid && parent->sid == m->sid)
			return false;
	}
	return true;
}

static void wake(struct proc *p)
{
	if (p->state == P_SLEEPING)
		p->state = P_RUNNABLE;
}

/* The default action of a signal that reaches p: ignore, stop, or
 * terminate, for the whole process (Linux's complete_signal): a stop
 * stops every thread, a fatal signal kills every thread. Init (pid 1)
 * takes no default action at all (Linux's SIGNAL_UNKILLABLE), not even
 * SIGKILL's: only its handlers run. */
static void act(struct proc *p, int sig)
{
	if (signal_ignored(p, sig) || p->tgid == 1)
		return;
	bool stop = STOP_SIGNALS & sigbit(sig);
	if (stop && sig != SIGSTOP && pgrp_orphaned(p->pgid))
		return;
	for_each_proc(t) {
		if (t->tgid != p->tgid || t->state == P_ZOMBIE)
			continue;
		if (stop)
			t->stop_pending = sig;
		else if (!t->killed)
			t->killed = sig;
		signal_work_set(t);
		wake(t);
	}
}

/* Linux's do_notify_parent: a signal with the child's pid, uid, status and
 * CPU time (clock ticks of 1/100 s): SIGCHLD for a stop or continue (not
 * to a parent whose SIGCHLD has SA_NOCLDSTOP), the child's exit_signal for
 * its end (none if 0, or not a signal). p is the process's leader. */
static void notify_parent(struct proc *p, int code, int status)
{
	struct proc *parent = p->parent;
	bool end = code != CLD_STOPPED && code != CLD_CONTINUED;
	int sig = end ? p->exit_signal : SIGCHLD;
	if (!parent || parent->state == P_ZOMBIE || sig < 1 || sig > NSIG)
		return;
	if (!end && (action(parent, SIGCHLD)->flags & SA_NOCLDSTOP))
		return;
	if (end && sig == SIGCHLD && action(parent, SIGCHLD)->handler == SIG_IGN)
		return;
	struct ksiginfo info = { .signo = sig, .code = code };
	info.chld.pid = p->pid;
	info.chld.uid = p->ids.u.real;
	info.chld.status = status;
	struct cputimes t = cputime_group(p); /* every thread has ended: the process's */
	info.chld.utime = ns_to_clock_ticks(t.user);
	info.chld.stime = ns_to_clock_ticks(t.sys);
	send_sig_info(parent, sig, &info, false);
}

/* Linux's rule for a child whose end sends SIGCHLD: a parent that set
 * SIGCHLD to SIG_IGN, or gave it SA_NOCLDWAIT, does not wait for it. */
static bool parent_reaps_nothing(const struct proc *p)
{
	const struct k_sigaction *ka = p->parent ? action(p->parent, SIGCHLD) : NULL;
	return ka && p->exit_signal == SIGCHLD && (ka->handler == SIG_IGN || (ka->flags & SA_NOCLDWAIT));
}

void signal_exited(struct proc *p, bool process_done)
{
	/* Nothing will take them: stop counting them against the limit. */
	sigpending_flush(&p->pending, ~0ul);
	if (!process_done) {
		/* A process-directed signal chosen for this thread now waits
		 * for the others (Linux's retarget_shared_pending). */
		if (p->leader->shared.set)
			work_set_process(p, WORK_SIGNAL);
		return;
	}
	struct proc *leader = p->leader;
	int st = leader->exit_status;
	sigpending_flush(&leader->shared, ~0ul);
	if (st & 0x7f)
		notify_parent(leader, CLD_KILLED, st & 0x7f);
	else
		notify_parent(leader, CLD_EXITED, (st >> 8) & 0xff);
	leader->autoreap = parent_reaps_nothing(leader);
}

/* Parent-visible changes of state: its wait may have something now. The
 * process's leader holds the report; the first of its threads to stop (or
 * resume) makes it. */
static void report(struct proc *p, int code, int status)
{
	struct proc *leader = p->leader;
	if (leader->report_code == code)
		return;
	leader->report_code = code;
	leader->report_status = status;
	notify_parent(leader, code, status);
	if (leader->parent)
		wakeup(leader->parent);
}

/* SIGCONT works even when blocked or ignored (Linux's prepare_signal): it
 * cancels stops not yet acted on and resumes every stopped thread of the
 * process. A stop signal in turn cancels a waiting SIGCONT. */
static void continue_or_cancel(struct proc *p, int sig)
{
	if (sig == SIGCONT) {
		bool resumed = false;
		sigpending_flush_group(p, STOP_SIGNALS);
		for_each_proc(t) {
			if (t->tgid != p->tgid)
				continue;
			t->stop_pending = 0;
			if (t->stopped) {
				t->stopped = 0;
				resumed = true;
				wakeup(&t->stopped);
				signal_unblocked(t); /* what waited for the stop to end */
			}
		}
		if (resumed)
			report(p, CLD_CONTINUED, SIGCONT);
	} else if (STOP_SIGNALS & sigbit(sig)) {
		sigpending_flush_group(p, sigbit(SIGCONT));
	}
}

void signal_stop(struct proc *p)
{
	if (!p->stop_pending || p->killed)
		return;
	p->stopped = p->stop_pending;
	p->stop_pending = 0;
	report(p, CLD_STOPPED, p->stopped);
	while (p->stopped && !p->killed) {
		p->chan = &p->stopped;
		p->wake_tick = 0;
		p->state = P_SLEEPING;
		sched();
	}
	p->chan = NULL;
}

/* Linux's wants_signal: the thread of p's process that should take a
 * process-directed sig, p itself if it does not block it, else the first
 * live thread that does not; p if all block it (it then waits in the
 * process's set for whichever unblocks it first). */
static struct proc *choose_thread(struct proc *p, int sig)
{
	if (!(p->sigmask & sigbit(sig)))
		return p;
	for_each_proc(t)
		if (t->tgid == p->tgid && t->state != P_ZOMBIE && !(t->sigmask & sigbit(sig)))
			return t;
	return p;
}

/* A signal was queued for t (for its whole process if shared): wake the
 * thread that will take it, and any thread of the process waiting for it
 * in rt_sigtimedwait although it blocks it. */
static void wake_takers(struct proc *t, int sig, bool shared)
{
	if (!(t->sigmask & sigbit(sig)) && !t->stopped)
		wake(t);
	for_each_proc(w)
		if ((w == t || (shared && w->tgid == t->tgid)) && (w->sigwaiting & sigbit(sig)))
			wake(w);
}

int send_sig_info(struct proc *p, int sig, const struct ksiginfo *info, bool thread)
{
	if (!thread)
		p = group_target(p);
	if (p->state == P_ZOMBIE)
		return 0;
	continue_or_cancel(p, sig);
	if (!thread)
		p = choose_thread(p, sig);
	/* A blocked signal waits even if ignored now: it may not be when
	 * unblocked. A stopped process takes only SIGKILL; the rest wait for
	 * SIGCONT. rt_sigtimedwait's set is taken even though blocked. */
	bool blocked = p->sigmask & sigbit(sig);
	if (!blocked && signal_ignored(p, sig))
		return 0;
	if (blocked || (p->stopped && sig != SIGKILL) || has_handler(p, sig)) {
		int err = sigpending_add(p, info, !thread);
		if (!err)
			wake_takers(p, sig, !thread);
		return err;
	}
	act(p, sig);
	return 0;
}

void signal_send(struct proc *p, int sig)
{
	struct proc *me = myproc();
	struct ksiginfo info = { .signo = sig, .code = SI_USER };
	info.kill.pid = me ? me->tgid : 0;
	info.kill.uid = me ? me->ids.u.real : 0;
	send_sig_info(p, sig, &info, false);
}

/* Lowest number first, as Linux dequeues them: the first fatal one is the
 * one p dies of. Those with a handler stay for signal_deliver. */
void signal_unblocked(struct proc *p)
{
	signal_work_set(p); /* the way out looks at the new mask */
	u64 ready = signal_pending_set(p) & ~p->sigmask;
	for (int sig = 1; ready; sig++, ready >>= 1) {
		if (!(ready & 1))
			continue;
		if (has_handler(p, sig)) {
			wake(p);
			continue;
		}
		sigpending_flush(&p->pending, sigbit(sig));
		sigpending_flush(&p->leader->shared, sigbit(sig));
		act(p, sig);
	}
}

/* Linux's force_sig_info_to_task: a signal the process cannot take (its
 * handler blocked, or SIG_IGN), or one that must kill, is unblocked and
 * reset to SIG_DFL. True if a handler will run. */
static bool force_prepare(struct proc *p, int sig, bool force_default)
{
	struct k_sigaction *ka = action(p, sig);
	if (!force_default && !(p->sigmask & sigbit(sig)) && ka->handler > SIG_IGN)
		return true;
	ka->handler = SIG_DFL;
	p->sigmask &= ~sigbit(sig);
	return false;
}

/* Every forced signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP) kills by
 * default, init included: Linux clears SIGNAL_UNKILLABLE for it. */
void force_sig(struct proc *p, int sig, bool force_default)
{
	struct ksiginfo info = { .signo = sig, .code = SI_KERNEL };
	if (force_prepare(p, sig, force_default))
		sigpending_add(p, &info, false);
	else if (!p->killed)
		p->killed = sig;
	signal_work_set(p);
}

static const char *hex(u64 v)
{
	static char buf[20];
	snprintf(buf, sizeof(buf), "%lx", v);
	return buf;
}

static void describe_area(struct proc *p, u64 addr, char *buf, size_t size)
{
	struct vma *v = vma_find(p->mm, addr);
	if (!v) {
		snprintf(buf, size, "no vma");
		return;
	}
	snprintf(buf, size, "in %s vma %lx-%lx %c%c%c", vma_kind_name(v->kind), v->start, v->end,
		 (v->prot & 1) ? 'r' : '-', (v->prot & 2) ? 'w' : '-', (v->prot & 4) ? 'x' : '-');
}

void user_fault(struct trapframe *tf, int sig, int code, u64 addr)
{
	struct proc *p = myproc();
	bool pf = tf->vector == T_PF;
	p->trap_nr = tf->vector;
	p->trap_error = tf->error;
	p->trap_cr2 = pf ? addr : 0;
	if (force_prepare(p, sig, false)) {
		struct ksiginfo info = { .signo = sig, .code = code, .fault.addr = addr };
		sigpending_add(p, &info, false);
		return; /* the handler runs on the way out */
	}
	char what[128] = "", area[96];
	if (pf)
		describe_pf_error(tf->error, what, sizeof(what));
	describe_area(p, pf ? addr : tf->rip, area, sizeof(area));
	printk("faultline: %s[%d] killed by %s: %s%s%s at rip %lx%s%s (%s)\n", p->name, p->pid,
	       signame(sig), trap_name(tf->vector), *what ? " " : "", what, tf->rip,
	       pf ? ", address " : "", pf ? hex(addr) : "", area);
	group_exit(sig);
}

/* Linux's restart rules for a call a handler interrupted: -ERESTARTNOHAND,
 * and -ERESTARTSYS without SA_RESTART, become EINTR; -ERESTARTSYS with
 * SA_RESTART, and -ERESTARTNOINTR, run the call again. Without a handler
 * (ka NULL) all three run it again. Again means RIP back over the 2-byte
 * SYSCALL and RAX the number it had. */
static void finish_syscall(struct trapframe *tf, long nr, const struct k_sigaction *ka)
{
	long r = (long)tf->rax;
	if (r != -ERESTARTSYS && r != -ERESTARTNOINTR && r != -ERESTARTNOHAND)
		return;
	if (ka && (r == -ERESTARTNOHAND || (r == -ERESTARTSYS && !(ka->flags & SA_RESTART)))) {
		tf->rax = (u64)-EINTR;
		return;
	}
	tf->rax = (u64)nr;
	tf->rip -= 2;
}

/* One handler: its frame, then the mask it runs with (Linux's
 * signal_delivered: blocked | sa_mask | sig unless SA_NODEFER). A frame
 * that cannot be written costs a SIGSEGV (Linux's force_sigsegv): one a
 * SIGSEGV handler may catch, unless the frame was SIGSEGV's own, which
 * kills: never a loop of frames that cannot be written. */
static void handle(struct proc *p, int sig, const struct ksiginfo *info)
{
	struct k_sigaction ka = *action(p, sig);
	u64 oldmask = p->restore_sigmask ? p->saved_sigmask : p->sigmask;
	if (ka.flags & SA_RESETHAND)
		action(p, sig)->handler = SIG_DFL;
	if (sigframe_setup(p, sig, &ka, info, oldmask)) {
		printk("faultline: %s[%d] cannot write the frame for signal %d below sp %lx: SIGSEGV\n",
		       p->name, p->pid, sig, p->tf->rsp);
		force_sig(p, SIGSEGV, sig == SIGSEGV);
		return;
	}
	p->restore_sigmask = false;
	p->sigmask |= (ka.mask | ((ka.flags & SA_NODEFER) ? 0 : sigbit(sig))) & ~UNBLOCKABLE;
}

/* Only called when signal_work(p) says there is something to do
 * (return_to_user, kernel/sched.h): the loop, its siginfo and its frame
 * are paid for only then. */
void signal_deliver(struct proc *p)
{
	long nr = p->syscall_nr;
	p->syscall_nr = -1;
	for (;;) {
		signal_stop(p);
		if (p->killed)
			group_exit(p->killed);
		struct ksiginfo info;
		int sig = signal_dequeue(p, ~p->sigmask, &info);
		if (!sig)
			break;
		if (!has_handler(p, sig)) { /* the disposition changed while it waited */
			act(p, sig);
			continue;
		}
		if (nr != -1)
			finish_syscall(p->tf, nr, action(p, sig));
		nr = -1;
		handle(p, sig, &info);
	}
	if (nr != -1)
		finish_syscall(p->tf, nr, NULL);
	if (p->restore_sigmask) { /* rt_sigsuspend ran no handler: its mask ends here */
		p->restore_sigmask = false;
		p->sigmask = p->saved_sigmask;
	}
}

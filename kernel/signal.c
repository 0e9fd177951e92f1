/* kernel/signal.c — sending signals, and what happens to a process that
 * faults in ring 3.
 *
 * There are no user signal handlers yet, so every signal takes its default
 * action: "ignore" for SIGCHLD, SIGCONT, SIGURG and SIGWINCH, "stop" for
 * SIGSTOP, SIGTSTP, SIGTTIN and SIGTTOU (SIGCONT resumes), "terminate" for
 * the rest.
 * A signal the process blocks is kept in its pending set, as Linux keeps it,
 * and acted on when the mask lets it through; that set is where handlers
 * will find their signals later. A fault kills the process at once, and
 * the kernel says why in one line a student can read: who, where, what
 * access, which area. */
#include "kernel/signal.h"
#include "arch/oops.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/thread.h"
#include "kernel/wait.h"

static const char *signame(int sig)
{
	switch (sig) {
	case SIGILL: return "SIGILL";
	case SIGTRAP: return "SIGTRAP";
	case SIGBUS: return "SIGBUS";
	case SIGFPE: return "SIGFPE";
	case SIGSEGV: return "SIGSEGV";
	default: return "signal";
	}
}

/* The signal Linux sends for each exception raised in ring 3. */
int signal_for_vector(u64 vector)
{
	switch (vector) {
	case T_DE: case T_MF: case T_XM: return SIGFPE;
	case T_UD: return SIGILL;
	case T_DB: case T_BP: return SIGTRAP;
	case T_NP: case T_SS: case T_AC: return SIGBUS;
	default: return SIGSEGV;
	}
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

void user_fault(struct trapframe *tf, int sig, u64 addr)
{
	struct proc *p = myproc();
	char what[128] = "", area[96];
	if (tf->vector == T_PF)
		describe_pf_error(tf->error, what, sizeof(what));
	describe_area(p, addr, area, sizeof(area));
	printk("faultline: %s[%d] killed by %s: %s%s%s at rip %lx%s%s (%s)\n", p->name, p->pid,
	       signame(sig), trap_name(tf->vector), *what ? " " : "", what, tf->rip,
	       tf->vector == T_PF ? ", address " : "", tf->vector == T_PF ? hex(addr) : "", area);
	group_exit(sig);
}

/* Linux's SIG_KERNEL_IGNORE_MASK: signals whose default action is none. */
#define DEFAULT_IGNORED (sigbit(SIGCHLD) | sigbit(SIGCONT) | sigbit(SIGURG) | sigbit(SIGWINCH))

bool signal_ignored(const struct proc *p, int sig)
{
	return (p->ignored | DEFAULT_IGNORED) & sigbit(sig);
}

#define STOP_SIGNALS (sigbit(SIGSTOP) | sigbit(SIGTSTP) | sigbit(SIGTTIN) | sigbit(SIGTTOU))

/* Linux's orphaned process group: no member has a parent outside the
 * group but inside its session (a parent that is init does not count).
 * Nobody could resume it, so the terminal stop signals pass it by. */
static bool orphaned_group(int pgid)
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

/* A signal that reaches p: ignored, a stop, or fatal. Init (pid 1) only
 * receives signals it has a handler for (Linux's SIGNAL_UNKILLABLE):
 * without handlers, none, not even SIGKILL. */
static void act(struct proc *p, int sig)
{
	if (signal_ignored(p, sig) || p->pid == 1)
		return;
	if (STOP_SIGNALS & sigbit(sig)) {
		if (sig == SIGSTOP || !orphaned_group(p->pgid))
			p->stop_pending = sig;
	} else if (!p->killed) {
		p->killed = sig;
	}
	wake(p);
}

/* Parent-visible changes of state: its wait may have something now. */
static void report(struct proc *p, int code, int status)
{
	p->report_code = code;
	p->report_status = status;
	if (p->parent)
		wakeup(p->parent);
}

/* SIGCONT works even when blocked or ignored (Linux's prepare_signal): it
 * cancels stops not yet acted on and resumes a stopped process. A stop
 * signal in turn cancels a waiting SIGCONT. */
static void continue_or_cancel(struct proc *p, int sig)
{
	if (sig == SIGCONT) {
		p->sigpending &= ~STOP_SIGNALS;
		p->stop_pending = 0;
		if (p->stopped) {
			p->stopped = 0;
			report(p, CLD_CONTINUED, SIGCONT);
			wakeup(&p->stopped);
			signal_unblocked(p); /* what waited for the stop to end */
		}
	} else if (STOP_SIGNALS & sigbit(sig)) {
		p->sigpending &= ~sigbit(SIGCONT);
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

void signal_send(struct proc *p, int sig)
{
	if (p->state == P_ZOMBIE)
		return;
	continue_or_cancel(p, sig);
	/* A stopped process takes only SIGKILL; the rest wait, like blocked
	 * ones, for SIGCONT. A blocked signal waits even if ignored now: it
	 * may not be when unblocked. */
	if ((p->sigmask & sigbit(sig)) || (p->stopped && sig != SIGKILL))
		p->sigpending |= sigbit(sig);
	else
		act(p, sig);
}

/* Lowest number first, as Linux dequeues them: the first fatal one is the
 * one p dies of. */
void signal_unblocked(struct proc *p)
{
	u64 ready = p->sigpending & ~p->sigmask;
	p->sigpending &= p->sigmask;
	for (int sig = 1; ready; sig++, ready >>= 1)
		if (ready & 1)
			act(p, sig);
}

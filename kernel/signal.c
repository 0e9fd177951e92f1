/* kernel/signal.c — sending signals, and what happens to a process that
 * faults in ring 3.
 *
 * There are no user signal handlers yet, so every signal takes its default
 * action: "ignore" for SIGCHLD, SIGCONT, SIGURG and SIGWINCH, "terminate"
 * for the rest (stopping is not implemented: the stop signals terminate).
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
	struct vma *v = vma_find(&p->mm, addr);
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
	proc_exit(sig);
}

/* Linux's SIG_KERNEL_IGNORE_MASK: signals whose default action is none. */
#define DEFAULT_IGNORED (sigbit(SIGCHLD) | sigbit(SIGCONT) | sigbit(SIGURG) | sigbit(SIGWINCH))

bool signal_ignored(const struct proc *p, int sig)
{
	return (p->ignored | DEFAULT_IGNORED) & sigbit(sig);
}

/* A signal that reaches p: ignored, or fatal. Init (pid 1) only receives
 * signals it has a handler for (Linux's SIGNAL_UNKILLABLE): without
 * handlers, none, not even SIGKILL. */
static void act(struct proc *p, int sig)
{
	if (signal_ignored(p, sig) || p->pid == 1)
		return;
	if (!p->killed)
		p->killed = sig;
	if (p->state == P_SLEEPING)
		p->state = P_RUNNABLE;
}

void signal_send(struct proc *p, int sig)
{
	if (p->state == P_ZOMBIE)
		return;
	if (p->sigmask & sigbit(sig))
		p->sigpending |= sigbit(sig); /* even if ignored now: it may not be when unblocked */
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

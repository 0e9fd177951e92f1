/* kernel/exit_work.c — the slow way back to ring 3 (kernel/exit_work.h):
 * what a return does when its thread's work word is not clear, and how
 * the word is worked out again from the state it summarises. */
#include "kernel/exit_work.h"
#include "kernel/errno.h"
#include "kernel/itimer.h"
#include "kernel/printk.h"
#include "kernel/signal.h"

/* Whether signal_deliver has anything to do: a signal it may take, a stop,
 * a kill, a mask to restore, or a system call to restart. */
static bool signal_work(const struct proc *p)
{
	long r = (long)p->tf->rax;
	bool restart = r == -ERESTARTSYS || r == -ERESTARTNOINTR || r == -ERESTARTNOHAND;
	return ((p->pending.set | p->leader->shared.set) & ~p->sigmask) || p->stop_pending ||
	       p->killed || p->restore_sigmask || (restart && p->syscall_nr != -1);
}

/* Whether p's process has a CPU timer (ITIMER_VIRTUAL, ITIMER_PROF) armed. */
static bool cpu_timer_armed(const struct proc *p)
{
	const struct itimer *t = p->leader->itimers;
	return t[ITIMER_VIRTUAL].armed || t[ITIMER_PROF].armed;
}

/* The work word as the state makes it. A restart is a signal's doing (only
 * a signal, a kill or a stop interrupts a call), so WORK_SIGNAL covers it. */
static u32 work_due(const struct proc *p)
{
	return (signal_work(p) ? WORK_SIGNAL : 0) | (cpu_timer_armed(p) ? WORK_CPU_TIMER : 0);
}

void exit_work(struct proc *p)
{
	if (cpu_timer_armed(p))
		itimer_run_cpu(p);
	if (signal_work(p))
		signal_deliver(p);
	p->work = work_due(p);
}

void work_set_process(struct proc *p, u32 bits)
{
	for_each_proc(t)
		if (t->tgid == p->tgid)
			t->work |= bits;
}

#ifdef CONFIG_UBSAN
void exit_work_check(struct proc *p)
{
	u32 missed = work_due(p) & ~p->work;
	if (missed)
		panic("%s[%d] returns to ring 3 with work %x its work word does not show", p->name,
		      p->pid, missed);
}
#endif

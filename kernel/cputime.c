/* kernel/cputime.c — charging CPU time to threads, and adding it up for a
 * process. The clock is read at every crossing between ring 3 and the
 * kernel (trap and syscall entry, return_to_user) and when a thread is
 * switched in or out; the time since the previous reading goes to utime or
 * stime, by the side it was spent on. So the CPU-time clocks count only
 * time really run, a sleeping thread gets nothing, and the count is exact
 * to the clock's resolution (Linux with CONFIG_VIRT_CPU_ACCOUNTING works
 * the same way).
 *
 * A process's time is Linux's thread_group_cputime: its live threads' plus
 * what its ended threads left in the leader (exited_cyc, Linux's
 * signal->utime and stime; handed over as each ends, so a joined thread's
 * time stays the process's). Its children's is what wait collected from
 * those it reaped, each with their own children's (Linux's cutime and
 * cstime, added in wait_task_zombie).
 *
 * The counts are TSC cycles (kernel/cputime.h says why); the readers here
 * turn them into nanoseconds with the clock's own formula (kernel/vvar.h). */
#include "kernel/cputime.h"
#include "kernel/time.h"

/* The running thread has not been charged for the kernel time of the
 * call that asks. */
static void charge_caller(struct proc *p)
{
	if (p == myproc())
		cputime_charge(p, false);
}

static struct cputimes in_ns(struct cputimes c)
{
	return (struct cputimes){ time_cycles_ns(c.user), time_cycles_ns(c.sys) };
}

static void add(struct cputimes *to, struct cputimes c)
{
	to->user += c.user;
	to->sys += c.sys;
}

struct cputimes cputime_thread(struct proc *t)
{
	charge_caller(t);
	return in_ns((struct cputimes){ t->utime_cyc, t->stime_cyc });
}

/* In cycles: converted once, after the sum. */
static struct cputimes group_cyc(struct proc *p)
{
	struct cputimes sum = p->leader->exited_cyc;
	for_each_proc(t)
		if (t->tgid == p->tgid) {
			charge_caller(t);
			add(&sum, (struct cputimes){ t->utime_cyc, t->stime_cyc });
		}
	return sum;
}

struct cputimes cputime_group(struct proc *p)
{
	return in_ns(group_cyc(p));
}

struct cputimes cputime_children(struct proc *p)
{
	return in_ns(p->leader->children_cyc);
}

void cputime_hand_over(struct proc *to, struct proc *t)
{
	add(&to->exited_cyc, (struct cputimes){ t->utime_cyc, t->stime_cyc });
	add(&to->exited_cyc, t->exited_cyc);
	add(&to->children_cyc, t->children_cyc);
	t->utime_cyc = t->stime_cyc = 0;
	t->exited_cyc = t->children_cyc = (struct cputimes){ 0 };
}

void cputime_reaped(struct proc *parent, struct proc *child)
{
	add(&parent->leader->children_cyc, group_cyc(child));
	add(&parent->leader->children_cyc, child->leader->children_cyc);
}

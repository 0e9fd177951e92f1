/* kernel/cputime.c — charging CPU time to processes. The clock is read at
 * every crossing between ring 3 and the kernel (trap and syscall entry,
 * return_to_user) and when a process is switched in or out; the time since
 * the previous reading goes to utime or stime, by the side it was spent on.
 * So CLOCK_PROCESS_CPUTIME_ID counts only time the process really ran, a
 * sleeping process gets nothing, and the count is exact to the clock's
 * resolution (Linux with CONFIG_VIRT_CPU_ACCOUNTING works the same way). */
#include "kernel/cputime.h"
#include "kernel/time.h"

void cputime_start(struct proc *p)
{
	p->cpu_stamp = time_uptime_ns();
}

void cputime_charge(struct proc *p, bool user)
{
	u64 now = time_uptime_ns();
	if (user)
		p->utime_ns += now - p->cpu_stamp;
	else
		p->stime_ns += now - p->cpu_stamp;
	p->cpu_stamp = now;
}

/* The running process has not been charged for the kernel time of the
 * call that asks. */
static void charge_caller(struct proc *p)
{
	if (p == myproc())
		cputime_charge(p, false);
}

u64 cputime_user_ns(struct proc *p)
{
	charge_caller(p);
	return p->utime_ns;
}

u64 cputime_total_ns(struct proc *p)
{
	charge_caller(p);
	return p->utime_ns + p->stime_ns;
}

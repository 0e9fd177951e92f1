/* kernel/cputime.c — charging CPU time to processes. The clock is read at
 * every crossing between ring 3 and the kernel (trap and syscall entry,
 * return_to_user) and when a process is switched in or out; the time since
 * the previous reading goes to utime or stime, by the side it was spent on.
 * So CLOCK_PROCESS_CPUTIME_ID counts only time the process really ran, a
 * sleeping process gets nothing, and the count is exact to the clock's
 * resolution (Linux with CONFIG_VIRT_CPU_ACCOUNTING works the same way).
 * The counts are TSC cycles (kernel/cputime.h says why); the readers here
 * turn them into nanoseconds with the clock's own formula (kernel/vvar.h). */
#include "kernel/cputime.h"
#include "kernel/time.h"

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
	return time_cycles_ns(p->utime_cyc);
}

u64 cputime_total_ns(struct proc *p)
{
	charge_caller(p);
	return time_cycles_ns(p->utime_cyc + p->stime_cyc);
}

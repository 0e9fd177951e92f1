/* kernel/wait.c — sleep and wakeup (see kernel/wait.h). Timed sleeps are
 * woken by the scheduler, which looks at the clock every time it runs. */
#include "kernel/wait.h"
#include "arch/pit.h"
#include "kernel/errno.h"
#include "kernel/sched.h"
#include "kernel/signal.h"

int sleep_on(const void *chan, u64 nticks)
{
	struct proc *p = myproc();
	if (p->killed)
		return -EINTR;
	if (p->stop_pending) {
		signal_stop(p); /* instead of sleeping: the event may come while stopped */
		return p->killed ? -EINTR : 0;
	}
	p->chan = chan;
	p->wake_tick = nticks ? ticks() + nticks : 0;
	p->state = P_SLEEPING;
	sched();
	p->chan = NULL;
	signal_stop(p);
	return p->killed ? -EINTR : 0;
}

void wakeup(const void *chan)
{
	for_each_proc(p)
		if (p->state == P_SLEEPING && p->chan == chan)
			p->state = P_RUNNABLE;
}

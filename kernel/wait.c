/* kernel/wait.c — sleep and wakeup (see kernel/wait.h). Timed sleeps are
 * woken by the scheduler, which looks at the clock every time it runs. */
#include "kernel/wait.h"
#include "arch/pit.h"
#include "kernel/errno.h"
#include "kernel/sched.h"
#include "kernel/signal.h"

/* Linux's TASK_INTERRUPTIBLE (any signal_pending ends the sleep) or
 * TASK_KILLABLE (only a fatal signal does). */
static bool must_wake(const struct proc *p, bool interruptible)
{
	return interruptible ? signal_pending(p) : p->killed != 0;
}

static int sleep(const void *chan, u64 nticks, bool interruptible)
{
	struct proc *p = myproc();
	if (must_wake(p, interruptible))
		return -EINTR;
	if (p->stop_pending) {
		signal_stop(p); /* instead of sleeping: the event may come while stopped */
		return must_wake(p, interruptible) ? -EINTR : 0;
	}
	p->chan = chan;
	p->wake_tick = nticks ? ticks() + nticks : 0;
	p->state = P_SLEEPING;
	sched();
	p->chan = NULL;
	signal_stop(p);
	return must_wake(p, interruptible) ? -EINTR : 0;
}

int sleep_on(const void *chan, u64 nticks)
{
	return sleep(chan, nticks, true);
}

int sleep_killable(const void *chan, u64 nticks)
{
	return sleep(chan, nticks, false);
}

void wakeup(const void *chan)
{
	for_each_proc(p)
		if (p->state == P_SLEEPING && p->chan == chan)
			p->state = P_RUNNABLE;
}

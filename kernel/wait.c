/* kernel/wait.c — sleep and wakeup (see kernel/wait.h). Timed sleeps are
 * woken by the scheduler, which looks at the clock every time it runs. */
#include "kernel/wait.h"
#include "arch/pit.h"
#include "kernel/errno.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/fs/file.h"
#include "kernel/time.h"

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

int waitq_sleep(struct waitq *q, u64 nticks)
{
	q->sleepers++;
	int err = sleep_on(q, nticks);
	q->sleepers--;
	return err;
}

void waitq_wake(struct waitq *q)
{
	if (q->sleepers)
		wakeup(q);
}

static u64 clock_now(bool realtime)
{
	return realtime ? time_realtime_ns() : time_uptime_ns();
}

int deadline_read(const struct timespec64 __user *uts, struct deadline *d, enum deadline_kind kind)
{
	struct timespec64 ts;
	*d = (struct deadline){ .realtime = kind == CLOCK_ABS_REALTIME };
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (i64)NSEC_PER_SEC)
		return -EINVAL;
	d->set = true;
	d->ns = (u64)ts.tv_sec >= UINT64_MAX / NSEC_PER_SEC - 1 ? UINT64_MAX
		: (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	if (kind == CLOCK_REL) {
		u64 now = clock_now(false);
		d->ns = d->ns > UINT64_MAX - now ? UINT64_MAX : d->ns + now;
	}
	return 0;
}

int deadline_sleep(const void *chan, const struct deadline *d)
{
	u64 now = d->set ? clock_now(d->realtime) : 0;
	if (d->set && now >= d->ns)
		return -ETIMEDOUT;
	u64 n = d->set ? MIN((d->ns - now) / TICK_NS + 1, MAX_SLEEP_TICKS) : 0;
	return sleep_on(chan, n) ? -ERESTARTSYS : 0;
}

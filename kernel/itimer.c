/* kernel/itimer.c — alarm, getitimer and setitimer (Linux x86-64 37, 36,
 * 38) with the rules of Linux's kernel/time/itimer.c. Each process has
 * three timers: ITIMER_REAL counts the monotonic clock and sends SIGALRM,
 * ITIMER_VIRTUAL counts the process's user CPU time and sends SIGVTALRM,
 * ITIMER_PROF its user + system time and sends SIGPROF: every thread's,
 * live or ended (kernel/cputime.c), as Linux's process CPU timers.
 * The signals are process-directed. fork's child starts with none armed;
 * execve keeps them.
 *
 * The scheduler looks at every real timer once a tick (and whenever it
 * finds nothing to run: kernel/sched.c); the CPU timers are looked at
 * whenever the process returns to ring 3, so at least once a tick while it
 * runs there. A timer thus fires up to a tick late (Linux's real timer is a high-resolution timer; its CPU
 * timers are sampled at the tick as these are).
 *
 * Linux rearms a real timer with an interval only when its SIGALRM is
 * taken off the pending set by a handler's delivery or a sigwait
 * (dequeue_signal), not when it is sent: a SIGALRM that kills, is ignored,
 * or stays blocked leaves the timer disarmed after one firing, its
 * interval kept (itimer_taken rearms it). The CPU timers rearm as they
 * fire (check_cpu_itimer). */
#include "kernel/itimer.h"
#include "kernel/cputime.h"
#include "kernel/exit_work.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/time.h"

#define USEC_PER_SEC 1000000l

struct itimerval {
	struct timeval it_interval, it_value;
};

static const int timer_signal[NITIMERS] = { SIGALRM, SIGVTALRM, SIGPROF };

/* The clock timer 'which' of p counts, now. */
static u64 timer_clock(struct proc *p, int which)
{
	if (which == ITIMER_REAL)
		return time_uptime_ns();
	struct cputimes t = cputime_group(p);
	return which == ITIMER_VIRTUAL ? t.user : t.user + t.sys;
}

/* The timers are the process's (Linux keeps them in signal_struct): they
 * live in its leader, whichever thread set them or runs. */
static void fire(struct proc *p, int which, u64 now)
{
	struct itimer *it = &p->leader->itimers[which];
	if (!it->armed || now < it->expires)
		return;
	if (which == ITIMER_REAL || !it->incr)
		it->armed = false; /* a real one waits for its signal to be taken */
	else
		it->expires += it->incr;
	struct ksiginfo info = { .signo = timer_signal[which], .code = SI_KERNEL };
	send_sig_info(p, timer_signal[which], &info, false);
}

void itimer_run_real(struct proc *p, u64 now)
{
	if (p == p->leader)
		fire(p, ITIMER_REAL, now);
}

void itimer_taken(struct proc *p)
{
	struct itimer *it = &p->leader->itimers[ITIMER_REAL];
	u64 now = time_uptime_ns();
	if (it->armed || !it->incr)
		return;
	it->armed = true;
	if (it->expires <= now) /* Linux's hrtimer_forward: whole periods past now */
		it->expires += ((now - it->expires) / it->incr + 1) * it->incr;
}

void itimer_run_cpu(struct proc *p)
{
	fire(p, ITIMER_VIRTUAL, timer_clock(p, ITIMER_VIRTUAL));
	fire(p, ITIMER_PROF, timer_clock(p, ITIMER_PROF));
}

static u64 timeval_ns(const struct timeval *tv)
{
	return timespec_to_ns(tv->tv_sec, tv->tv_usec * NSEC_PER_USEC);
}

/* What getitimer shows: the time left — at least 1 us for a real timer
 * that is due (itimer_get_remtime), a tick for a CPU one (get_cpu_itimer)
 * — and the interval. */
static struct itimerval timer_get(struct proc *p, int which)
{
	const struct itimer *it = &p->leader->itimers[which];
	u64 left = 0;
	if (it->armed) {
		u64 now = timer_clock(p, which);
		if (now < it->expires)
			left = it->expires - now;
		else
			left = which == ITIMER_REAL ? NSEC_PER_USEC : TICK_NS;
	}
	return (struct itimerval){ ns_to_timeval(it->incr), ns_to_timeval(left) };
}

/* do_setitimer after the checks: a value of 0 disarms. A real timer's
 * interval is dropped with it; a CPU timer keeps the one given, and its
 * first expiry is a tick later than asked (set_cpu_itimer), so that it
 * never fires early on a sampled clock. */
static void timer_set(struct proc *p, int which, const struct itimerval *v)
{
	struct itimer *it = &p->leader->itimers[which];
	u64 value = timeval_ns(&v->it_value);
	it->armed = value != 0;
	it->incr = timeval_ns(&v->it_interval);
	if (which == ITIMER_REAL) {
		if (!value)
			it->incr = 0;
	} else if (value) {
		value += TICK_NS;
	}
	if (value)
		it->expires = timer_clock(p, which) + value;
	if (value && which != ITIMER_REAL)
		work_set_process(p, WORK_CPU_TIMER); /* charged on every way out from now on */
}

/* timeval_valid: tv_sec >= 0, 0 <= tv_usec < 1 s. */
static bool valid(const struct timeval *tv)
{
	return tv->tv_sec >= 0 && (u64)tv->tv_usec < USEC_PER_SEC;
}

/* getitimer(which, value): EINVAL for an unknown timer, then EFAULT. */
SYSCALL2(getitimer, int, which, struct itimerval __user *, uvalue)
{
	if (which < 0 || which >= NITIMERS)
		return -EINVAL;
	struct itimerval v = timer_get(myproc(), which);
	return copy_out(uvalue, &v, sizeof(v));
}

/* setitimer(which, value, ovalue): value is read (EFAULT; NULL disarms,
 * a misfeature Linux keeps), both timevals checked (EINVAL), then which
 * (EINVAL); the timer is set before the old value is written (EFAULT). */
SYSCALL3(setitimer, int, which, const struct itimerval __user *, uvalue,
	 struct itimerval __user *, uovalue)
{
	struct itimerval v = { 0 };
	struct proc *p = myproc();
	if (uvalue && copy_from_user(&v, uvalue, sizeof(v)))
		return -EFAULT;
	if (!valid(&v.it_value) || !valid(&v.it_interval))
		return -EINVAL;
	if (which < 0 || which >= NITIMERS)
		return -EINVAL;
	struct itimerval old = timer_get(p, which);
	timer_set(p, which, &v);
	return uovalue ? copy_out(uovalue, &old, sizeof(old)) : 0;
}

/* alarm(seconds): the real timer set to seconds (0 disarms it), no
 * interval. The seconds the old one had left, rounded to the nearest and
 * at least 1 if it was armed (alarm_setitimer). */
SYSCALL1(alarm, u32, seconds)
{
	struct proc *p = myproc();
	struct itimerval v = { .it_value = { seconds, 0 } };
	struct itimerval old = timer_get(p, ITIMER_REAL);
	timer_set(p, ITIMER_REAL, &v);
	if ((!old.it_value.tv_sec && old.it_value.tv_usec) || old.it_value.tv_usec >= 500000)
		old.it_value.tv_sec++;
	return old.it_value.tv_sec;
}

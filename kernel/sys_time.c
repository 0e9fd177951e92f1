/* kernel/sys_time.c — clocks and sleeping: clock_gettime, clock_getres,
 * time, gettimeofday, nanosleep, clock_nanosleep. Time comes from the RTC
 * read at boot plus the TSC since (kernel/time.c), CPU time from
 * kernel/cputime.c; sleeps wait for timer ticks but end only once the
 * clock has passed the deadline, so they never end early.
 *
 * Clock ids are Linux's (include/uapi/linux/time.h). A negative id names a
 * CPU-time clock of one process or thread (kernel/time/posix-cpu-timers.c):
 * bits 0-1 say what it counts (PROF: user + system, VIRT: user, SCHED: the
 * scheduler's runtime), bit 2 that it is a thread's, and the rest is ~pid,
 * pid 0 meaning the caller. Negative ids with bits 0-2 equal to 3 name
 * dynamic clocks by file descriptor, which faultline has none of. */
#include "arch/pit.h"
#include "kernel/cputime.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/wait.h"

enum { CPUCLOCK_PROF, CPUCLOCK_VIRT, CPUCLOCK_SCHED, CPUCLOCK_FD };
#define CPUCLOCK_THREAD 4
#define CPUCLOCK_SELF (-8) /* ~0 << 3: pid 0, the caller */
#define TIMER_ABSTIME 1

/* What a clock id names. */
struct clock {
	enum { TSC, CPU, ALARM, NO_CLOCK, NO_SLEEP } kind;
	int id;          /* TSC: which (kernel/vvar.h's vvar_clock_ts) */
	struct proc *p;  /* CPU: whose */
	int pid;         /* ... and its pid, to notice when it is gone */
	int which;       /* CPU: CPUCLOCK_* */
	bool thread;     /* CPU: a thread's clock (sleeping on it is EINVAL) */
};

/* The process or thread a CPU clock id names, as Linux's pid_for_clock
 * finds it: NULL for none. A thread clock names only a thread of the
 * caller's own process. A process clock counts every thread of the process
 * the thread it finds is in, live or ended (cputime_group). */
static struct proc *clock_owner(int id, bool thread)
{
	int pid = ~(id >> 3);
	struct proc *me = myproc();
	if (pid == 0)
		return me;
	struct proc *p = proc_find(pid);
	return !thread || (p && p->tgid == me->tgid) ? p : NULL;
}

static struct clock cpu_clock(int id)
{
	bool thread = id & CPUCLOCK_THREAD;
	if ((id & 7) == CPUCLOCK_FD)
		return (struct clock){ .kind = NO_SLEEP }; /* a dynamic clock: no such fd clock */
	struct proc *p = clock_owner(id, thread);
	if ((id & 3) == CPUCLOCK_FD || !p)
		return (struct clock){ .kind = NO_CLOCK };
	return (struct clock){ .kind = CPU, .p = p, .pid = p->pid, .which = id & 3, .thread = thread };
}

/* The alarm clocks need an RTC that can wake the machine; Linux without
 * one (and faultline) answers EINVAL to read them, EOPNOTSUPP to sleep. */
static struct clock clock_of(int id)
{
	if (tsc_clock(id))
		return (struct clock){ .kind = TSC, .id = id };
	switch (id) {
	case CLOCK_PROCESS_CPUTIME_ID:
		return cpu_clock(CPUCLOCK_SELF | CPUCLOCK_SCHED);
	case CLOCK_THREAD_CPUTIME_ID:
		return cpu_clock(CPUCLOCK_SELF | CPUCLOCK_THREAD | CPUCLOCK_SCHED);
	case CLOCK_REALTIME_ALARM: case CLOCK_BOOTTIME_ALARM:
		return (struct clock){ .kind = ALARM };
	}
	return id < 0 ? cpu_clock(id) : (struct clock){ .kind = NO_CLOCK };
}

static bool readable(const struct clock *c)
{
	return c->kind == TSC || c->kind == CPU;
}

/* Only the hrtimer clocks and the CPU clocks can be slept on in Linux:
 * MONOTONIC_RAW, the coarse clocks and the thread CPU clock cannot. */
static bool sleepable(int id, const struct clock *c)
{
	if (id == CLOCK_MONOTONIC_RAW || id == CLOCK_THREAD_CPUTIME_ID || coarse_clock(id))
		return false;
	return c->kind == TSC || c->kind == CPU || c->kind == ALARM || c->kind == NO_CLOCK;
}

/* The clock's reading in nanoseconds. */
static u64 clock_ns(const struct clock *c)
{
	if (c->kind == TSC)
		return time_clock_ns(c->id);
	struct cputimes t = c->thread ? cputime_thread(c->p) : cputime_group(c->p);
	return c->which == CPUCLOCK_VIRT ? t.user : t.user + t.sys;
}

/* Linux: 1 ns for the hrtimer clocks and the scheduler's CPU clocks, a
 * tick for the coarse clocks and the tick-sampled PROF and VIRT clocks. */
static u64 resolution_ns(const struct clock *c)
{
	if ((c->kind == TSC && coarse_clock(c->id)) || (c->kind == CPU && c->which != CPUCLOCK_SCHED))
		return TICK_NS;
	return 1;
}

static struct timespec to_timespec(u64 ns)
{
	return (struct timespec){ (i64)(ns / NSEC_PER_SEC), (i64)(ns % NSEC_PER_SEC) };
}

static u64 to_ns(const struct timespec *t)
{
	return timespec_to_ns(t->tv_sec, t->tv_nsec);
}

/* clock_gettime(id, tp): 0, EINVAL for an id that names no clock, EFAULT. */
SYSCALL2(clock_gettime, int, id, struct timespec __user *, tp)
{
	struct clock c = clock_of(id);
	if (!readable(&c))
		return -EINVAL;
	struct timespec ts;
	if (c.kind == TSC)
		time_clock_ts(c.id, &ts); /* as the clock gives it: no division */
	else
		ts = to_timespec(clock_ns(&c));
	return copy_out(tp, &ts, sizeof(ts));
}

/* clock_getres(id, res): as clock_gettime; res may be NULL (the id is
 * only checked: musl's clock_getcpuclockid asks this way). */
SYSCALL2(clock_getres, int, id, struct timespec __user *, res)
{
	struct clock c = clock_of(id);
	if (!readable(&c))
		return -EINVAL;
	struct timespec ts = to_timespec(resolution_ns(&c));
	return res ? copy_out(res, &ts, sizeof(ts)) : 0;
}

static struct timespec realtime(void)
{
	struct clock c = clock_of(CLOCK_REALTIME);
	return to_timespec(clock_ns(&c));
}

/* time(tloc): seconds since 1970, also stored at tloc unless it is NULL. */
SYSCALL1(time, i64 __user *, tloc)
{
	i64 now = realtime().tv_sec;
	if (tloc && copy_out(tloc, &now, sizeof(now)))
		return -EFAULT;
	return now;
}

SYSCALL2(gettimeofday, struct timeval __user *, tv, void __user *, tz)
{
	struct timespec ts = realtime();
	struct timeval v = { ts.tv_sec, ts.tv_nsec / 1000 };
	static const u32 utc[2] = { 0, 0 }; /* struct timezone: minutes west, dst */
	if (tv && copy_out(tv, &v, sizeof(v)))
		return -EFAULT;
	return tz ? copy_out(tz, utc, sizeof(utc)) : 0;
}

/* Sleeps until c reads at least deadline: a tick at a time for CPU clocks
 * (whose owner must run to move them), else for the ticks the clock still
 * needs, checked against the clock itself on waking. 0, or -EINTR if the
 * caller was killed; then *left is what remained. A process sleeping on
 * its own CPU clock sleeps until killed, as in Linux. */
static long sleep_until(const struct clock *c, u64 deadline, u64 *left)
{
	struct clock k = *c;
	u64 now;
	while ((now = clock_ns(&k)) < deadline) {
		u64 n = k.kind == CPU ? 1 : (deadline - now + TICK_NS - 1) / TICK_NS;
		if (sleep_on(&myproc()->wake_tick, n)) {
			*left = deadline - clock_ns(&k);
			return -EINTR;
		}
		/* The owner of a CPU clock may have been reaped while we slept: look
		 * it up again by pid rather than trust a pointer to freed memory. */
		if (k.kind == CPU && !(k.p = proc_find(k.pid)))
			return 0; /* its owner is gone */
	}
	return 0;
}

/* A relative sleep on c; when interrupted, what was left goes to rem. */
static long sleep_for(const struct clock *c, u64 ns, struct timespec __user *rem)
{
	u64 left;
	long err = sleep_until(c, deadline_after(clock_ns(c), ns), &left);
	struct timespec r = to_timespec(left);
	if (err && rem && copy_out(rem, &r, sizeof(r)))
		return -EFAULT;
	return err;
}

static long read_request(const struct timespec __user *req, struct timespec *t)
{
	if (copy_from_user(t, req, sizeof(*t)))
		return -EFAULT;
	if (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	return 0;
}

SYSCALL2(nanosleep, const struct timespec __user *, req, struct timespec __user *, rem)
{
	struct timespec t;
	struct clock c = clock_of(CLOCK_MONOTONIC);
	long err = read_request(req, &t);
	return err ? err : sleep_for(&c, to_ns(&t), rem);
}

/* clock_nanosleep(id, flags, req, rem), with Linux's order of errors:
 * EINVAL for an unknown clock, EOPNOTSUPP for one that cannot be slept on,
 * then EFAULT and EINVAL for req, then EINVAL for a thread's CPU clock or
 * a CPU clock whose process does not exist, EOPNOTSUPP for an alarm clock.
 * Flags other than TIMER_ABSTIME are ignored; an absolute sleep never
 * writes rem. */
SYSCALL4(clock_nanosleep, int, id, int, flags, const struct timespec __user *, req,
	 struct timespec __user *, rem)
{
	struct clock c = clock_of(id);
	struct timespec t;
	if (c.kind == NO_CLOCK && id >= 0)
		return -EINVAL;
	if (!sleepable(id, &c))
		return -EOPNOTSUPP;
	long err = read_request(req, &t);
	if (err)
		return err;
	if (c.kind == NO_CLOCK || (c.kind == CPU && c.thread))
		return -EINVAL;
	if (c.kind == ALARM)
		return -EOPNOTSUPP;
	if (flags & TIMER_ABSTIME) {
		u64 left;
		return sleep_until(&c, to_ns(&t), &left);
	}
	return sleep_for(&c, to_ns(&t), rem);
}

/* kernel/sys_time.c — clocks and sleeping: clock_gettime, gettimeofday,
 * nanosleep, clock_nanosleep. Time comes from the RTC read at boot plus the
 * timer tick (kernel/time.c); sleeps are rounded up to whole ticks, so they
 * never end early. */
#include "arch/pit.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/wait.h"

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_BOOTTIME 7
#define TIMER_ABSTIME 1
#define NSEC_PER_SEC 1000000000l

struct timespec {
	i64 tv_sec, tv_nsec;
};

struct timeval {
	i64 tv_sec, tv_usec;
};

static bool valid_clock(int clock)
{
	return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC || clock == CLOCK_BOOTTIME;
}

static struct timespec now(int clock)
{
	u64 ns = time_uptime_ns();
	u64 base = clock == CLOCK_REALTIME ? time_boot_epoch() : 0;
	return (struct timespec){ (i64)(base + ns / 1000000000), (i64)(ns % 1000000000) };
}

SYSCALL2(clock_gettime, int, clock, struct timespec __user *, tp)
{
	if (!valid_clock(clock))
		return -EINVAL;
	struct timespec ts = now(clock);
	return copy_out(tp, &ts, sizeof(ts));
}

SYSCALL2(gettimeofday, struct timeval __user *, tv, void __user *, tz)
{
	struct timespec ts = now(CLOCK_REALTIME);
	struct timeval v = { ts.tv_sec, ts.tv_nsec / 1000 };
	static const u32 utc[2] = { 0, 0 }; /* struct timezone: minutes west, dst */
	if (tv && copy_out(tv, &v, sizeof(v)))
		return -EFAULT;
	return tz ? copy_out(tz, utc, sizeof(utc)) : 0;
}

static i64 to_ns(const struct timespec *t)
{
	return t->tv_sec * NSEC_PER_SEC + t->tv_nsec;
}

/* Sleep for ns nanoseconds; if killed first, store what was left in rem.
 * A stop and continue in between does not cut the sleep short (Linux
 * restarts it for the time left). */
static long sleep_ns(i64 ns, struct timespec __user *rem)
{
	u64 tick_ns = NSEC_PER_SEC / HZ, start = ticks();
	u64 n = ns > 0 ? ((u64)ns + tick_ns - 1) / tick_ns + 1 : 0; /* +1: we start mid-tick */
	u64 end = start + n;
	while (ticks() < end)
		if (sleep_on(&myproc()->wake_tick, end - ticks()) < 0)
			break;
	if (ticks() >= end)
		return 0;
	i64 left = ns - (i64)((ticks() - start) * tick_ns);
	struct timespec r = { left > 0 ? left / NSEC_PER_SEC : 0, left > 0 ? left % NSEC_PER_SEC : 0 };
	if (rem && copy_out(rem, &r, sizeof(r)))
		return -EFAULT;
	return -EINTR;
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
	long err = read_request(req, &t);
	return err ? err : sleep_ns(to_ns(&t), rem);
}

SYSCALL4(clock_nanosleep, int, clock, int, flags, const struct timespec __user *, req,
	 struct timespec __user *, rem)
{
	struct timespec t;
	if (!valid_clock(clock) || (flags & ~TIMER_ABSTIME))
		return -EINVAL;
	long err = read_request(req, &t);
	if (err)
		return err;
	if (flags & TIMER_ABSTIME) {
		struct timespec now_ts = now(clock);
		return sleep_ns(to_ns(&t) - to_ns(&now_ts), NULL);
	}
	return sleep_ns(to_ns(&t), rem);
}

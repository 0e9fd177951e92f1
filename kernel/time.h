/* kernel/time.h — wall-clock and monotonic time. */
#pragma once
#include "arch/pit.h"
#include "kernel/types.h"

#define NSEC_PER_SEC 1000000000l
#define NSEC_PER_USEC 1000l
#define TICK_NS (NSEC_PER_SEC / HZ) /* one timer tick */
/* Linux's KTIME_MAX: the latest time a clock can name, 2^63 - 1 ns (292 years). */
#define KTIME_MAX ((u64)INT64_MAX)

/* timespec64_to_ktime: a time a caller checked (sec >= 0, 0 <= nsec < 1 s)
 * in ns, saturating at KTIME_MAX: a longer sleep or timeout is one for
 * ever, as on Linux, where the plain product would overflow into a short
 * one (a signed overflow, too, in i64). */
static inline u64 timespec_to_ns(i64 sec, i64 nsec)
{
	if ((u64)sec >= KTIME_MAX / NSEC_PER_SEC)
		return KTIME_MAX;
	return (u64)sec * NSEC_PER_SEC + (u64)nsec;
}

/* ktime_add_safe: the deadline ns after now, saturating at KTIME_MAX. */
static inline u64 deadline_after(u64 now, u64 ns)
{
	return ns >= KTIME_MAX - now ? KTIME_MAX : now + ns;
}

/* Linux's struct __kernel_old_timeval (gettimeofday, select, itimers). */
struct timeval {
	i64 tv_sec, tv_usec;
};

void time_init(void);      /* read the RTC once at boot, calibrate the TSC */
u64 time_boot_epoch(void); /* seconds since 1970 at boot */
u64 time_uptime_ns(void);  /* since boot, from the TSC: monotonic, ns resolution */
u64 time_realtime_ns(void); /* CLOCK_REALTIME: ns since 1970 */

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

/* ns in clock ticks, Linux's USER_HZ (100 a second, fixed by its ABI
 * whatever the kernel's own tick): what times, /proc/PID/stat and
 * SIGCHLD's siginfo report CPU time in. */
#define NSEC_PER_CLOCK_TICK 10000000ul
static inline u64 ns_to_clock_ticks(u64 ns)
{
	return ns / NSEC_PER_CLOCK_TICK;
}

/* ns as a timeval, the microseconds rounded down (getrusage, itimers). */
static inline struct timeval ns_to_timeval(u64 ns)
{
	return (struct timeval){ (i64)(ns / NSEC_PER_SEC), (i64)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
}

/* Linux's struct __kernel_timespec. */
struct timespec {
	i64 tv_sec, tv_nsec;
};

/* Linux's clock ids (include/uapi/linux/time.h). */
enum {
	CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID,
	CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME,
	CLOCK_REALTIME_ALARM, CLOCK_BOOTTIME_ALARM, CLOCK_SGI_CYCLE, CLOCK_TAI,
};

/* The clocks the TSC drives (kernel/vvar.h), which the system calls and
 * the vDSO both read through vvar_clock_ts: the time since boot, plus the
 * epoch for the wall clocks (TAI too: no leap-second offset is set), cut
 * down to the last tick for the coarse ones, as Linux's are. */
#define CLOCK_BIT(id) (1u << (id))
#define TSC_CLOCKS (CLOCK_BIT(CLOCK_REALTIME) | CLOCK_BIT(CLOCK_MONOTONIC) |          \
		    CLOCK_BIT(CLOCK_MONOTONIC_RAW) | CLOCK_BIT(CLOCK_REALTIME_COARSE) |  \
		    CLOCK_BIT(CLOCK_MONOTONIC_COARSE) | CLOCK_BIT(CLOCK_BOOTTIME) |      \
		    CLOCK_BIT(CLOCK_TAI))
#define EPOCH_CLOCKS (CLOCK_BIT(CLOCK_REALTIME) | CLOCK_BIT(CLOCK_REALTIME_COARSE) | \
		      CLOCK_BIT(CLOCK_TAI))
#define COARSE_CLOCKS (CLOCK_BIT(CLOCK_REALTIME_COARSE) | CLOCK_BIT(CLOCK_MONOTONIC_COARSE))

static inline bool tsc_clock(int id)
{
	return (u32)id < 32 && (TSC_CLOCKS & CLOCK_BIT(id));
}

static inline bool coarse_clock(int id)
{
	return (u32)id < 32 && (COARSE_CLOCKS & CLOCK_BIT(id));
}

void time_init(void);      /* read the RTC once at boot, calibrate the TSC, fill the vvar page */
u64 time_clock_ns(int id); /* TSC clock id's reading (tsc_clock(id) is true), in ns */
void time_clock_ts(int id, struct timespec *ts); /* the same, as seconds and ns */
u64 time_epoch_ns(void);   /* CLOCK_REALTIME at boot: ns since 1970 */
u64 time_uptime_ns(void);  /* since boot, from the TSC: monotonic, ns resolution */
u64 time_realtime_ns(void); /* CLOCK_REALTIME: ns since 1970 */
u64 time_cycles_ns(u64 cycles); /* a count of TSC cycles (a span, not a time) in ns */
struct vvar;
extern struct vvar vvar;   /* the clock's state, which the vDSO reads too (kernel/vvar.h) */

/* kernel/time.h — wall-clock and monotonic time. */
#pragma once
#include "arch/pit.h"
#include "kernel/types.h"

#define NSEC_PER_SEC 1000000000l
#define NSEC_PER_USEC 1000l
#define TICK_NS (NSEC_PER_SEC / HZ) /* one timer tick */

/* Linux's struct __kernel_old_timeval (gettimeofday, select, itimers). */
struct timeval {
	i64 tv_sec, tv_usec;
};

void time_init(void);      /* read the RTC once at boot, calibrate the TSC */
u64 time_boot_epoch(void); /* seconds since 1970 at boot */
u64 time_uptime_ns(void);  /* since boot, from the TSC: monotonic, ns resolution */
u64 time_realtime_ns(void); /* CLOCK_REALTIME: ns since 1970 */

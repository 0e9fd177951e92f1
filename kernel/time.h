/* kernel/time.h — wall-clock and monotonic time. */
#pragma once
#include "kernel/types.h"

void time_init(void);      /* read the RTC once at boot, calibrate the TSC */
u64 time_boot_epoch(void); /* seconds since 1970 at boot */
u64 time_uptime_ns(void);  /* since boot, from the TSC: monotonic, ns resolution */
u64 time_realtime_ns(void); /* CLOCK_REALTIME: ns since 1970 */

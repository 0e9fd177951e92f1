/* arch/tsc.h — the time-stamp counter, calibrated at boot: the kernel's clock. */
#pragma once
#include "kernel/types.h"

void tsc_calibrate_begin(void); /* the first reading of TSC and PIT: first thing at boot */
void tsc_init(void);     /* the second reading, 1 ms or more later: the TSC's rate; interrupts off */
u64 tsc_hz(void);        /* the measured rate, in counts per second */

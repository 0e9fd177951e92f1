/* arch/tsc.h — the time-stamp counter, calibrated at boot: the kernel's clock. */
#pragma once
#include "kernel/types.h"

void tsc_init(void);     /* measure the TSC's rate against the PIT; interrupts off */
u64 tsc_hz(void);        /* the measured rate, in counts per second */

/* kernel/vvar.h — the vvar page: the clock's state, kept by the kernel
 * (kernel/time.c) and mapped read-only into every process beside the vDSO
 * (kernel/vdso.c), whose code reads it (arch/vdso/vdso.c). This header is
 * compiled into both, so the one formula that turns a TSC reading into
 * time is the same code on both sides of the line: a reading through the
 * vDSO and one through the system call are the same clock, to the
 * nanosecond (docs/memory.md, "The vDSO and the vvar page").
 *
 * The clock is a straight line in the TSC. Clock id's time, in seconds as
 * a 64.64 fixed-point number (whole seconds in the high 64 bits, the
 * fraction of a second in units of 2^-64 s in the low 64), is
 *
 *     t = tsc * mult + base[id]    (mod 2^128)
 *
 * with mult the length of one TSC cycle in 2^-64 s (2^64 / the TSC's
 * rate) and base[id] the clock's time at boot (the epoch for the wall
 * clocks, 0 for the others) less tsc_boot * mult. The seconds are the high
 * half, the fraction's carry into them done by the addition: no division
 * by 10^9 and no loop to normalise; the nanoseconds are the fraction times
 * 10^9, the high half of one more multiplication (issue 13 counts the
 * vDSO's instructions: the reading is 3 of them after rdtsc).
 *
 * The rate is measured once (arch/tsc.c) and nothing sets the clock, so
 * the line never changes: time_init writes the page once, with interrupts
 * off and before the first process exists, and a reader only loads. No
 * sequence counter, and nothing to move on at a timer tick, so no tick
 * boundary where a base and the cycles since it could disagree. Linux's
 * vvar is different on both counts: NTP steers its rate and settimeofday
 * steps it, so each tick moves a base on (seconds plus shifted ns, which
 * keeps its 64-bit products from overflowing), and its readers retry
 * around a sequence counter. A writer after boot here (settimeofday, a
 * rate correction) would need one too: it would change the fields with
 * interrupts off and then bump a counter, and a reader would note the
 * counter, read, and read again if it had moved (a process can be
 * switched out half-way through its reading); with a second CPU, a reader
 * would also wait while a writer there is half done, as Linux's do.
 *
 * A reading is never less than an earlier one without any clamp: one
 * CPU's TSC does not go back, faultline runs on one CPU, and a virtual
 * CPU's TSC does not go back either (QEMU's TCG derives it from a
 * monotonic clock; KVM offsets the host's TSC so that it does not go back
 * when the virtual CPU moves between host CPUs). A formula that only
 * multiplies a later count by the same factor cannot give less. */
#pragma once
#include "arch/x86.h"
#include "kernel/time.h"
#include "kernel/types.h"

/* The TSC clocks' ids run from CLOCK_REALTIME (0) to CLOCK_TAI (11). */
#define NCLOCK_IDS (CLOCK_TAI + 1)

typedef unsigned __int128 u128;

/* Page aligned, so a whole page of its own: nothing else of the kernel's
 * is ever shared with user space through it. base is by clock id, so that
 * a reading adds one load instead of testing which kind of clock it is. */
struct vvar {
	u64 mult;
	u128 base[NCLOCK_IDS];
} __attribute__((aligned(4096)));

/* Clock id's time at TSC reading tsc, 64.64 seconds (see above). */
static inline u128 vvar_time_at(const struct vvar *v, int id, u64 tsc)
{
	return (u128)tsc * v->mult + v->base[(u32)id];
}

/* A fraction of a second, in 2^-64 s, in whole ns: below 10^9. */
static inline u64 vvar_frac_ns(u64 frac)
{
	return (u64)(((u128)frac * NSEC_PER_SEC) >> 64);
}

/* 64.64 seconds as a timespec: whole seconds, and ns below 10^9. */
static inline struct timespec vvar_timespec(u128 t)
{
	return (struct timespec){ (i64)(t >> 64), (i64)vvar_frac_ns((u64)t) };
}

/* Clock id's reading now as clock_gettime gives it (tsc_clock(id) is
 * true). The coarse clocks are cut down to the last tick since boot, as
 * Linux's are (10^9 ns is a whole number of ticks, and each clock is a
 * whole number of seconds from the time since boot); they are the
 * unlikely branch. */
static inline void vvar_clock_ts(const struct vvar *v, int id, struct timespec *ts)
{
	*ts = vvar_timespec(vvar_time_at(v, id, rdtsc()));
	if (__builtin_expect(COARSE_CLOCKS & CLOCK_BIT(id), 0))
		ts->tv_nsec = ts->tv_nsec / TICK_NS * TICK_NS;
}

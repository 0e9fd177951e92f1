/* tests/kernel/time_test.c — the clock (the calibrated TSC, arch/tsc.c)
 * runs while interrupts are off, which a clock of timer ticks cannot, and
 * agrees with the timer ticks about how long 20 of them take. */
#include "arch/pit.h"
#include "arch/tsc.h"
#include "arch/x86.h"
#include "kernel/ktest.h"
#include "kernel/time.h"

#define MS 1000000ul

KTEST(clock_runs_with_interrupts_off)
{
	cli();
	u64 k0 = ticks(), t0 = time_uptime_ns(), c0 = rdtsc();
	while (time_uptime_ns() - t0 < 30 * MS && rdtsc() - c0 < tsc_hz()) /* 1 s at most */
		;
	u64 elapsed = time_uptime_ns() - t0;
	KEXPECT_EQ(ticks(), k0); /* no timer interrupt was taken... */
	sti();
	KEXPECT(elapsed >= 30 * MS); /* ...and yet 30 ms passed */
}

/* How long 20 timer ticks take by the clock: at least 19 whole periods
 * when the ticks come on time. A loaded host cannot make one window long
 * by much (ticks only come late), but it can make one short: QEMU's PIT
 * schedules each period from the last one's due time, so after a stall of
 * the host the missed periods are delivered back to back. A window hit by
 * such a burst is measured again (at most five windows); a rate measured
 * wrong at boot fails every one of them. More than 10 s would mean a rate
 * measured many times too low. */
static u64 twenty_ticks_ns(void)
{
	u64 k0 = ticks(), t0 = time_uptime_ns();
	while (ticks() < k0 + 20)
		hlt();
	return time_uptime_ns() - t0;
}

KTEST(clock_agrees_with_timer_ticks)
{
	KEXPECT(read_rflags() & RFLAGS_IF);
	u64 elapsed = 0;
	for (int window = 0; window < 5 && elapsed < 19 * 1000 * MS / HZ; window++)
		elapsed = twenty_ticks_ns();
	KEXPECT(elapsed >= 19 * 1000 * MS / HZ);
	KEXPECT(elapsed < 10000 * MS);
}

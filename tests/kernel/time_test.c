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

/* A busy host delays ticks (20 of them took up to 700 ms on a loaded
 * machine) but cannot make them early, so 20 ticks (at least 19 whole
 * periods) are at least 190 ms of clock; more than 10 s would mean a rate
 * measured many times too low. */
KTEST(clock_agrees_with_timer_ticks)
{
	KEXPECT(read_rflags() & RFLAGS_IF);
	u64 k0 = ticks(), t0 = time_uptime_ns();
	while (ticks() < k0 + 20)
		hlt();
	u64 elapsed = time_uptime_ns() - t0;
	KEXPECT(elapsed >= 19 * 1000 * MS / HZ);
	KEXPECT(elapsed < 10000 * MS);
}

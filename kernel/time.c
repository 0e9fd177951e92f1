/* kernel/time.c — the CMOS real-time clock, read once at boot, plus the
 * time since then from the calibrated TSC (arch/tsc.c): nanosecond
 * resolution, monotonic, and running on during a long system call.
 *
 * The clock's state lives in the vvar page (kernel/vvar.h), which every
 * process also maps read-only, so the vDSO computes the same time from the
 * same numbers without entering the kernel. It is written once, here,
 * with interrupts still off and before the first process. */
#include "kernel/time.h"
#include "arch/tsc.h"
#include "arch/x86.h"
#include "kernel/printk.h"
#include "kernel/vvar.h"

#define CMOS_ADDR 0x70
#define CMOS_DATA 0x71

struct vvar vvar;
static u64 epoch_sec; /* CLOCK_REALTIME at boot, in whole seconds (the RTC's) */

static u8 cmos(u8 reg)
{
	outb(CMOS_ADDR, reg);
	return inb(CMOS_DATA);
}

static u32 bcd(u8 v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 15);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static u64 days_since_epoch(u32 y, u32 m, u32 d)
{
	y -= m <= 2;
	u64 era = y / 400, yoe = y - era * 400;
	u64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	u64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void time_init(void)
{
	while (cmos(0x0a) & 0x80) /* update in progress: the fields may be torn */
		;
	bool binary = cmos(0x0b) & 0x04;
	u32 sec = bcd(cmos(0x00), binary), min = bcd(cmos(0x02), binary);
	u32 hour = bcd(cmos(0x04) & 0x7f, binary), day = bcd(cmos(0x07), binary);
	u32 mon = bcd(cmos(0x08), binary), year = bcd(cmos(0x09), binary) + 2000;
	u64 epoch = days_since_epoch(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
	tsc_init();
	/* One cycle in 2^-64 s: 2^64 / rate, as (2^64 - 1) / rate, which
	 * differs only for a rate that is a power of two, by 2^-64 s. */
	u64 mult = ~0ul / tsc_hz(), tsc_boot = rdtsc();
	epoch_sec = epoch;
	vvar.mult = mult;
	for (int id = 0; id < NCLOCK_IDS; id++) {
		u64 at_boot = (EPOCH_CLOCKS & CLOCK_BIT(id)) ? epoch : 0; /* seconds */
		vvar.base[id] = ((u128)at_boot << 64) - (u128)tsc_boot * mult;
	}
	pr_info("clock: TSC at %lu kHz, measured against the PIT\n", tsc_hz() / 1000);
}

u64 time_epoch_ns(void)
{
	return epoch_sec * NSEC_PER_SEC;
}

/* The same reader as the vDSO's, so the two paths are one clock. */
void time_clock_ts(int id, struct timespec *ts)
{
	vvar_clock_ts(&vvar, id, ts);
}

static u64 ns_of(struct timespec ts)
{
	return (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
}

u64 time_clock_ns(int id)
{
	struct timespec ts;
	time_clock_ts(id, &ts);
	return ns_of(ts);
}

u64 time_uptime_ns(void)
{
	return time_clock_ns(CLOCK_MONOTONIC);
}

/* The clock's own conversion, on a span: cycles * mult is the span in
 * 64.64 seconds. */
u64 time_cycles_ns(u64 cycles)
{
	return ns_of(vvar_timespec((u128)cycles * vvar.mult));
}

u64 time_realtime_ns(void)
{
	return time_epoch_ns() + time_uptime_ns();
}

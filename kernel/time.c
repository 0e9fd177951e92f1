/* kernel/time.c — the CMOS real-time clock, read once at boot, plus the
 * time since then from the calibrated TSC (arch/tsc.c): nanosecond
 * resolution, monotonic, and running on during a long system call.
 *
 * The clock's state lives in the vvar page (kernel/vvar.h), which every
 * process also maps read-only, so the vDSO computes the same time from the
 * same numbers without entering the kernel. */
#include "kernel/time.h"
#include "arch/tsc.h"
#include "arch/x86.h"
#include "kernel/printk.h"
#include "kernel/vvar.h"

#define CMOS_ADDR 0x70
#define CMOS_DATA 0x71

struct vvar vvar;

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
	vvar.seq++; /* odd: a reader retries (see kernel/vvar.h) */
	asm volatile("" ::: "memory");
	vvar.clock = (struct vvar_clock){ .tsc_boot = rdtsc(), .mult = (NSEC_PER_SEC << 32) / tsc_hz() };
	for (int id = 0; id < NCLOCK_IDS; id++)
		if (EPOCH_CLOCKS & CLOCK_BIT(id))
			vvar.clock.offset_ns[id] = epoch * NSEC_PER_SEC;
	asm volatile("" ::: "memory");
	vvar.seq++;
	pr_info("clock: TSC at %lu kHz, measured against the PIT\n", tsc_hz() / 1000);
}

u64 time_epoch_ns(void)
{
	return vvar.clock.offset_ns[CLOCK_REALTIME];
}

/* The same reader as the vDSO's, so the two paths are one clock. */
u64 time_clock_ns(int id)
{
	return vvar_clock_ns(&vvar, id);
}

u64 time_uptime_ns(void)
{
	return time_clock_ns(CLOCK_MONOTONIC);
}

u64 time_cycles_ns(u64 cycles)
{
	return vvar_cycles_ns(vvar.clock.mult, cycles);
}

u64 time_realtime_ns(void)
{
	return time_epoch_ns() + time_uptime_ns();
}

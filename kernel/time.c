/* kernel/time.c — the CMOS real-time clock, read once at boot, plus the
 * time since then from the calibrated TSC (arch/tsc.c): nanosecond
 * resolution, monotonic, and running on during a long system call. */
#include "kernel/time.h"
#include "arch/tsc.h"
#include "arch/x86.h"
#include "kernel/printk.h"

#define CMOS_ADDR 0x70
#define CMOS_DATA 0x71

static u64 boot_epoch;

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
	boot_epoch = days_since_epoch(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
	tsc_init();
	pr_info("clock: TSC at %lu kHz, measured against the PIT\n", tsc_hz() / 1000);
}

u64 time_boot_epoch(void)
{
	return boot_epoch;
}

u64 time_uptime_ns(void)
{
	return tsc_ns();
}

u64 time_realtime_ns(void)
{
	return boot_epoch * 1000000000ul + tsc_ns();
}

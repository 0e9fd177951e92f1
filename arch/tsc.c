/* arch/tsc.c — the time-stamp counter as the clock. The timer tick only
 * advances while interrupts are taken, and the kernel runs with them off,
 * so a clock made of ticks stands still during a long system call; the
 * TSC counts on regardless (Linux's clocksource is the TSC for the same
 * reason). Its rate is not architectural, so it is measured once at boot
 * against the PIT's channel 2, whose input is a fixed 1.193182 MHz.
 *
 * The measurement takes two readings of both counters and divides. What
 * happens between them does not matter (both counters run on if QEMU is
 * descheduled by its host); only the readings must be taken close
 * together, so each is the best of several: the one whose two TSC reads
 * around the PIT's latch command were nearest each other.
 *
 * The first reading is taken as kmain starts and the second once the
 * clock is needed (time_init), at least 1 ms later: the boot's own work
 * (the frame map, the kernel's page tables, clearing the screen) fills the
 * window instead of a spin. A reading is good to about a PIT count
 * (0.84 us), so 1 ms gives the rate to about 0.2 %; the spin is what
 * -icount counts (1 ms = 1,000,000 instructions), which is why the window
 * is not the 10 ms of a dedicated measurement (docs/performance.md).
 * Channel 2 counts 16 bits, 54.9 ms: a stall of more than that between the
 * readings (a loaded host stalls QEMU for tens of milliseconds now and
 * then) makes it reach its terminal count, and the rate is then measured
 * again on its own, over 10 ms. */
#include "arch/tsc.h"
#include "arch/x86.h"
#include "kernel/printk.h"

#define PIT_HZ 1193182
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_B 0x61      /* bit 0: channel 2 gate; bit 1: speaker; bit 5: channel 2 output */
#define START 0xffff     /* channel 2 counts down from here: 54.9 ms to the terminal count */
#define BOOT_WINDOW 1193  /* PIT counts between the readings at least, at boot: 1 ms */
#define RETRY_WINDOW 11932 /* ... when measured on its own: 10 ms */
#define TRIES 5          /* readings to take the best of */
#define MEASUREMENTS 100 /* at most, until one was not spoilt by a wrap */

static u64 rate;

struct reading {
	u64 tsc, spread; /* the TSC when the count was latched, and the uncertainty */
	u16 count;
};

static struct reading read_once(void)
{
	u64 before = rdtsc();
	outb(PIT_CMD, 0x80); /* latch channel 2's count */
	u64 after = rdtsc();
	u16 lo = inb(PIT_CH2), hi = inb(PIT_CH2);
	return (struct reading){ before + (after - before) / 2, after - before, (u16)(lo | hi << 8) };
}

static struct reading read_best(void)
{
	struct reading best = read_once();
	for (int i = 1; i < TRIES; i++) {
		struct reading r = read_once();
		if (r.spread < best.spread)
			best = r;
	}
	return best;
}

static struct reading first; /* the first reading, from tsc_calibrate_begin */

void tsc_calibrate_begin(void)
{
	outb(PORT_B, (u8)((inb(PORT_B) & ~0x02) | 0x01)); /* gate high, speaker off */
	outb(PIT_CMD, 0xb0);                             /* channel 2, lo/hi byte, mode 0 */
	outb(PIT_CH2, START & 0xff);
	outb(PIT_CH2, START >> 8);
	first = read_best();
}

/* TSC counts per second from the first reading to one at least 'window'
 * PIT counts later, or 0 if channel 2 reached its terminal count (mode 0's
 * output goes high there) before the second reading. */
static u64 measure_since_first(int window)
{
	struct reading b;
	do
		b = read_best();
	while ((int)first.count - (int)b.count < window && !(inb(PORT_B) & 0x20));
	if ((inb(PORT_B) & 0x20) || b.count >= first.count)
		return 0;
	return (b.tsc - first.tsc) * PIT_HZ / (u64)(first.count - b.count);
}

void tsc_init(void)
{
	rate = measure_since_first(BOOT_WINDOW);
	for (int i = 0; i < MEASUREMENTS && !rate; i++) {
		tsc_calibrate_begin();
		rate = measure_since_first(RETRY_WINDOW);
	}
	if (!rate)
		panic("tsc: the PIT's channel 2 never gave a measurement");
}

u64 tsc_hz(void)
{
	return rate;
}

/* arch/pit.c — the 8254 programmable interval timer, channel 0, as a periodic
 * HZ interrupt on IRQ 0. It exists on every PC and in every QEMU machine,
 * which makes it the simplest honest clock for a teaching kernel. */
#include "arch/pit.h"
#include "arch/pic.h"
#include "arch/x86.h"

#define PIT_HZ 1193182
#define PIT_CH0 0x40
#define PIT_CMD 0x43

static volatile u64 nticks;

void pit_init(void)
{
	u16 divisor = PIT_HZ / HZ;
	outb(PIT_CMD, 0x34); /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
	pic_unmask(0);
}

void pit_tick(void)
{
	nticks++;
}

u64 ticks(void)
{
	return nticks;
}

/* arch/traps.c — where every interrupt and exception lands after
 * arch/isr.asm has saved the registers: the one place that decides what
 * each vector means. */
#include "arch/trapframe.h"
#include "arch/oops.h"
#include "arch/pic.h"
#include "arch/pit.h"
#include "mm/fault.h"

static void irq(int line)
{
	if (line == 0)
		pit_tick();
	pic_eoi(line);
}

void trap(struct trapframe *tf)
{
	if (tf->vector >= T_IRQ0 && tf->vector < T_IRQ0 + 16) {
		irq((int)(tf->vector - T_IRQ0));
		return;
	}
	if (tf->vector == T_PF) {
		page_fault(tf);
		return;
	}
	oops(tf, 0);
}

/* arch/pic.c — the two cascaded 8259 PICs. At reset they deliver IRQs 0..15
 * on vectors 8..15 and 0x70..0x77, colliding with CPU exceptions (IRQ0 would
 * look like a #DF), so they are re-initialised to vectors 32..47, with every
 * line masked until a driver unmasks it. */
#include "arch/pic.h"
#include "arch/trapframe.h"
#include "arch/x86.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PIC_EOI 0x20

void pic_init(void)
{
	outb(PIC1_CMD, 0x11); /* ICW1: init, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, T_IRQ0);      /* ICW2: vector base */
	outb(PIC2_DATA, T_IRQ0 + 8);
	outb(PIC1_DATA, 1 << 2);      /* ICW3: slave on line 2 */
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 0x01);        /* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	outb(PIC1_DATA, 0xff & ~(1 << 2)); /* all masked but the cascade */
	outb(PIC2_DATA, 0xff);
}

void pic_unmask(int irq)
{
	u16 port = irq < 8 ? PIC1_DATA : PIC2_DATA;
	outb(port, inb(port) & ~(1 << (irq % 8)));
}

void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}

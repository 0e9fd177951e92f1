/* arch/idt.c — points all 32 exception vectors and the 16 legacy IRQ vectors
 * at the stubs in arch/isr.asm. All are interrupt gates (IF cleared on entry),
 * so a handler is never interrupted before it has saved state. #BP and #OF
 * have DPL 3, as Linux's do, so that int3 (and `int $3`, `int $4`) from ring 3
 * reach their handlers; an `int $n` for any other gate has DPL 0 and is #GP.
 * (`into` is #UD in 64-bit mode before any gate is looked at.) NMI, #DF and
 * #MC switch to their own IST stacks (they can arrive when the current stack
 * is unusable) once the TSS that holds those stacks is loaded: an IST index
 * without a TSS would turn the exception into a triple fault. */
#include "arch/idt.h"
#include "arch/gdt.h"
#include "arch/trapframe.h"
#include "kernel/types.h"

struct PACKED gate {
	u16 off_lo, sel;
	u8 ist, type;
	u16 off_mid;
	u32 off_hi, reserved;
};

struct PACKED idtr {
	u16 limit;
	u64 base;
};

#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3 0x60      /* ... that ring 3 may name in an INT instruction */

extern const u64 isr_table[NVECTORS];
static struct gate idt[256];

static void set_gate(int v, u64 handler, u8 ist)
{
	idt[v] = (struct gate){ (u16)handler, KERNEL_CS, ist, GATE_INTERRUPT,
				(u16)(handler >> 16), (u32)(handler >> 32), 0 };
}

void idt_init(void)
{
	for (int v = 0; v < NVECTORS; v++)
		set_gate(v, isr_table[v], 0);
	idt[T_BP].type |= GATE_DPL3;
	idt[T_OF].type |= GATE_DPL3;
	struct idtr idtr = { sizeof(idt) - 1, (u64)idt };
	asm volatile("lidt %0" : : "m"(idtr));
}

void idt_use_ist(void)
{
	idt[T_NMI].ist = IST_NMI;
	idt[T_DF].ist = IST_DF;
	idt[T_MC].ist = IST_MC;
}

/* arch/gdt.c — the GDT and the TSS. In long mode segments are mostly vestigial
 * (base 0, no limit), but the descriptors still carry the privilege level and
 * the 64-bit flag, and the TSS still supplies the stack pointers the CPU
 * switches to: rsp0 on entry from ring 3, and IST stacks for the exceptions
 * that must run on a known-good stack (#DF after a kernel stack overflow,
 * NMI and #MC, which can arrive anywhere). */
#include "arch/gdt.h"
#include "kernel/printk.h"
#include "mm/kstack.h"

struct PACKED tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
};

struct PACKED gdtr {
	u16 limit;
	u64 base;
};

static struct tss tss;
static u64 gdt[10] = {
	[1] = 0x00cf9a000000ffff, /* kernel 32-bit code: unused, keeps Linux's numbering */
	[2] = 0x00af9a000000ffff, /* KERNEL_CS: 64-bit, DPL 0 */
	[3] = 0x00cf92000000ffff, /* KERNEL_DS */
	[4] = 0x00cffa000000ffff, /* USER32_CS: DPL 3 */
	[5] = 0x00cff2000000ffff, /* USER_DS: DPL 3 */
	[6] = 0x00affa000000ffff, /* USER_CS: 64-bit, DPL 3 */
	/* [8], [9]: the 16-byte TSS descriptor, filled in below */
};

static void set_tss_descriptor(void)
{
	u64 base = (u64)&tss, limit = sizeof(tss) - 1;
	gdt[8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ul << 40) |
		 (((base >> 24) & 0xff) << 56);
	gdt[9] = base >> 32;
}

void gdt_init(void)
{
	tss.iomap_base = sizeof(tss); /* no I/O permission bitmap: ring 3 gets no ports */
	tss.ist[IST_NMI - 1] = kstack_alloc();
	tss.ist[IST_DF - 1] = kstack_alloc();
	tss.ist[IST_MC - 1] = kstack_alloc();
	set_tss_descriptor();

	struct gdtr gdtr = { sizeof(gdt) - 1, (u64)gdt };
	asm volatile("lgdt %0" : : "m"(gdtr));
	/* Reload CS with a far return, then the data segments. */
	asm volatile("pushq %0\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movw %w1, %%ds\n\t"
		     "movw %w1, %%es\n\t"
		     "movw %w1, %%ss\n\t"
		     : : "i"(KERNEL_CS), "r"(KERNEL_DS) : "rax", "memory");
	asm volatile("ltr %w0" : : "r"(TSS_SEL));
}

void tss_set_rsp0(u64 rsp0)
{
	tss.rsp[0] = rsp0;
}

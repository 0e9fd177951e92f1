/* arch/cpu.c — CPUID feature detection and the control-register bits that
 * the user/kernel boundary depends on:
 *   EFER.NXE  page-table NX bits are honoured (without it bit 63 is reserved
 *             and every NX mapping would fault);
 *   CR0.WP    ring 0 respects read-only pages (W^X for kernel text, and later
 *             copy-on-write pages written through copy_to_user);
 *   CR4.SMEP  ring 0 cannot execute user pages (no ret2usr);
 *   CR4.SMAP  ring 0 cannot read or write user pages unless RFLAGS.AC is set,
 *             which only the uaccess primitives do (STAC/CLAC);
 *   CR4.OSFXSR/OSXMMEXCPT  SSE for user programs;
 *   IA32_PAT  entry 1 made write-combining, for device memory in user space. */
#include "arch/cpu.h"
#include "arch/x86.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/string.h"

struct cpu_features cpu;

static void detect(void)
{
	u32 a, b, c, d, max;
	cpuid(0, 0, &max, &b, &c, &d);
	memcpy(cpu.vendor, &b, 4);
	memcpy(cpu.vendor + 4, &d, 4);
	memcpy(cpu.vendor + 8, &c, 4);
	cpuid(1, 0, &a, &b, &c, &d);
	cpu.pcid = c & (1u << 17);
	cpu.rdrand = c & (1u << 30);
	cpu.pge = d & (1u << 13);
	cpu.pat = d & (1u << 16);
	if (max >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		cpu.smep = b & (1u << 7);
		cpu.erms = b & (1u << 9);
		cpu.smap = b & (1u << 20);
		cpu.fsrm = d & (1u << 4);
	}
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	cpu.nx = d & (1u << 20);
}

/* STAC and CLAC (arch/extable.inc) raise #UD on a CPU without SMAP. Before
 * the kernel's own page tables make the text read-only, overwrite every
 * recorded site with a 3-byte NOP: the uaccess routines then run unchanged. */
static void patch_out_stac_clac(void)
{
	extern u8 *const __start_smap_sites[], *const __stop_smap_sites[];
	static const u8 nop3[3] = { 0x0f, 0x1f, 0x00 };
	for (u8 *const *site = __start_smap_sites; site < __stop_smap_sites; site++)
		memcpy(*site, nop3, sizeof(nop3));
}

/* A PTE picks one of eight PAT entries with its PAT, PCD and PWT bits
 * (index = PAT*4 + PCD*2 + PWT). The reset value makes entry 1 (PWT alone)
 * write-through; faultline, like Linux, makes it write-combining (type 1)
 * and leaves the others alone, so PCD|PWT (entry 3) stays uncached for
 * ioremap(). Done before any entry with PWT alone exists, so no cached
 * line or TLB entry can have the old type (Intel SDM 11.12.4 asks for that). */
#define PAT_WC 0x01ul
static void pat_init(void)
{
	wrmsr(MSR_PAT, (rdmsr(MSR_PAT) & ~(0xfful << 8)) | (PAT_WC << 8));
}

void cpu_init(void)
{
	detect();
	if (!cpu.smap)
		patch_out_stac_clac();
	if (cpu.nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0((read_cr0() | CR0_WP | CR0_MP) & ~CR0_EM);
	/* User programs use SSE (musl does, for memcpy and floating point): the
	 * OS promises to save the FXSAVE state on every switch (kernel/sched.c).
	 * The kernel itself is built -mgeneral-regs-only and never touches it. */
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	if (cpu.pge)
		write_cr4(read_cr4() | CR4_PGE);
	if (cpu.pat)
		pat_init();
}

void cpu_protect(void)
{
	if (cpu.smep && !cmdline_has("nosmep"))
		write_cr4(read_cr4() | CR4_SMEP);
	if (cpu.smap && !cmdline_has("nosmap"))
		write_cr4(read_cr4() | CR4_SMAP);
}

static const char *state(bool has, u64 cr4_bit)
{
	if (!has)
		return "absent";
	if (!cr4_bit)
		return "yes";
	return (read_cr4() & cr4_bit) ? "enabled" : "off";
}

void cpu_print(void)
{
	pr_info("cpu: %s nx=%s smep=%s smap=%s erms=%s fsrm=%s pcid=%s rdrand=%s pat=%s\n", cpu.vendor,
	       cpu.nx ? "enabled" : "absent", state(cpu.smep, CR4_SMEP), state(cpu.smap, CR4_SMAP),
	       state(cpu.erms, 0), state(cpu.fsrm, 0), state(cpu.pcid, 0), state(cpu.rdrand, 0),
	       state(cpu.pat, 0));
}

/* For the screen's boot summary (kernel/bootsummary.c). */
void cpu_print_protections(void)
{
	printk_screen("  CPU:    NX %s, SMEP %s, SMAP %s\n", cpu.nx ? "enabled" : "absent",
		      state(cpu.smep, CR4_SMEP), state(cpu.smap, CR4_SMAP));
}

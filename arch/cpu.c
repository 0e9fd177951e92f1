/* arch/cpu.c — CPUID feature detection and the control-register bits that
 * the user/kernel boundary depends on:
 *   EFER.NXE  page-table NX bits are honoured (without it bit 63 is reserved
 *             and every NX mapping would fault);
 *   CR0.WP    ring 0 respects read-only pages (W^X for kernel text, and later
 *             copy-on-write pages written through copy_to_user);
 *   CR4.SMEP  ring 0 cannot execute user pages (no ret2usr);
 *   CR4.SMAP  ring 0 cannot read or write user pages unless RFLAGS.AC is set,
 *             which only the uaccess primitives do (STAC/CLAC). */
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

void cpu_init(void)
{
	detect();
	if (cpu.nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0(read_cr0() | CR0_WP);
	if (cpu.pge)
		write_cr4(read_cr4() | CR4_PGE);
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
	pr_info("cpu: %s nx=%s smep=%s smap=%s erms=%s fsrm=%s pcid=%s rdrand=%s\n", cpu.vendor,
	       cpu.nx ? "enabled" : "absent", state(cpu.smep, CR4_SMEP), state(cpu.smap, CR4_SMAP),
	       state(cpu.erms, 0), state(cpu.fsrm, 0), state(cpu.pcid, 0), state(cpu.rdrand, 0));
}

/* arch/oops.c — the kernel's last words. An unexpected exception in ring 0
 * prints everything needed to find the bug without a debugger: which
 * exception, its error code decoded, the faulting address, every register,
 * and the chain of callers found by following saved frame pointers (the
 * kernel is built with -fno-omit-frame-pointer), each named from the symbol
 * table embedded at build time. Never a silent triple fault. */
#include "arch/oops.h"
#include "arch/x86.h"
#include "kernel/ksyms.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "mm/kstack.h"
#include "mm/vm.h"

static const char *const names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available", "#DF double fault",
	"coprocessor segment overrun", "#TS invalid TSS", "#NP segment not present",
	"#SS stack fault", "#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check", "#XM SIMD error",
	"#VE virtualization", "#CP control protection", "reserved 22", "reserved 23",
	"reserved 24", "reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

const char *trap_name(u64 vector)
{
	return vector < 32 ? names[vector] : "interrupt";
}

/* The #PF error code (SDM vol. 3 §4.7): which access, by whom, and why. */
void describe_pf_error(u64 e, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s %s%s%s%s%s", (e & 1) ? "protection-violation" : "not-present",
		 (e & 16) ? "instruction-fetch" : (e & 2) ? "write" : "read",
		 (e & 4) ? "user" : "kernel", (e & 8) ? " reserved-bit" : "",
		 (e & 32) ? " protection-key" : "", (e & 64) ? " shadow-stack" : "",
		 (e & 0x8000) ? " sgx" : "");
}

static bool mapped(u64 va)
{
	u64 pa, flags;
	return translate(phys_to_virt(read_cr3() & PTE_ADDR_MASK), va, &pa, &flags);
}

void backtrace(u64 rip, u64 rbp)
{
	printk("Call trace:\n");
	printk("  [<%016lx>] %s\n", rip, ksym_format(rip));
	for (int depth = 0; depth < 20; depth++) {
		if (rbp < DIRECT_MAP)
			break; /* frames are only followed inside kernel memory */
		if (rbp % 8 || !mapped(rbp) || !mapped(rbp + 8))
			break;
		const u64 *frame = (const u64 *)rbp;
		if (!frame[1])
			break;
		printk("  [<%016lx>] %s\n", frame[1], ksym_format(frame[1]));
		rbp = frame[0];
	}
}

/* Whose kernel stack ends at top: a process's (a thread's), the boot
 * stack, or one of the IST stacks the TSS holds. */
static void stack_owner(u64 top, char *buf, size_t size)
{
	for_each_proc(p) {
		if (p->kstack == top) {
			snprintf(buf, size, "pid %d (%s)", p->pid, p->name);
			return;
		}
	}
	snprintf(buf, size, "%s", top == kstack_boot ? "the boot stack (kmain, the scheduler)"
						     : "an exception stack (IST)");
}

/* A kernel stack overflow: the stack pointer ran into the guard page below
 * a kernel stack. The #PF that follows cannot push its frame there, so the
 * CPU raises #DF instead, which runs on its own IST stack (arch/idt.c) and
 * lands here; CR2 still holds the guard address. Say so, and whose. */
static void overflow_report(u64 cr2, u64 rsp)
{
	u64 top = kstack_guard_top(cr2);
	if (!top)
		top = kstack_guard_top(rsp);
	if (!top)
		return;
	char owner[48];
	stack_owner(top, owner, sizeof(owner));
	printk("kernel stack overflow: RSP %016lx ran into the guard page below the kernel stack "
	       "of %s (top %016lx)\n", rsp, owner, top);
}

static void print_regs(const struct trapframe *tf)
{
	printk("RIP: %04lx:%016lx %s\n", tf->cs, tf->rip, ksym_format(tf->rip));
	printk("RSP: %04lx:%016lx RFLAGS: %08lx\n", tf->ss, tf->rsp, tf->rflags);
	printk("RAX: %016lx RBX: %016lx RCX: %016lx\n", tf->rax, tf->rbx, tf->rcx);
	printk("RDX: %016lx RSI: %016lx RDI: %016lx\n", tf->rdx, tf->rsi, tf->rdi);
	printk("RBP: %016lx R08: %016lx R09: %016lx\n", tf->rbp, tf->r8, tf->r9);
	printk("R10: %016lx R11: %016lx R12: %016lx\n", tf->r10, tf->r11, tf->r12);
	printk("R13: %016lx R14: %016lx R15: %016lx\n", tf->r13, tf->r14, tf->r15);
	printk("CR0: %016lx CR3: %016lx CR4: %016lx\n", read_cr0(), read_cr3(), read_cr4());
}

void oops(struct trapframe *tf, u64 addr, const char *reason)
{
	static int depth;
	if (depth++) /* the oops itself faulted: say so and stop before recursing */
		panic("fault while reporting a fault: %s at %lx", trap_name(tf->vector), tf->rip);

	char why[128] = "";
	if (tf->vector == T_PF)
		describe_pf_error(tf->error, why, sizeof(why));
	printk("KERNEL OOPS: %s, error %lx%s%s%s\n", trap_name(tf->vector), tf->error,
	       *why ? " [" : "", why, *why ? "]" : "");
	if (tf->vector == T_PF || tf->vector == T_DF) {
		u64 cr2 = addr ? addr : read_cr2();
		printk("CR2: %016lx (fault address)\n", cr2);
		overflow_report(cr2, tf->rsp);
	}
	if (reason)
		printk("%s, in %s\n", reason, ksym_format(tf->rip));
	print_regs(tf);
	backtrace(tf->rip, tf->rbp);
	depth = 0;
	ktest_fault(tf, addr);
	panic("fatal exception in kernel mode");
}

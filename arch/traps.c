/* arch/traps.c — where every interrupt and exception lands after
 * arch/isr.asm has saved the registers: the one place that decides what
 * each vector means. Exceptions from ring 3 cost the process a signal;
 * exceptions in ring 0 are kernel bugs, except a #GP inside a uaccess
 * routine (a non-canonical user pointer faults with #GP, not #PF). */
#include "arch/oops.h"
#include "arch/pic.h"
#include "arch/pit.h"
#include "arch/trapframe.h"
#include "kernel/cputime.h"
#include "kernel/exit_work.h"
#include "kernel/drivers/ps2kbd.h"
#include "kernel/drivers/screen.h"
#include "kernel/drivers/virtio_blk.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "mm/extable.h"
#include "mm/fault.h"

static void irq(int line)
{
	if (line == 0) {
		pit_tick();
		screen_flush(false);
	} else if (line == 1) {
		ps2kbd_intr();
	} else {
		virtio_blk_intr(line);
	}
	pic_eoi(line);
}

/* Leaving for ring 3: end the time slice on a timer tick, and let a
 * process that was killed meanwhile die instead of going back. */
static void to_user(const struct trapframe *tf)
{
	if (tf->vector == T_IRQ0)
		yield();
	return_to_user();
}

/* IRETQ faults in ring 0, on the kernel stack, when the frame it returns
 * to is bad (a non-canonical RIP): the process asked for an impossible
 * return, so it dies of SIGSEGV, as Linux's bad-IRET fixup arranges. The
 * SWAPGS just before IRETQ already gave GS to the user: take it back. */
static void bad_iret(struct trapframe *tf)
{
	const u64 *frame = (const u64 *)tf->rsp; /* RIP, CS, RFLAGS, RSP, SS being returned to */
	asm volatile("swapgs");
	struct proc *p = myproc();
	printk("faultline: %s[%d] killed by SIGSEGV: return to a non-canonical rip %lx\n", p->name,
	       p->pid, frame[0]);
	proc_exit(SIGSEGV);
}

/* The signal Linux sends for each exception raised in ring 3, with its
 * si_code and si_addr (arch/x86/kernel/traps.c): the faulting instruction
 * for a divide error or an invalid opcode, nothing (SI_KERNEL) for int3,
 * a #GP or the segment faults. Page faults are mm/fault.c's. */
static void user_trap(struct trapframe *tf)
{
	switch (tf->vector) {
	case T_DE: user_fault(tf, SIGFPE, FPE_INTDIV, tf->rip); break;
	case T_MF: case T_XM: user_fault(tf, SIGFPE, SI_KERNEL, tf->rip); break;
	case T_UD: user_fault(tf, SIGILL, ILL_ILLOPN, tf->rip); break;
	case T_DB: user_fault(tf, SIGTRAP, TRAP_TRACE, tf->rip); break;
	case T_BP: user_fault(tf, SIGTRAP, SI_KERNEL, 0); break;
	case T_AC: user_fault(tf, SIGBUS, BUS_ADRALN, 0); break;
	case T_NP: case T_SS: user_fault(tf, SIGBUS, SI_KERNEL, 0); break;
	default: user_fault(tf, SIGSEGV, SI_KERNEL, 0);
	}
}

static void kernel_gp(struct trapframe *tf)
{
	if (tf->rip == (u64)trap_iret && myproc() && (((const u64 *)tf->rsp)[1] & 3) == 3)
		bad_iret(tf);
	const struct extable_entry *e = extable_search(tf->rip);
	if (!e)
		oops(tf, 0, NULL);
	extable_fixup(tf, e, 0); /* #GP reports no address */
}

void trap(struct trapframe *tf)
{
	if (user_mode(tf)) {
		struct proc *p = myproc();
		cputime_charge(p, true);
		p->syscall_nr = -1; /* entered by no system call: nothing to restart (Linux's orig_ax) */
	}
	if (tf->vector >= T_IRQ0 && tf->vector < T_IRQ0 + 16)
		irq((int)(tf->vector - T_IRQ0));
	else if (tf->vector == T_PF)
		page_fault(tf);
	else if (user_mode(tf))
		user_trap(tf);
	else if (tf->vector == T_GP)
		kernel_gp(tf);
	else
		oops(tf, 0, NULL);
	if (user_mode(tf))
		to_user(tf);
}

/* arch/syscall.c — setting up SYSCALL/SYSRET, and the C half of the entry
 * (arch/syscall_entry.asm dispatches by number itself): the slow way out,
 * and whether SYSRET may take it. */
#include "arch/gdt.h"
#include "arch/percpu.h"
#include "arch/syscall.h"
#include "arch/trapframe.h"
#include "arch/x86.h"
#include "kernel/exit_work.h"
#include "kernel/syscall.h"
#include "mm/layout.h"

extern void syscall_entry(void);

#define RFLAGS_TF (1ul << 8)
#define RFLAGS_DF (1ul << 10)
#define RFLAGS_NT (1ul << 14)
#define RFLAGS_RF (1ul << 16)
#define RFLAGS_IOPL (3ul << 12)

void syscall_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* SYSCALL loads CS = STAR[47:32], SS = +8; SYSRET loads CS = STAR[63:48]
	 * + 16 and SS = +8, both with RPL 3: hence Linux's GDT order. */
	wrmsr(MSR_STAR, ((u64)USER32_CS << 48) | ((u64)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (u64)syscall_entry);
	wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT | RFLAGS_IOPL);
}

/* SYSRET restores RIP from RCX and RFLAGS from R11 and cannot restore RF or
 * a pending TF; and the RIP must be a user address below TASK_SIZE_MAX, which
 * also rules out every non-canonical one. Anything else returns with IRETQ,
 * like Linux's do_syscall_64. Every return from a system call asks, so
 * the equalities are folded into one word (any difference leaves a bit
 * set) and one test, instead of a compare and a branch each. */
bool sysret_safe(const struct trapframe *tf)
{
	u64 differ = (tf->rcx ^ tf->rip) | (tf->r11 ^ tf->rflags) | (tf->cs ^ USER_CS) |
		     (tf->ss ^ USER_DS) | (tf->rflags & (RFLAGS_RF | RFLAGS_TF));
	return !differ && tf->rip < TASK_SIZE_MAX;
}

/* The way out of a system call when the fast path in
 * arch/syscall_entry.asm cannot take it: a bit in the thread's work word,
 * or a trap flag in the user's RFLAGS. The CPU time is charged already.
 * exit_work() may deliver a signal (a new RIP, so RCX no longer matches)
 * or restart the call; execve and rt_sigreturn rewrote the whole frame.
 * True if SYSRETQ can return to what the frame says now. */
bool syscall_exit_slow(struct trapframe *tf)
{
	exit_work(myproc());
	return sysret_safe(tf);
}

/* arch/syscall.c — setting up SYSCALL/SYSRET, and the C half of the entry:
 * dispatch by number, then decide how to return. */
#include "arch/gdt.h"
#include "arch/percpu.h"
#include "arch/syscall.h"
#include "arch/trapframe.h"
#include "arch/x86.h"
#include "kernel/cputime.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "mm/layout.h"

extern void syscall_entry(void);
extern const syscall_fn syscall_table[];
extern const u64 syscall_count;

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

/* The number is the low 32 bits of RAX, unsigned, as Linux's do_syscall_64
 * reads it: RAX = (1 << 32) | 39 is getpid, 0xffffffff is -ENOSYS. The
 * whole RAX is kept (Linux's orig_ax) for a restart after a signal; a
 * delivered signal changes RIP and RCX no longer matches, so the way back
 * is IRETQ (sysret_safe). tf is the process's frame (p->tf: the top of its
 * kernel stack, where syscall_entry builds it), also after an execve, which
 * rewrites it in place: so it is tested as it is, without reloading p. */
bool syscall_dispatch(struct trapframe *tf)
{
	u32 nr = (u32)tf->rax;
	struct proc *p = myproc();
	cputime_charge(p, true);
	p->syscall_nr = (long)tf->rax;
	syscall_fn fn = nr < syscall_count ? syscall_table[nr] : NULL;
	tf->rax = fn ? (u64)fn(tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9) : (u64)-ENOSYS;
	return_to_user();
	return sysret_safe(tf);
}

/* arch/trapframe.h — the registers saved on the kernel stack by arch/isr.asm
 * on every interrupt and exception (and, later, by the syscall entry), in
 * push order reversed: the last register pushed is the first field. */
#pragma once
#include "kernel/types.h"

struct trapframe {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;                 /* error is 0 for vectors without one */
	u64 rip, cs, rflags, rsp, ss;      /* pushed by the CPU */
};

static inline bool user_mode(const struct trapframe *tf) { return (tf->cs & 3) == 3; }

/* Exception vectors (Intel SDM vol. 3, table 6-1). */
enum {
	T_DE = 0, T_DB = 1, T_NMI = 2, T_BP = 3, T_OF = 4, T_BR = 5, T_UD = 6, T_NM = 7,
	T_DF = 8, T_TS = 10, T_NP = 11, T_SS = 12, T_GP = 13, T_PF = 14, T_MF = 16,
	T_AC = 17, T_MC = 18, T_XM = 19, T_VE = 20, T_CP = 21,
	T_IRQ0 = 32, /* legacy PIC lines are remapped to 32..47 */
	NVECTORS = 48,
};

void trap(struct trapframe *tf);
extern void trap_return(void); /* pops a trapframe and irets: also starts new threads */
extern const char trap_iret[];  /* its IRETQ */

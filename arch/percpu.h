/* arch/percpu.h — the per-CPU area, reached through GS in the kernel. The
 * syscall entry needs it before it has a stack: SYSCALL does not switch
 * stacks, so the entry code swaps GS to find where the kernel stack is. */
#pragma once
#include "kernel/types.h"

struct proc;

struct percpu {
	u64 kernel_rsp;     /* offset 0: the running process's kernel stack top */
	u64 user_rsp;       /* offset 8: scratch for the user RSP during entry */
	struct proc *proc;  /* the running process, NULL in the scheduler */
};

extern struct percpu percpu;
void percpu_init(void);

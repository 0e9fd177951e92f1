/* arch/asm_offsets.c — the C structure offsets the assembly needs, turned
 * into a NASM include at build time (build/asm_offsets.inc, by the
 * Makefile): compiled with -S only, never linked. The system call fast path
 * (arch/syscall_entry.asm) reads struct proc and struct trapframe fields;
 * hand-written numbers would break silently the day a field moves, these
 * follow it (Linux's asm-offsets, the same trick). Each OFFSET leaves a line
 * "->NAME value" in the compiler's assembly output, which sed turns into
 * "%define NAME value". */
#include "arch/percpu.h"
#include "arch/trapframe.h"
#include "kernel/proc.h"

#define DEFINE(sym, val) asm volatile("\n.ascii \"->" #sym " %c0\"" ::"i"(val))
#define OFFSET(sym, type, field) DEFINE(sym, offsetof(struct type, field))

void asm_offsets(void);
void asm_offsets(void)
{
	OFFSET(PERCPU_KERNEL_RSP, percpu, kernel_rsp);
	OFFSET(PERCPU_USER_RSP, percpu, user_rsp);
	OFFSET(PERCPU_PROC, percpu, proc);

	OFFSET(PROC_SYSCALL_NR, proc, syscall_nr);
	OFFSET(PROC_WORK, proc, work);
	OFFSET(PROC_UTIME_CYC, proc, utime_cyc);
	OFFSET(PROC_STIME_CYC, proc, stime_cyc);
	OFFSET(PROC_CPU_STAMP, proc, cpu_stamp);

	OFFSET(TF_RAX, trapframe, rax);
	OFFSET(TF_RDX, trapframe, rdx);
	OFFSET(TF_RSP, trapframe, rsp);
	OFFSET(TF_R11, trapframe, r11);
	OFFSET(TF_VECTOR, trapframe, vector);
	DEFINE(TF_SIZE, sizeof(struct trapframe));
}

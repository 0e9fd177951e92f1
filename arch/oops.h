/* arch/oops.h — reporting a fault the kernel cannot handle. */
#pragma once
#include "arch/trapframe.h"

/* Print vector, decoded error code, CR2 (for #PF: 'addr'), why the fault is
 * fatal (if known), registers and a symbolized backtrace; then hand over to
 * ktest if a test expects the fault, else panic. Never returns. */
NORETURN void oops(struct trapframe *tf, u64 addr, const char *why);
const char *trap_name(u64 vector);
void backtrace(u64 rip, u64 rbp);
void describe_pf_error(u64 error, char *buf, size_t size);

/* kernel/signal.h — Linux's signal numbers, and killing a process for a fault. */
#pragma once
#include "arch/trapframe.h"

#define SIGILL 4
#define SIGTRAP 5
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGSEGV 11

/* Report a ring-3 fault in one decoded line and end the process with 'sig'. */
NORETURN void user_fault(struct trapframe *tf, int sig, u64 addr);
int signal_for_vector(u64 vector);

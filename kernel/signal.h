/* kernel/signal.h — Linux's signal numbers, and killing a process for a fault. */
#pragma once
#include "arch/trapframe.h"

struct proc;

#define SIGILL 4
#define SIGTRAP 5
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGSEGV 11

#define SIGINT 2
#define SIGPIPE 13
#define SIGTERM 15
#define SIGCHLD 17

/* Deliver sig to p: without user handlers every signal faultline sends is
 * fatal (default action "terminate") except SIGCHLD, which is ignored. A
 * sleeping p is woken; it dies on its way back to ring 3. */
void signal_send(struct proc *p, int sig);

/* Report a ring-3 fault in one decoded line and end the process with 'sig'. */
NORETURN void user_fault(struct trapframe *tf, int sig, u64 addr);
int signal_for_vector(u64 vector);

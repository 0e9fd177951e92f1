/* kernel/signal.h — Linux's signal numbers, sending signals, and killing a
 * process for a fault. */
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
#define SIGCONT 18
#define SIGSTOP 19
#define SIGURG 23
#define SIGWINCH 28
#define NSIG 64

static inline u64 sigbit(int sig) { return 1ul << (sig - 1); }

/* Send sig (1..NSIG) to p. A blocked signal waits in p->sigpending until
 * it is unblocked; any other is acted on at once: thrown away if p ignores
 * it, else (no user handlers yet) it is fatal and p dies on its way back to
 * ring 3, woken if it sleeps. Zombies take nothing. */
void signal_send(struct proc *p, int sig);

/* After p's mask shrank: act on the pending signals it no longer blocks. */
void signal_unblocked(struct proc *p);

/* Does p throw sig away when it arrives, SIG_IGN or a default action of
 * "ignore" (Linux's sig_handler_ignored)? */
bool signal_ignored(const struct proc *p, int sig);

/* Report a ring-3 fault in one decoded line and end the process with 'sig'. */
NORETURN void user_fault(struct trapframe *tf, int sig, u64 addr);
int signal_for_vector(u64 vector);

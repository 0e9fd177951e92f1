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
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG 23
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define NSIG 64

#define CLD_EXITED 1 /* si_code of a SIGCHLD report (waitid) */
#define CLD_KILLED 2
#define CLD_STOPPED 5
#define CLD_CONTINUED 6

static inline u64 sigbit(int sig) { return 1ul << (sig - 1); }
#define UNBLOCKABLE (sigbit(SIGKILL) | sigbit(SIGSTOP)) /* never blocked: left out of masks */

/* Send sig (1..NSIG) to p. SIGCONT resumes a stopped p whatever its mask.
 * A blocked signal waits in p->sigpending until it is unblocked; any other
 * is acted on at once: thrown away if p ignores it, a stop signal stops p
 * at its next chance (signal_stop), any other (no user handlers yet) is
 * fatal and p dies on its way back to ring 3, woken if it sleeps. Zombies
 * take nothing. */
void signal_send(struct proc *p, int sig);

/* After p's mask shrank, or its stop ended: act on the pending signals it
 * no longer blocks. */
void signal_unblocked(struct proc *p);

/* If a stop signal waits for p (the caller): stop until SIGCONT or SIGKILL,
 * leaving a report for the parent's wait. Called where Linux would act on
 * it: on the way back to ring 3, and in an interruptible sleep (whose
 * caller then sees a spurious wakeup and checks again, which is Linux's
 * restarted call). */
void signal_stop(struct proc *p);

/* Does p throw sig away when it arrives, SIG_IGN or a default action of
 * "ignore" (Linux's sig_handler_ignored)? */
bool signal_ignored(const struct proc *p, int sig);

/* Report a ring-3 fault in one decoded line and end the process with 'sig'. */
NORETURN void user_fault(struct trapframe *tf, int sig, u64 addr);
int signal_for_vector(u64 vector);

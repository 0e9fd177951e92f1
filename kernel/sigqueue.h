/* kernel/sigqueue.h — pending signals with their siginfo (kernel/sigqueue.c),
 * for kernel/signal.c, which decides what to do with them. */
#pragma once
#include "kernel/signal.h"

struct proc;

/* Drop the signals in set from sp, queued siginfo and pending bits. */
void sigpending_flush(struct sigpending *sp, u64 set);

/* Drop the signals in set from p's whole process: its shared set and every
 * thread's own (SIGCONT and the stop signals cancel each other so). */
void sigpending_flush_group(struct proc *p, u64 set);

/* Queue info for p (shared: in its process's set, else in its own), as
 * Linux's __send_signal: a standard signal once, a real-time one per
 * sending; 0, or -EAGAIN past RLIMIT_SIGPENDING for a real-time signal
 * with a siginfo of its own. */
int sigpending_add(struct proc *p, const struct ksiginfo *info, bool shared);

/* kernel/itimer.h — the interval timers of setitimer and alarm, one of
 * each kind per process (kernel/itimer.c). */
#pragma once
#include "kernel/types.h"

struct proc;

enum { ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF, NITIMERS };

struct itimer {
	bool armed;
	u64 expires; /* armed: when it fires, in ns of the clock it counts: the
	                monotonic clock (REAL), the process's user CPU time
	                (VIRTUAL) or user + system CPU time (PROF) */
	u64 incr;    /* the interval: ns between firings, 0 for one */
};

/* The scheduler, once a tick, with the monotonic time: fires p's real
 * timer if it is due. */
void itimer_run_real(struct proc *p, u64 now);

/* A SIGALRM of p's process was taken (a handler's delivery, a sigwait):
 * its real timer, if it has an interval and waits, starts the next period
 * (Linux's dequeue_signal). */
void itimer_taken(struct proc *p);

/* p on its way back to ring 3, its CPU time just charged, one of its CPU
 * timers armed (return_to_user tests that first, kernel/sched.h): fires
 * its VIRTUAL and PROF timers if they are due. */
void itimer_run_cpu(struct proc *p);

/* kernel/cputime.h — CPU time used by each process, in ring 3 and in the
 * kernel (Linux's utime and stime): what the CPU-time clocks read.
 *
 * Charged in raw TSC cycles, converted to nanoseconds only when someone
 * reads them (the CPU-time clocks, the CPU itimers, /proc, SIGCHLD's
 * siginfo). Charging happens twice on every system call and interrupt
 * from ring 3; converting there would cost a 128-bit multiply each time
 * (issue 13 counts the instructions), reading is rare. Inline for the
 * same reason: the charge is an rdtsc, a subtraction and two stores. */
#pragma once
#include "arch/x86.h"
#include "kernel/proc.h"

/* Switched in: charging begins now. */
static inline void cputime_start(struct proc *p)
{
	p->cpu_stamp = rdtsc();
}

/* The cycles since the last charge (or start) were spent in ring 3 (user)
 * or in the kernel: add them to the side they were spent on. */
static inline void cputime_charge(struct proc *p, bool user)
{
	u64 now = rdtsc();
	if (user)
		p->utime_cyc += now - p->cpu_stamp;
	else
		p->stime_cyc += now - p->cpu_stamp;
	p->cpu_stamp = now;
}

u64 cputime_user_ns(struct proc *p);          /* utime, up to now if p is running */
u64 cputime_total_ns(struct proc *p);         /* utime + stime, up to now if p is running */

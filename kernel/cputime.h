/* kernel/cputime.h — CPU time used by each process, in ring 3 and in the
 * kernel (Linux's utime and stime): what the CPU-time clocks read.
 *
 * Charged in raw TSC cycles, converted to nanoseconds only when someone
 * reads them (the CPU-time clocks, the CPU itimers, /proc, SIGCHLD's
 * siginfo, getrusage, times). Charging happens twice on every system call and interrupt
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

/* Nanoseconds of CPU time, up to now for the caller: */
struct cputimes cputime_thread(struct proc *t);   /* thread t's own */
struct cputimes cputime_group(struct proc *p);    /* p's whole process: every thread, live or ended */
struct cputimes cputime_children(struct proc *p); /* the children p's process waited for, and theirs */
/* Thread t ends, or gives its place to 'to' (exec by another thread): its
 * time, and what it kept as a leader, become to's, the process's leader. */
void cputime_hand_over(struct proc *to, struct proc *t);
/* parent's wait reaps child: the child's process time, and its children's,
 * join parent's children's time. */
void cputime_reaped(struct proc *parent, struct proc *child);

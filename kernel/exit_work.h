/* kernel/exit_work.h — the way back to ring 3: what has to happen between
 * the end of a system call, interrupt or exception and the user's next
 * instruction, and the work word (struct proc.work, WORK_* in
 * kernel/proc.h) that says in one test whether anything has to.
 *
 * Most returns have nothing to do: the system call fast path
 * (arch/syscall_entry.asm) tests the word and returns with SYSRETQ.
 * Whoever changes what exit_work() looks at sets a bit: signal_work_set()
 * for signal state, work_set_process() for a whole process's threads. */
#pragma once
#include "kernel/cputime.h"
#include "kernel/proc.h"

/* The slow way out, for p with a bit in p->work (or a user trap flag):
 * CPU timers fire, a killed process dies, a signal with a handler gets its
 * frame, an interrupted system call is finished or restarted; then
 * p->work is worked out afresh from the state it summarises. */
void exit_work(struct proc *p);

/* The SANITIZE build's check that no writer forgot its bit: panics if p
 * has work to do that p->work does not show. Nothing in a normal build. */
#ifdef CONFIG_UBSAN
void exit_work_check(struct proc *p);
#else
static inline void exit_work_check(UNUSED struct proc *p) {}
#endif

/* Signal state of t changed (a signal queued, its mask, a kill, a stop):
 * its next return to ring 3 looks (Linux's signal_wake_up setting
 * TIF_SIGPENDING). */
static inline void signal_work_set(struct proc *t)
{
	t->work |= WORK_SIGNAL;
}

/* Every thread of p's process gets the bits (a CPU timer armed). */
void work_set_process(struct proc *p, u32 bits);

/* Last stop before ring 3 after an interrupt or exception: the kernel time
 * is charged, and the work word says whether anything else is due. */
static inline void return_to_user(void)
{
	struct proc *p = myproc();
	cputime_charge(p, false);
	exit_work_check(p);
	if (p->work)
		exit_work(p);
}

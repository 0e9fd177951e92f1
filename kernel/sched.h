/* kernel/sched.h — choosing what runs. */
#pragma once
#include "kernel/cputime.h"
#include "kernel/errno.h"
#include "kernel/proc.h"

extern int nprocs; /* processes in the table, zombies included */

struct proc *proc_alloc(const char *name);
struct proc *proc_find(int pid);      /* the live or zombie process with that pid, or NULL */
void proc_release(struct proc *p);
void proc_reap(struct proc *p);       /* a released zombie leaves the table (wait, init's end) */
void proc_free(struct proc *p);       /* release and reap: a process that never ran */
void vfork_release(struct proc *child);
/* de_thread's last step: p, a thread whose leader is a released zombie and
 * whose other threads are gone, takes the leader's pid, parent and
 * children; the leader leaves the table. */
void proc_take_place(struct proc *p, struct proc *leader);
NORETURN void proc_exit(int status);  /* one thread ends; wait status: code << 8, or the signal */
void scheduler(void);                 /* returns when no process can run any more */
void sched(void);                     /* from a process: give the CPU back to the scheduler */
void yield(void);                     /* stay runnable, let others run first */

/* Whether signal_deliver has anything to do: a signal it may take, a stop,
 * a kill, a mask to restore, or a system call to restart. Most returns to
 * ring 3 have none, and this check is much cheaper than the loop
 * (Linux tests one flag, TIF_SIGPENDING, that it keeps up to date). */
static inline bool signal_work(const struct proc *p)
{
	long r = (long)p->tf->rax;
	bool restart = r == -ERESTARTSYS || r == -ERESTARTNOINTR || r == -ERESTARTNOHAND;
	return ((p->pending.set | p->leader->shared.set) & ~p->sigmask) || p->stop_pending ||
	       p->killed || p->restore_sigmask || (restart && p->syscall_nr != -1);
}

/* Whether p's process has a CPU timer (ITIMER_VIRTUAL, ITIMER_PROF) armed:
 * the common case is none, one test instead of a call. */
static inline bool cpu_timer_armed(const struct proc *p)
{
	const struct itimer *t = p->leader->itimers;
	return t[ITIMER_VIRTUAL].armed || t[ITIMER_PROF].armed;
}

/* Last stop before ring 3: the kernel time is charged, the CPU timers
 * fire, a killed process dies, a signal with a handler gets its frame, an
 * interrupted system call is finished. Inline, with its checks, because
 * every system call and interrupt from ring 3 passes here and most have
 * nothing to do: then it is an rdtsc and a few loads, no call at all. */
static inline void return_to_user(void)
{
	struct proc *p = myproc();
	cputime_charge(p, false);
	if (cpu_timer_armed(p))
		itimer_run_cpu(p);
	if (signal_work(p))
		signal_deliver(p);
	else
		p->syscall_nr = -1; /* no restart can follow: the call is over */
}

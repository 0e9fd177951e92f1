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

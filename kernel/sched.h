/* kernel/sched.h — choosing what runs. */
#pragma once
#include "kernel/proc.h"

extern struct proc proctable[NPROC];

struct proc *proc_alloc(const char *name);
void proc_release(struct proc *p);
NORETURN void proc_exit(int status);  /* wait status: code << 8, or the signal number */
void scheduler(void);                 /* returns when no process can run any more */
void sched(void);                     /* from a process: give the CPU back to the scheduler */

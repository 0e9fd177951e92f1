/* kernel/cputime.h — CPU time used by each process, in ring 3 and in the
 * kernel (Linux's utime and stime): what the CPU-time clocks read. */
#pragma once
#include "kernel/proc.h"

void cputime_start(struct proc *p);           /* switched in: charging begins now */
void cputime_charge(struct proc *p, bool user); /* time since the last call was spent in user
						 * mode (true) or in the kernel; charge it */
u64 cputime_user_ns(struct proc *p);          /* utime, up to now if p is running */
u64 cputime_total_ns(struct proc *p);         /* utime + stime, up to now if p is running */

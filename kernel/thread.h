/* kernel/thread.h — thread groups: the threads of one process (clone with
 * CLONE_THREAD), how they end together, and execve from one of them. */
#pragma once
#include "kernel/proc.h"

/* Is any thread of p's process other than p still alive (not a zombie)? */
bool group_live_others(const struct proc *p);
/* Where a signal for p's whole process goes (kill): p, unless p is a
 * zombie leader whose process lives on in other threads; then one of them. */
struct proc *group_target(struct proc *p);
/* exit_group, and death by a signal or fault: every thread of the caller's
 * process ends; the first status given is what the parent's wait sees
 * (Linux's group_exit_code). */
NORETURN void group_exit(int status);
/* execve's first step (Linux's de_thread): every other thread of the
 * caller's process ends, and a caller that is not the leader takes the
 * leader's place and pid. 0, -EAGAIN if the process is already ending,
 * -EINTR if the caller is killed while it waits. */
int de_thread(struct proc *p);
/* What a thread's end does to user memory, while its address space is
 * still its own: the robust futex list is walked and the clear-child-tid
 * word zeroed and woken (Linux's mm_release), if other threads share the
 * memory to see it. Also done by execve. */
void thread_release_user(struct proc *p);

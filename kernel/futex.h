/* kernel/futex.h — futexes: sleeping on a user word until another thread
 * (or process, through shared memory) wakes it (kernel/futex.c). */
#pragma once
#include "kernel/types.h"

struct proc;

/* Wake up to nr waiters on the word at uaddr in the caller's memory, as a
 * FUTEX_WAKE without FUTEX_PRIVATE_FLAG would (the clear-child-tid word,
 * robust futexes). Returns how many were woken, or -EFAULT / -EINVAL. */
long futex_wake(u64 uaddr, int nr);
/* A thread is ending (or exec'ing): walk its robust list (set_robust_list)
 * and mark the futexes it holds as their owner's death (FUTEX_OWNER_DIED),
 * waking a waiter of each. */
void futex_exit_robust(struct proc *p);

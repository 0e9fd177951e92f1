/* kernel/wait.h — sleeping until something happens, xv6 style: a process
 * sleeps on a "channel" (any address that names the event) and whoever makes
 * the event happen calls wakeup() on the same address.
 *
 * The kernel is not preemptible and runs with interrupts off (the syscall
 * entry clears IF), so on one CPU there is no window between deciding to
 * sleep and sleeping: no lost wakeups, no locks. Interrupt handlers that
 * wake sleepers (the timer) run only while a process is in ring 3 or the
 * scheduler is idle. */
#pragma once
#include "kernel/types.h"

/* Sleep until wakeup(chan), or until 'ticks' timer ticks pass (0: no limit).
 * Returns -EINTR if the process was killed meanwhile, or a signal with a
 * handler waits for it (kernel/signal.h signal_pending): callers give up
 * and return -ERESTARTSYS (or -EINTR where Linux never restarts); the
 * death, or the handler, happens on the way out to ring 3. Else 0. A stop
 * signal stops the process in here and then returns 0 early: callers check
 * their condition again, as after any wakeup. */
int sleep_on(const void *chan, u64 ticks);

/* The same, but only a fatal signal ends it early (Linux's TASK_KILLABLE):
 * for waits that user space cannot be told to retry (vfork). */
int sleep_killable(const void *chan, u64 ticks);
void wakeup(const void *chan);

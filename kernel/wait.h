/* kernel/wait.h — sleeping until something happens, xv6 style: a process
 * sleeps on a "channel" (any address that names the event) and whoever makes
 * the event happen calls wakeup() on the same address.
 *
 * The kernel is not preemptible and runs with interrupts off (the syscall
 * entry clears IF), so on one CPU there is no window between deciding to
 * sleep and sleeping: no lost wakeups, no locks. No interrupt handler
 * wakes a sleeper: the timer only counts ticks and the keyboard only
 * queues bytes; the scheduler wakes the timed sleepers and reads the input
 * (kernel/sched.c). Interrupts come while a process is in ring 3, while
 * the scheduler is idle, and while the kernel waits halted for a disk
 * (kernel/drivers/virtio_blk.c). */
#pragma once
#include "kernel/types.h"
#include "mm/uaccess.h"

/* Sleep until wakeup(chan), or until 'ticks' timer ticks pass (0: no limit).
 * Returns -EINTR if the process was killed meanwhile, or a signal with a
 * handler waits for it (kernel/signal.h signal_pending): callers give up
 * and return -ERESTARTSYS (or -EINTR where Linux never restarts); the
 * death, or the handler, happens on the way out to ring 3. Else 0. A stop
 * signal stops the process in here and then returns 0 early: callers check
 * their condition again, as after any wakeup. */
int sleep_on(const void *chan, u64 ticks);
#define MAX_SLEEP_TICKS (1ul << 40) /* the longest 'ticks' (sleep_on adds it to the tick count) */

/* The same, but only a fatal signal ends it early (Linux's TASK_KILLABLE):
 * for waits that user space cannot be told to retry (vfork). */
int sleep_killable(const void *chan, u64 ticks);
void wakeup(const void *chan);

/* A channel that counts its sleepers, so that waking it while nobody sleeps
 * costs a test, not a scan of every process: for events that happen far
 * more often than anyone waits for them (a pipe's bytes and room, poll's
 * one channel). The queue's own address is the channel. */
struct waitq {
	int sleepers;
};
int waitq_sleep(struct waitq *q, u64 ticks); /* sleep_on(q, ticks) */
void waitq_wake(struct waitq *q);            /* wakeup(q), if anyone sleeps on it */

/* A timeout a blocking call was given, as the clock it counts on. */
enum deadline_kind {
	CLOCK_ABS_REALTIME,  /* an absolute CLOCK_REALTIME time (mq_timedsend, futex) */
	CLOCK_ABS_MONOTONIC, /* an absolute CLOCK_MONOTONIC time (FUTEX_WAIT_BITSET) */
	CLOCK_REL,           /* an interval from now (FUTEX_WAIT) */
};
struct deadline {
	bool set;
	bool realtime; /* ns counts on CLOCK_REALTIME, else on the monotonic clock */
	u64 ns;
};
struct timespec64;
/* Read and check a timeout before anything else, even when the call will
 * not block: -EFAULT, or -EINVAL for tv_sec < 0 or tv_nsec outside
 * [0, 1e9) (Linux's timespec64_valid); 0. NULL: wait for ever. */
int deadline_read(const struct timespec64 __user *uts, struct deadline *d, enum deadline_kind kind);
/* One sleep on chan, no longer than the deadline: 0 (check again),
 * -ETIMEDOUT once the deadline has passed, -ERESTARTSYS if a signal
 * interrupted it (the deadline is absolute, so a restart is safe: Linux's
 * mq wq_sleep). */
int deadline_sleep(const void *chan, const struct deadline *d);

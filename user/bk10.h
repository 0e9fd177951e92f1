/* user/bk10.h — breaker10's shared bits: futex constants (musl ships no
 * <linux/futex.h>), raw futex calls, gettid. */
#pragma once
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256

static inline long tid(void) { return syscall(SYS_gettid); }

static inline long futex_wait(int *w, int v)
{
	return syscall(SYS_futex, w, FUTEX_WAIT, v, NULL, NULL, 0);
}

static inline long futex_wake(int *w, int n)
{
	return syscall(SYS_futex, w, FUTEX_WAKE, n, NULL, NULL, 0);
}

static inline void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts))
		;
}

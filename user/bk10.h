/* user/bk10.h — breaker10's shared bits: futex constants (musl ships no
 * <linux/futex.h>), raw futex calls, gettid. */
#pragma once
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "futexdefs.h"


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

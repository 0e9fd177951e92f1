/* user/clock.h — sleeping and measuring time in the tests that wait for
 * something (poll, select, itimer, mq, futexpi, sigthreads ...): one copy
 * of the two helpers they all need. */
#pragma once
#include <time.h>

static inline void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, ms % 1000 * 1000000 };

	nanosleep(&t, NULL);
}

/* Milliseconds on CLOCK_MONOTONIC since *t0. */
static inline long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* user/sig.h — installing a plain handler, for the signal tests
 * (sigaltstack, sigwait, sigthreads ...): one call, and a test that cannot
 * even install its handler bails out instead of testing nothing. */
#pragma once
#include <signal.h>

#include "tap.h"

static inline void set_handler(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	if (sigaction(sig, &sa, NULL))
		bail("sigaction");
}

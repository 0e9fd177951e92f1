/* user/fault.h — the frame shared by the fault_* programs, each of which must
 * be killed by a signal (user/expect.txt says which).
 *
 * Each announces itself first, so a log shows that the program really ran
 * up to the faulting instruction; surviving it is a failure that the runner
 * sees as "not killed" and exit status 3 instead of the expected signal.
 * Pointers, their targets and operands are volatile: otherwise the compiler
 * may see the undefined behaviour and emit its own trap (ud2: the wrong
 * signal) or drop the access altogether (gcc -O2 did, for the NULL store).
 */
#pragma once
#include <stdio.h>
#include <stdlib.h>

static inline void about_to(const char *what)
{
	printf("%s: expect a signal now\n", what);
	fflush(stdout);
}

static inline int not_killed(void)
{
	puts("not killed");
	return 3;
}

/* Calls a one-byte `ret` written into buf: executing data must fault. */
static inline void call_data(unsigned char *buf)
{
	void (*volatile fn)(void) = (void (*)(void))buf;

	buf[0] = 0xc3; /* ret */
	fn();
}

/* tests/kernel/kstack_test.c — a kernel stack overflow ends in a report,
 * never in a silent corruption or a triple fault: runaway recursion runs
 * into the guard page below the stack (mm/kstack.c), the #PF cannot be
 * delivered on the exhausted stack, and the #DF that replaces it runs on
 * its own IST stack, where the oops names the overflow, the stack's owner
 * and the recursing function. The boot dies of it on purpose: tests/run's
 * DEATH_BOOTS boots this test alone and checks each line of the report. */
#include "kernel/ktest.h"

static volatile u64 depth_limit = ~0ul; /* never reached: gcc sees no endless recursion */

/* Each call keeps a 256-byte frame live across the next call, so the
 * recursion is neither a loop nor a tail call. */
__attribute__((noinline)) static u64 recurse(u64 depth)
{
	volatile char frame[256];
	frame[0] = (char)depth;
	if (depth >= depth_limit)
		return 0;
	return recurse(depth + 1) + frame[0];
}

KTEST_FATAL(kstack_overflow)
{
	recurse(0);
	KEXPECT(false); /* the guard page stops every path back here */
}

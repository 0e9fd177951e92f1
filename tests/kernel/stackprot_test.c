/* tests/kernel/stackprot_test.c — the stack protector is on in the kernel: a
 * local buffer overrun is caught at the function's return, reported as stack
 * smashing in that function, before the overwritten return address is used;
 * and the guard is this boot's, not the zero it starts as. */
#include "kernel/ktest.h"
#include "kernel/stackprot.h"
#include "kernel/string.h"

/* Writes 'len' bytes into a 16-byte local: past it, over the canary, the
 * saved frame pointer and the return address. Without the protector the ret
 * jumps to 0x4141414141414141 and the test sees a #GP, not a panic. */
static void overrun(void *len)
{
	char buf[16];
	char *volatile p = buf; /* the compiler cannot see which bytes are written */
	memset(p, 'A', (size_t)len);
	asm volatile("" : : "r"(buf) : "memory");
}

KTEST(stackprot_overrun_caught)
{
	struct caught c = ktest_catch(overrun, (void *)48);
	KEXPECT(c.panicked);
	KEXPECT(str_starts_with(c.msg, "stack smashing detected in overrun+"));
}

KTEST(stackprot_in_bounds_returns)
{
	struct caught c = ktest_catch(overrun, (void *)16);
	KEXPECT(!c.faulted);
}

KTEST(stackprot_guard_chosen)
{
	KEXPECT(__stack_chk_guard >> 8 != 0);   /* chosen at boot, not left zero */
	KEXPECT_EQ(__stack_chk_guard & 0xff, 0); /* the terminator byte */
}

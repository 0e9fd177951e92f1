/* kernel/stackprot.c — the stack protector's two halves that the compiler
 * leaves to us. -fstack-protector-strong puts a copy of __stack_chk_guard
 * between the locals and the saved return address of every function with an
 * array, or a local whose address escapes, and compares it before returning;
 * a mismatch means a local was overrun, and __stack_chk_fail is called
 * instead of returning through a return address that may now be the
 * attacker's. -mstack-protector-guard=global (Makefile) makes gcc and clang
 * read the guard from this variable: with -mcmodel=kernel both would
 * otherwise read %gs:40, which here is past the end of struct percpu.
 *
 * The guard is chosen at each boot (a guessable guard can be written back
 * over itself), as early as there is a random source. Its low byte is zero
 * (a "terminator" canary, as glibc and Linux do): an overflow by a string
 * copy stops at the NUL and cannot write the guard back. */
#include "kernel/stackprot.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"
#include "kernel/random.h"

u64 __stack_chk_guard;

/* Not protected itself: a protected function would compare its entry copy
 * of the old guard with the new one on return, and report its own frame. Its
 * callers must be unprotected too, or at least never return (kmain). */
__attribute__((no_stack_protector)) void stackprot_init(void)
{
	u64 guard;
	random_bytes(&guard, sizeof(guard));
	__stack_chk_guard = guard & ~0xfful;
}

/* Called, instead of returning, by a function whose canary was overwritten:
 * its return address is in that function. Its saved frame pointer may be
 * overwritten as well, so the panic's call trace may stop there. */
void __stack_chk_fail(void)
{
	panic("stack smashing detected in %s", ksym_format((u64)__builtin_return_address(0)));
}

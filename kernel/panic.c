/* kernel/panic.c — stopping the machine when the kernel cannot go on. The
 * message and the caller chain go to every console; under the self-tests the
 * panic is either the one a test asked for, or ends the QEMU run as a failure
 * instead of leaving the harness to time out. */
#include "arch/oops.h"
#include "arch/x86.h"
#include "kernel/drivers/screen.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cli();
	printk("PANIC: %s\n", msg);
	/* Start at our caller: its return address, and the frame pointer it saved. */
	backtrace((u64)__builtin_return_address(0), *(u64 *)__builtin_frame_address(0));
	ktest_panic(msg);
	/* The last line: a harness that sees it knows nothing more will come. */
	printk("faultline: halted after the panic\n");
	screen_flush(true); /* no timer tick will come to paint it */
	for (;;)
		hlt();
}

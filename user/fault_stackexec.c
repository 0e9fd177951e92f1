/* user/fault_stackexec.c — jumping into the stack must kill with SIGSEGV:
 * the binary's PT_GNU_STACK has no X flag, so Linux maps the stack NX. */
#include "fault.h"

int main(void)
{
	unsigned char buf[16];

	about_to("call into a stack buffer");
	call_data(buf);
	return not_killed();
}

/* user/fault_kernelread.c — a load from the kernel half (faultline's kernel
 * text address) must kill with SIGSEGV: those pages are supervisor-only. */
#include "fault.h"

int main(void)
{
	volatile unsigned char *volatile p = (unsigned char *)0xffffffff80100000UL;

	about_to("load from kernel text");
	(void)*p;
	return not_killed();
}

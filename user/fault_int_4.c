/* user/fault_int_4.c — `int $4` (0xcd 0x04) names the #OF gate, which ring 3
 * may use; Linux's overflow trap kills with SIGSEGV. */
#include "fault.h"

int main(void)
{
	about_to("int $4");
	__asm__ volatile(".byte 0xcd, 0x04");
	return not_killed();
}

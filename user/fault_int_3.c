/* user/fault_int_3.c — `int $3` (0xcd 0x03, the two-byte form) names the
 * #BP gate, which ring 3 may use: SIGTRAP, as int3. */
#include "fault.h"

int main(void)
{
	about_to("int $3");
	__asm__ volatile(".byte 0xcd, 0x03");
	return not_killed();
}

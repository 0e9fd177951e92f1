/* user/fault_into.c — `into` (0xce) does not exist in 64-bit mode: it is an
 * invalid opcode (#UD) even with OF set, so SIGILL, not an overflow trap. */
#include "fault.h"

int main(void)
{
	about_to("into with OF set");
	/* 0x7f + 1 in a byte sets OF. */
	__asm__ volatile("movb $0x7f, %%al\n\taddb $1, %%al\n\t.byte 0xce" : : : "al", "cc");
	return not_killed();
}

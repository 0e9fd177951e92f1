/* user/fault_int3.c — a breakpoint (int3, the one-byte 0xcc) from ring 3
 * reaches #BP through its DPL-3 gate: SIGTRAP, whose default action kills. */
#include "fault.h"

int main(void)
{
	about_to("int3");
	__asm__ volatile("int3");
	return not_killed();
}

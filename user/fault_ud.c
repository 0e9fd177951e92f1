/* user/fault_ud.c — an invalid opcode (ud2, #UD) must kill with SIGILL. */
#include "fault.h"

int main(void)
{
	about_to("ud2");
	__asm__ volatile("ud2");
	return not_killed();
}

/* user/fault_nullwrite.c — a store to address 0 must kill with SIGSEGV:
 * page 0 is never mapped (Linux's mmap_min_addr keeps it that way). */
#include "fault.h"

int main(void)
{
	volatile int *volatile p = NULL;

	about_to("store to NULL");
	*p = 1;
	return not_killed();
}

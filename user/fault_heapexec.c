/* user/fault_heapexec.c — jumping into malloc'd memory must kill with
 * SIGSEGV: brk and anonymous mmap memory are never executable unless asked. */
#include "fault.h"

int main(void)
{
	unsigned char *buf = malloc(16);

	if (!buf)
		return 2;
	about_to("call into a heap buffer");
	call_data(buf);
	return not_killed();
}

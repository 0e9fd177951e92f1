/* user/fault_textwrite.c — a store into the program's own code must kill
 * with SIGSEGV: the text segment is mapped read+execute, never writable. */
#include <stdint.h>

#include "fault.h"

int main(void)
{
	volatile unsigned char *volatile p = (unsigned char *)(uintptr_t)main;

	about_to("store into own text");
	*p = 0xc3;
	return not_killed();
}

/* user/hello.c — the smoke test: the smallest program that proves a kernel
 * can load a static musl binary, enter ring 3, take a write and an exit. */
#include <stdio.h>

int main(void)
{
	puts("hello from ring 3");
	return 0;
}

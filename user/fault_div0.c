/* user/fault_div0.c — an integer division by zero (#DE) must kill with SIGFPE. */
#include "fault.h"

int main(void)
{
	volatile int a = 1, b = 0;

	about_to("integer divide by zero");
	a = a / b;
	return not_killed();
}

/* user/fault_int_n.c — `int $n` for a gate ring 3 may not use (every one
 * but 3 and 4; 0x80 too, as on a Linux without 32-bit emulation) is a #GP:
 * SIGSEGV. Each vector in a child; the parent exits 0 only if all died so. */
#include <sys/wait.h>
#include <unistd.h>

#include "fault.h"

#define INT_N(n) __asm__ volatile("int $" #n)

static void raise_int(int i)
{
	switch (i) {
	case 0: INT_N(0x00); break;
	case 1: INT_N(0x01); break;
	case 2: INT_N(0x0e); break;
	case 3: INT_N(0x20); break;
	case 4: INT_N(0x30); break;
	case 5: INT_N(0x80); break;
	case 6: INT_N(0xff); break;
	}
}

int main(void)
{
	for (int i = 0; i < 7; i++) {
		fflush(stdout);
		pid_t pid = fork();
		int status;

		if (pid == 0) {
			raise_int(i);
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status) ||
		    WTERMSIG(status) != SIGSEGV) {
			printf("int case %d: status %#x, not SIGSEGV\n", i, status);
			return 1;
		}
	}
	about_to("int $0x21");
	INT_N(0x21);
	return not_killed();
}

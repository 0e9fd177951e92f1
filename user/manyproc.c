/* user/manyproc.c — many processes at once: 1000 children alive together,
 * each blocked reading a pipe until the parent closes it, then all reaped.
 * Linux is limited only by memory, pid_max and RLIMIT_NPROC (root is
 * exempt), so all forks must succeed; a kernel with a fixed process table
 * fails this at its size. Each process holds some unswappable kernel
 * memory (its kernel stack and page tables, about 50 KiB on faultline), and
 * both kernels allow one process per 128 KiB of RAM (max_threads, root
 * included), so a machine of less than 128 MiB (faultline's 64 MiB swap
 * machine, about 480 processes) is asked for 400.
 */
#include <errno.h>
#include <unistd.h>

#include "child.h"
#include "swap.h"

#define N 1000

static pid_t kids[N];

int main(void)
{
	int fds[2], forked = 0, reaped = 0, clean = 0;
	int n = meminfo_kb("MemTotal") >= 128 * 1024 ? N : 400;

	if (pipe(fds))
		bail("pipe");
	fflush(stdout);
	while (forked < n) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(until_eof(fds));
		if (pid < 0)
			break;
		kids[forked++] = pid;
	}
	if (forked < n)
		tap_diag("fork %d failed: %s", forked + 1, tap_errname(errno));
	tap_eq(forked, n, "%d children alive at once", n);
	close(fds[1]);
	for (int i = 0; i < forked; i++) {
		int st = reap(kids[i]);
		reaped += st != -1;
		clean += st == EXITED(0);
	}
	tap_eq(reaped, forked, "every child reaped");
	tap_eq(clean, forked, "every child saw EOF and exited 0");
	return done_testing();
}

/* bench/proc.c — processes and the switches between them:
 *   fork_exit_wait     fork, the child _exits at once, the parent waits
 *   fork_execve_wait   the same, the child first execs this program
 *                      (/proc/self/exe) with "exit", which returns at once
 *   pipe_pingpong      one byte to a child and one back: a round trip,
 *                      two switches
 *   pipe_64k           64 KiB written by a child in one write, read here
 *                      until it has all come */
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define FORKS 10
#define TRIPS 100
#define TRANSFER 65536
#define TRANSFERS 4

static void fork_and_wait(int exec)
{
	pid_t child = fork();
	need(child >= 0, "fork");
	if (child == 0) {
		if (exec)
			execl("/proc/self/exe", "bench-proc", "exit", (char *)NULL);
		_exit(exec); /* exec failed: the status says so */
	}
	int status;
	need(waitpid(child, &status, 0) == child && status == 0, "child");
}

/* A child that answers each byte with one, until end of file. */
static void pingpong(void)
{
	int to[2], from[2];
	char c = 0;
	need(pipe(to) == 0 && pipe(from) == 0, "pipe");
	pid_t child = fork();
	need(child >= 0, "fork");
	if (child == 0) {
		close(to[1]); /* else its read never sees end of file */
		while (read(to[0], &c, 1) == 1)
			need(write(from[1], &c, 1) == 1, "write");
		_exit(0);
	}
	close(to[0]);
	close(from[1]);
	MEASURE_LOOP("pipe_pingpong", TRIPS,
		     (write(to[1], &c, 1), need(read(from[0], &c, 1) == 1, "read")));
	close(to[1]);
	need(waitpid(child, NULL, 0) == child, "waitpid");
	close(from[0]);
}

static char block[TRANSFER];

/* The child writes TRANSFERS blocks; each operation reads one whole. */
static void transfer(void)
{
	int fds[2];
	need(pipe(fds) == 0, "pipe");
	pid_t child = fork();
	need(child >= 0, "fork");
	if (child == 0) {
		for (long i = 0; i < rounds() * ops(TRANSFERS); i++)
			need(write(fds[1], block, TRANSFER) == TRANSFER, "write");
		_exit(0);
	}
	close(fds[1]);
	MEASURE_LOOP("pipe_64k", TRANSFERS, for (long got = 0; got < TRANSFER;) {
		long n = read(fds[0], block, TRANSFER - got);
		need(n > 0, "read");
		got += n;
	});
	need(waitpid(child, NULL, 0) == child, "waitpid");
	close(fds[0]);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exit") == 0)
		return 0;
	bench_init(argc, argv);
	MEASURE_LOOP("fork_exit_wait", FORKS, fork_and_wait(0));
	MEASURE_LOOP("fork_execve_wait", FORKS, fork_and_wait(1));
	pingpong();
	transfer();
	return 0;
}

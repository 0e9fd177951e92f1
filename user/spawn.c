/* user/spawn.c — the other ways processes start and end: posix_spawn (musl
 * issues clone(CLONE_VM|CLONE_VFORK) with its own stack for it), vfork,
 * kill and its errors, and preemption: a child that never makes a syscall
 * must not stop its parent from running, and must still be killable. */
#include <errno.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"

extern char **environ;

static const char *bin_dir(void)
{
	const char *dir = getenv("BIN_DIR");
	return dir ? dir : "/bin";
}

/* posix_spawn echoargs with stdout on a pipe; returns what it printed. */
static void spawn_echoargs(void)
{
	char path[512], out[256] = "";
	int fds[2];
	snprintf(path, sizeof(path), "%s/echoargs", bin_dir());
	if (pipe(fds))
		bail("pipe");
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	char *argv[] = { "echoargs", "spawned", NULL }, *envp[] = { "K=V", NULL };
	pid_t pid;
	int err = posix_spawn(&pid, path, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	tap_ok(err == 0, "posix_spawn of echoargs succeeds (%s)", tap_errname(err));
	long n = read_full(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	tap_ok(n > 0 && strstr(out, "spawned") && strstr(out, "K=V"), "the spawned program got argv and envp");
	tap_status(err ? -1 : reap(pid), EXITED(0), "the spawned program exits 0");
}

static void spawn_missing(void)
{
	char *argv[] = { "nope", NULL };
	pid_t pid;
	int err = posix_spawn(&pid, "/no/such/program", NULL, NULL, argv, environ);
	tap_ok(err == ENOENT, "posix_spawn of a missing file reports ENOENT (%s)", tap_errname(err));
}

static void vfork_exit(void)
{
	fflush(stdout);
	pid_t pid = vfork();
	if (pid == 0)
		_exit(42);
	tap_status(reap(pid), EXITED(42), "vfork child's _exit(42) reaches the parent");
}

static int spin(void *unused)
{
	(void)unused;
	for (volatile unsigned long i = 0;; i++)
		;
	return 0;
}

/* The spinning child never enters the kernel: only the timer can take the
 * CPU away from it, so the parent getting here at all shows preemption. */
static void preemption_and_kill(void)
{
	pid_t pid = spawn(spin, NULL);
	for (int i = 0; i < 20; i++)
		sched_yield();
	tap_ok(kill(pid, 0) == 0, "kill(pid, 0): the spinning child exists");
	tap_ok(kill(pid, SIGKILL) == 0, "kill(pid, SIGKILL) succeeds");
	tap_status(reap(pid), KILLED(SIGKILL), "the spinning child died of SIGKILL");
	errno = 0;
	tap_ok(kill(pid, 0) == -1 && errno == ESRCH, "kill(pid, 0) after reaping -> ESRCH");
}

static void term_blocked_reader(void)
{
	int fds[2];
	if (pipe(fds))
		bail("pipe");
	pid_t pid = spawn(until_eof, fds);
	for (int i = 0; i < 5; i++)
		sched_yield(); /* give it time to block in read() */
	tap_ok(kill(pid, SIGTERM) == 0, "kill(SIGTERM) of a child blocked in read()");
	tap_status(reap(pid), KILLED(SIGTERM), "the blocked child died of SIGTERM");
	close(fds[0]);
	close(fds[1]);
}

static void kill_errors(void)
{
	errno = 0;
	tap_ok(kill(getpid(), 65) == -1 && errno == EINVAL, "kill with signal 65 -> EINVAL");
	errno = 0;
	tap_ok(kill(999999, SIGTERM) == -1 && errno == ESRCH, "kill of a pid that does not exist -> ESRCH");
	tap_ok(kill(getpid(), 0) == 0, "kill(self, 0) -> 0");
}

int main(void)
{
	spawn_echoargs();
	spawn_missing();
	vfork_exit();
	preemption_and_kill();
	term_blocked_reader();
	kill_errors();
	return done_testing();
}

/* user/pgrp.c — process groups and sessions, and the signals and waits
 * that go by them: setpgid/getpgid/getpgrp/setsid/getsid with Linux's
 * rules and errnos, kill(0), kill(-pgid), wait4(0) and wait4(-pgid), and
 * the order in which kill checks its arguments.
 *
 * Every scenario that changes groups or sessions runs in a child (so the
 * runner's own group is never touched), which reports through its exit
 * status: 0, or the number of the first check that failed. The program
 * itself may be init (faultline boots each test as /init), whose group and
 * session are 0 until it calls setsid, as on Linux.
 *
 * Run as `pgrp wait`, the program only reads stdin until EOF: the child
 * that setpgid must refuse to move once it has exec'd (EACCES).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"

#define CHECK(n, cond) do { if (!(cond)) return (n); } while (0)
#define FAILS(call, err) ((call) == -1 && errno == (err))

/* A child that waits for SIGKILL or whatever else ends it. */
static pid_t sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static int killed_by(pid_t pid, int sig)
{
	return reap(pid) == KILLED(sig);
}

/* ---- the scenarios (each in its own child) ---------------------------- */

/* setsid: a new session and group named after the caller, who is then a
 * session leader (setpgid refuses to move it) and a group leader (a second
 * setsid refuses). */
static int new_session(void *unused)
{
	(void)unused;
	pid_t me = getpid();

	CHECK(1, setsid() == me);
	CHECK(2, getsid(0) == me && getpgrp() == me && getpgid(0) == me);
	CHECK(3, FAILS(setsid(), EPERM));
	CHECK(4, FAILS(setpgid(0, 0), EPERM));
	CHECK(5, FAILS(setpgid(me, me), EPERM));
	return 0;
}

/* A group leader cannot start a session, even outside one. */
static int leader_no_setsid(void *unused)
{
	(void)unused;
	CHECK(1, setpgid(0, 0) == 0 && getpgrp() == getpid());
	CHECK(2, FAILS(setsid(), EPERM));
	return 0;
}

/* Children inherit group and session; the parent may move a child into a
 * new group named after it, or into any group of its session, but not into
 * one that does not exist. */
static int move_child(void *unused)
{
	(void)unused;
	pid_t me = getpid(), c;

	CHECK(1, setsid() == me);
	c = sleeper();
	CHECK(2, c > 0);
	CHECK(3, getpgid(c) == me && getsid(c) == me);
	CHECK(4, setpgid(c, 0) == 0 && getpgid(c) == c);
	CHECK(5, setpgid(c, me) == 0 && getpgid(c) == me);
	CHECK(6, setpgid(c, c) == 0 && getpgid(c) == c);
	CHECK(7, FAILS(setpgid(c, 999999), EPERM));
	CHECK(8, getsid(c) == me);
	kill(c, SIGKILL);
	CHECK(9, killed_by(c, SIGKILL));
	CHECK(10, FAILS(getpgid(c), ESRCH) && FAILS(setpgid(c, 0), ESRCH));
	return 0;
}

/* A child in another session cannot be moved (EPERM); a process that is
 * neither the caller nor its child cannot either (ESRCH). */
static int other_session(void *unused)
{
	(void)unused;
	int fds[2];
	char c;

	CHECK(1, pipe(fds) == 0);
	pid_t kid = fork();
	if (kid == 0) {
		close(fds[0]);
		_exit(setsid() == getpid() && write(fds[1], "s", 1) == 1 ? 0 : 1);
	}
	close(fds[1]);
	CHECK(2, read(fds[0], &c, 1) == 1);
	CHECK(3, getsid(kid) == kid);
	CHECK(4, FAILS(setpgid(kid, kid), EPERM));
	CHECK(5, FAILS(setpgid(getppid(), 0), ESRCH));
	CHECK(6, reap(kid) == EXITED(0));
	return 0;
}

/* setpgid on a child that has exec'd: EACCES. The child's O_CLOEXEC pipe
 * end closes on its exec, so EOF says it has happened. */
static int after_exec(void *unused)
{
	(void)unused;
	const char *bin = getenv("BIN_DIR") ? getenv("BIN_DIR") : "/bin";
	char path[256], c;
	int gate[2], hold[2];

	snprintf(path, sizeof path, "%s/pgrp", bin);
	CHECK(1, pipe2(gate, O_CLOEXEC) == 0 && pipe(hold) == 0);
	pid_t kid = fork();
	if (kid == 0) {
		dup2(hold[0], 0);
		close(hold[1]);
		execl(path, "pgrp", "wait", (char *)NULL);
		_exit(127);
	}
	close(gate[1]);
	close(hold[0]);
	CHECK(2, read(gate[0], &c, 1) == 0);
	CHECK(3, FAILS(setpgid(kid, kid), EACCES));
	CHECK(4, getpgid(kid) == getpgrp());
	close(hold[1]);
	CHECK(5, reap(kid) == EXITED(0));
	return 0;
}

/* kill(-pgid) reaches every member of that group and no one else; once
 * the group is reaped it is empty: ESRCH. A zombie can still be signalled
 * (0), as on Linux. */
static int kill_group(void *unused)
{
	(void)unused;
	pid_t me = getpid();

	CHECK(1, setsid() == me);
	pid_t a = sleeper(), b = sleeper(), other = sleeper();
	CHECK(2, a > 0 && b > 0 && other > 0);
	CHECK(3, setpgid(a, a) == 0 && setpgid(b, a) == 0);
	CHECK(4, kill(-a, SIGTERM) == 0);
	CHECK(5, killed_by(a, SIGTERM) && killed_by(b, SIGTERM));
	CHECK(6, FAILS(kill(-a, 0), ESRCH) && FAILS(kill(-a, SIGTERM), ESRCH));
	CHECK(7, kill(other, 0) == 0);
	pid_t z = fork();
	if (z == 0)
		_exit(0);
	CHECK(8, z > 0);
	siginfo_t si;
	CHECK(9, waitid(P_PID, z, &si, WEXITED | WNOWAIT) == 0);
	CHECK(10, kill(z, 0) == 0 && kill(z, SIGKILL) == 0);
	CHECK(11, reap(z) == EXITED(0));
	kill(other, SIGKILL);
	CHECK(12, killed_by(other, SIGKILL));
	return 0;
}

/* kill(0) reaches the caller's group only: a child moved to its own group
 * survives; the caller ignores the signal and lives. */
static int kill_own_group(void *unused)
{
	(void)unused;
	pid_t me = getpid();

	CHECK(1, setsid() == me);
	pid_t same = sleeper(), moved = sleeper();
	CHECK(2, same > 0 && moved > 0 && setpgid(moved, moved) == 0);
	CHECK(3, signal(SIGUSR1, SIG_IGN) != SIG_ERR); /* after the forks: theirs stays SIG_DFL */
	CHECK(4, kill(0, SIGUSR1) == 0);
	CHECK(5, killed_by(same, SIGUSR1));
	kill(moved, SIGKILL);
	CHECK(6, killed_by(moved, SIGKILL));
	return 0;
}

/* wait4(-pgid) and wait4(0) wait only for children in that group. */
static int wait_group(void *unused)
{
	(void)unused;
	pid_t me = getpid();
	int st;

	CHECK(1, setsid() == me);
	pid_t mine = fork();
	if (mine == 0)
		_exit(3);
	pid_t other = sleeper();
	CHECK(2, mine > 0 && other > 0 && setpgid(other, other) == 0);
	CHECK(3, waitpid(-other, &st, WNOHANG) == 0);
	CHECK(4, waitpid(0, &st, 0) == mine && st == EXITED(3));
	CHECK(5, waitpid(0, &st, WNOHANG) == -1 && errno == ECHILD);
	CHECK(6, FAILS(waitpid(-999999, &st, 0), ECHILD));
	kill(other, SIGKILL);
	CHECK(7, waitpid(-other, &st, 0) == other && WTERMSIG(st) == SIGKILL);
	return 0;
}

/* ---- the test program --------------------------------------------------- */

static void scenario(int (*fn)(void *), const char *name)
{
	child_case(fn, NULL, EXITED(0), name);
}

static void errno_case(long got, long want, int want_err, const char *name)
{
	tap_syscall(got, errno, want, want_err, NULL, "%s", name);
}

int main(int argc, char **argv)
{
	char c;

	if (argc > 1 && !strcmp(argv[1], "wait")) {
		while (read(0, &c, 1) > 0)
			;
		return 0;
	}

	tap_ok(getpgrp() == getpgid(0) && getpgid(0) == getpgid(getpid()),
	       "getpgrp() == getpgid(0) == getpgid(getpid())");
	tap_ok(getsid(0) == getsid(getpid()), "getsid(0) == getsid(getpid())");
	errno_case(getpgid(-1), -1, ESRCH, "getpgid(-1) -> ESRCH");
	errno_case(getsid(-1), -1, ESRCH, "getsid(-1) -> ESRCH");
	errno_case(getpgid(999999), -1, ESRCH, "getpgid(missing pid) -> ESRCH");
	errno_case(getsid(999999), -1, ESRCH, "getsid(missing pid) -> ESRCH");
	errno_case(setpgid(0, -1), -1, EINVAL, "setpgid(0, -1) -> EINVAL");
	errno_case(setpgid(-1, 0), -1, EINVAL, "setpgid(-1, 0) -> EINVAL (pgid = pid < 0)");
	errno_case(setpgid(-1, 5), -1, ESRCH, "setpgid(-1, 5) -> ESRCH");
	errno_case(setpgid(999999, 0), -1, ESRCH, "setpgid(missing pid, 0) -> ESRCH");

	/* kill: the target first (ESRCH whatever the signal), then the signal. */
	errno_case(kill(999999, 99), -1, ESRCH, "kill(missing pid, 99) -> ESRCH before EINVAL");
	errno_case(kill(999999, -1), -1, ESRCH, "kill(missing pid, -1) -> ESRCH");
	errno_case(kill(-999999, 99), -1, ESRCH, "kill(-missing group, 99) -> ESRCH");
	errno_case(kill(-999999, 0), -1, ESRCH, "kill(-missing group, 0) -> ESRCH");
	errno_case(kill(INT_MIN, 0), -1, ESRCH, "kill(INT_MIN, 0) -> ESRCH");
	errno_case(kill(INT_MIN, 99), -1, ESRCH, "kill(INT_MIN, 99) -> ESRCH");
	errno_case(kill(getpid(), 99), -1, EINVAL, "kill(self, 99) -> EINVAL");
	errno_case(kill(getpid(), 65), -1, EINVAL, "kill(self, 65) -> EINVAL");
	errno_case(kill(0, 99), -1, EINVAL, "kill(0, 99) -> EINVAL");
	errno_case(kill(-getpgrp(), -1), -1, EINVAL, "kill(-own group, -1) -> EINVAL");
	errno_case(kill(getpid(), 0), 0, 0, "kill(self, 0) probes -> 0");
	errno_case(kill(0, 0), 0, 0, "kill(0, 0) probes the caller's group -> 0");

	scenario(new_session, "setsid: new session and group; a session leader stays put");
	scenario(leader_no_setsid, "setsid by a group leader -> EPERM");
	scenario(move_child, "setpgid moves a child between groups of its session");
	scenario(other_session, "setpgid: child in another session EPERM, a stranger ESRCH");
	scenario(after_exec, "setpgid on a child that has exec'd -> EACCES");
	scenario(kill_group, "kill(-pgid) reaches that group only; empty group ESRCH");
	scenario(kill_own_group, "kill(0) reaches the caller's group only");
	scenario(wait_group, "wait4(0) and wait4(-pgid) wait for that group only");
	return done_testing();
}

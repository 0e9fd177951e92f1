/* user/bk12_init.c — nothing a user process does reaches init (pid 1):
 * every fatal, stopping and ignored-by-default signal sent to pid 1 by
 * kill, tgkill, rt_sigqueueinfo, to its process group with kill(0) and to
 * everybody with kill(-1) leaves init running with nothing pending, while
 * kill(-1) still kills everyone else; orphans are reparented to init and
 * reaped by it.
 *
 * The program must be pid 1: on faultline it is /init; on Linux it makes
 * itself the init of a new PID namespace (clone(CLONE_NEWPID), as root),
 * where Linux's rule is the same: init only gets the signals it has a
 * handler for (SIGNAL_UNKILLABLE), SIGKILL and SIGSTOP from inside
 * included.
 *
 * Inspired by: LTP kill11/kill12 and the pidns tests (pidns05..pidns32,
 * "signals to init from inside the namespace are ignored"), xv6 usertests
 * "reparent" and "killstatus", gVisor test/syscalls/linux/kill.cc
 * (kill(-1) spares the caller).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>
#include <stdint.h>

#include "bk12.h"

static int sig_to_init(void *arg)
{
	return kill(1, (int)(intptr_t)arg) ? 10 + errno : 0;
}

static int tgkill_init(void *arg)
{
	return syscall(SYS_tgkill, 1, 1, (int)(intptr_t)arg) ? 10 + errno : 0;
}

static int queue_to_init(void *arg)
{
	siginfo_t si;

	memset(&si, 0, sizeof si);
	si.si_signo = (int)(intptr_t)arg;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	return syscall(SYS_rt_sigqueueinfo, 1, si.si_signo, &si) ? 10 + errno : 0;
}

/* kill(0, sig) from inside init's process group: the sender dies (for a
 * fatal signal) but init must not. */
static int group_kill(void *arg)
{
	int sig = (int)(intptr_t)arg;

	signal(sig, SIG_IGN); /* the sender survives to report */
	return kill(0, sig) ? 10 + errno : 0;
}

static void no_pending(const char *what)
{
	uint64_t set = ~0ull;

	syscall(SYS_rt_sigpending, &set, 8);
	tap_eq(set, 0, "%s: init has nothing pending", what);
}

static int sleeper(void *arg)
{
	(void)arg;
	pause();
	return 0;
}

/* kill(-1, SIGKILL): everyone but init and the sender dies. */
static int kill_all(void *arg)
{
	(void)arg;
	return kill(-1, SIGKILL) ? 10 + errno : 0;
}

/* A child that forks a grandchild and exits at once: the grandchild is
 * reparented to init, says so through its exit status. */
static int orphan_maker(void *arg)
{
	int *fds = arg;
	pid_t g = fork();

	if (g == 0) {
		char c;
		close(fds[1]);
		read(fds[0], &c, 1); /* wait until the parent is gone */
		_exit(getppid() == 1 ? 42 : 43);
	}
	return g > 0 ? 0 : 1;
}

static int body(void)
{
	const int sigs[] = { SIGKILL, SIGSTOP, SIGTERM, SIGINT, SIGUSR1, SIGSEGV, SIGBUS,
			     SIGABRT, SIGTSTP, SIGTTIN, SIGPIPE, SIGALRM, SIGHUP, SIGQUIT };

	tap_eq(getpid(), 1, "we are pid 1");
	if (setsid() < 0 && getpgrp() != 1)
		bail("setsid");
	for (unsigned i = 0; i < sizeof sigs / sizeof *sigs; i++) {
		void *s = (void *)(intptr_t)sigs[i];
		tap_status(reap(spawn(sig_to_init, s)), EXITED(0), "kill(1, signal %d) from a child", sigs[i]);
		tap_status(reap(spawn(tgkill_init, s)), EXITED(0), "tgkill(1, 1, signal %d) from a child", sigs[i]);
		tap_status(reap(spawn(queue_to_init, s)), EXITED(0), "rt_sigqueueinfo(1, signal %d) from a child", sigs[i]);
		no_pending("after the three");
	}
	const int group[] = { SIGTERM, SIGUSR1, SIGHUP, SIGSEGV };
	for (unsigned i = 0; i < sizeof group / sizeof *group; i++) {
		tap_status(reap(spawn(group_kill, (void *)(intptr_t)group[i])), EXITED(0),
			   "kill(0, signal %d) from a child in init's group", group[i]);
		no_pending("after kill(0)");
	}

	pid_t s[8];
	for (int i = 0; i < 8; i++)
		s[i] = spawn(sleeper, NULL);
	child_case(kill_all, NULL, EXITED(0), "kill(-1, SIGKILL) from a child");
	int dead = 0;
	for (int i = 0; i < 8; i++)
		dead += reap(s[i]) == KILLED(SIGKILL);
	tap_eq(dead, 8, "kill(-1, SIGKILL) killed the 8 other children");
	no_pending("after kill(-1)");

	int fds[2];
	if (pipe(fds))
		bail("pipe");
	child_case(orphan_maker, fds, EXITED(0), "a child forks and exits");
	close(fds[0]);
	close(fds[1]); /* the grandchild reads EOF: its parent is gone */
	int st;
	pid_t who = wait(&st);
	tap_ok(who > 1 && WIFEXITED(st) && WEXITSTATUS(st) == 42,
	       "init reaps the orphan, which saw getppid() == 1");
	errno = 0;
	tap_ok(wait(&st) == -1 && errno == ECHILD, "no child left");
	return done_testing();
}

int main(void)
{
	if (getpid() == 1)
		return body();
	if (on_faultline()) { /* no pid namespaces: it must be booted as /init (`alone`) */
		printf("1..0 # SKIP on faultline this runs only as /init (make test boots it so)\n");
		return 0;
	}
	fflush(stdout);
	long pid = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		bail("clone(CLONE_NEWPID)");
	if (pid == 0)
		_exit(body());
	int st;
	if (waitpid(pid, &st, 0) != pid)
		bail("waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}

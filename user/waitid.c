/* user/waitid.c — waitid as Linux has it: P_PID, P_PGID, P_ALL; WEXITED,
 * WNOHANG, WNOWAIT; the six siginfo fields it fills (si_signo SIGCHLD,
 * si_errno, si_code CLD_EXITED or CLD_KILLED, si_pid, si_uid, si_status)
 * and the bytes it leaves alone; the errnos and their order.
 *
 * The CVE-2017-5123 cases: Linux 4.13's waitid stored those fields one by
 * one without first checking that the 128-byte siginfo lies in user space,
 * so a kernel address as infop let any process write into the kernel. The
 * whole struct is range-checked first (EFAULT even when nothing would be
 * stored), then written only where user memory is. As with wait4, a child
 * whose report cannot be stored is reaped all the same: it is gone.
 * Also wait4(INT_MIN), which names no process group: ESRCH.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"

#define P_PIDFD 3
#define FILL 0x55

static long got;
static int got_err;
#define RUN(...) (errno = 0, got = syscall(SYS_waitid, __VA_ARGS__), got_err = errno)

/* A child that exits with code, already a zombie when this returns. */
static pid_t zombie(int code)
{
	siginfo_t si;

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(code);
	if (pid < 0 || waitid(P_PID, pid, &si, WEXITED | WNOWAIT))
		bail("fork");
	return pid;
}

static pid_t sleeper(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		for (;;)
			pause();
	if (pid < 0)
		bail("fork");
	return pid;
}

/* Is pid still a child waitid can see (reaped or not: ECHILD)? */
static int still_there(pid_t pid)
{
	siginfo_t si;

	return waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0;
}

/* The six fields, and nothing else of the 128 bytes touched. */
static const char *fields(const siginfo_t *si, int signo, int code, pid_t pid, int status)
{
	static char why[96];
	const unsigned char *b = (const void *)si;

	if (si->si_signo != signo || si->si_errno != 0 || si->si_code != code || si->si_pid != pid ||
	    si->si_uid != getuid() || si->si_status != status) {
		snprintf(why, sizeof why, "fields: signo %d errno %d code %d pid %d uid %d status %d",
			 si->si_signo, si->si_errno, si->si_code, si->si_pid, si->si_uid, si->si_status);
		return why;
	}
	for (size_t i = 12; i < sizeof *si; i++)
		if ((i < 16 || i >= 28) && b[i] != FILL) {
			snprintf(why, sizeof why, "byte %zu of the siginfo changed", i);
			return why;
		}
	return NULL;
}

static void reports(void)
{
	siginfo_t si;

	pid_t pid = zombie(5);
	memset(&si, FILL, sizeof si);
	RUN(P_PID, pid, &si, WEXITED | WNOWAIT, NULL);
	tap_syscall(got, got_err, 0, 0, fields(&si, SIGCHLD, CLD_EXITED, pid, 5),
		    "P_PID, WNOWAIT: exit 5 -> CLD_EXITED, status 5, six fields only");
	tap_ok(still_there(pid), "WNOWAIT leaves the zombie");
	memset(&si, FILL, sizeof si);
	RUN(P_ALL, 0, &si, WEXITED, NULL);
	tap_syscall(got, got_err, 0, 0, fields(&si, SIGCHLD, CLD_EXITED, pid, 5),
		    "P_ALL: the same child again, reaped");
	tap_ok(!still_there(pid), "... and now it is gone");

	pid = sleeper();
	memset(&si, FILL, sizeof si);
	RUN(P_PID, pid, &si, WEXITED | WNOHANG, NULL);
	tap_syscall(got, got_err, 0, 0, fields(&si, 0, 0, 0, 0),
		    "WNOHANG, child running -> 0, the six fields zero");
	kill(pid, SIGTERM);
	memset(&si, FILL, sizeof si);
	RUN(P_PID, pid, &si, WEXITED, NULL);
	tap_syscall(got, got_err, 0, 0, fields(&si, SIGCHLD, CLD_KILLED, pid, SIGTERM),
		    "killed by SIGTERM -> CLD_KILLED, status SIGTERM");

	memset(&si, FILL, sizeof si);
	RUN(P_ALL, 0, &si, WEXITED, NULL);
	tap_syscall(got, got_err, -1, ECHILD, fields(&si, 0, 0, 0, 0),
		    "no children -> ECHILD, the six fields zero");
}

/* P_PGID: the group's children only; 0 is the caller's own group. */
static void groups(void)
{
	siginfo_t si;
	pid_t other = sleeper(), mine = zombie(7);

	if (setpgid(other, other))
		bail("setpgid");
	RUN(P_PGID, other, &si, WEXITED | WNOHANG, NULL);
	tap_syscall(got, got_err, 0, 0, si.si_pid == 0 ? NULL : "reported a child of another group",
		    "P_PGID: a group whose child still runs -> 0, nothing");
	RUN(P_PGID, 0, &si, WEXITED, NULL);
	tap_syscall(got, got_err, 0, 0, si.si_pid == mine ? NULL : "not the child of the own group",
		    "P_PGID 0: the caller's group");
	kill(other, SIGKILL);
	RUN(P_PGID, other, &si, WEXITED, NULL);
	tap_syscall(got, got_err, 0, 0, si.si_pid == other ? NULL : "not the group's child",
		    "P_PGID pgid: that group's child");
}

static void bad_args(void)
{
	siginfo_t si;
	pid_t pid = zombie(1);
	static const struct {
		int which, id, options;
		const char *name;
	} inval[] = {
		{ 4, 0, WEXITED, "idtype 4" },
		{ P_ALL, 0, 0, "no WEXITED/WSTOPPED/WCONTINUED" },
		{ P_ALL, 0, WNOHANG, "WNOHANG alone" },
		{ P_ALL, 0, WEXITED | 0x10000, "unknown option bit" },
		{ P_PID, 0, WEXITED, "P_PID 0" },
		{ P_PID, -5, WEXITED, "P_PID -5" },
		{ P_PGID, -5, WEXITED, "P_PGID -5" },
		{ P_PIDFD, -1, WEXITED, "P_PIDFD -1" },
	};

	for (size_t i = 0; i < sizeof inval / sizeof inval[0]; i++) {
		RUN(inval[i].which, inval[i].id, &si, inval[i].options, NULL);
		tap_syscall(got, got_err, -1, EINVAL, NULL, "%s -> EINVAL", inval[i].name);
	}
	tap_ok(still_there(pid), "the zombie is still there after the refused calls");
	RUN(P_PID, pid, NULL, WEXITED, NULL);
	tap_syscall(got, got_err, 0, 0, still_there(pid) ? "not reaped" : NULL,
		    "NULL infop -> 0, child reaped");
	errno = 0;
	got = syscall(SYS_wait4, INT_MIN, NULL, 0, NULL);
	tap_syscall(got, errno, -1, ESRCH, NULL, "wait4(INT_MIN) -> ESRCH");
	errno = 0;
	got = syscall(SYS_wait4, -1, NULL, 0x10000, NULL);
	tap_syscall(got, errno, -1, EINVAL, NULL, "wait4(unknown option) -> EINVAL");
}

/* Bad infop and rusage pointers: EFAULT, and the child is gone. */
static void bad_pointers(void)
{
	unsigned char *page = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static const struct {
		uintptr_t addr;
		const char *name;
	} bad[] = {
		{ 0xffff800000000000ul, "kernel direct map" },
		{ 0xffffffff80100000ul, "kernel text" },
		{ 0x7ffffffff000ul - 64, "128 bytes crossing the top of user space" },
		{ 1, "(void *)1" },
		{ 0x0000800000000000ul, "non-canonical" },
	};
	siginfo_t si;

	if (page == MAP_FAILED || munmap(page + 4096, 4096))
		bail("mmap");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		pid_t pid = zombie(2);
		RUN(P_PID, pid, (void *)bad[i].addr, WEXITED, NULL);
		tap_syscall(got, got_err, -1, EFAULT, still_there(pid) ? "the child is still there" : NULL,
			    "infop %s -> EFAULT, child reaped", bad[i].name);
		RUN(P_ALL, 0, (void *)bad[i].addr, WEXITED, NULL);
		tap_syscall(got, got_err, -1, EFAULT, NULL,
			    "infop %s, no children -> EFAULT (checked even then)", bad[i].name);
	}

	/* The fields are the first 28 bytes: the rest of the struct may be
	 * unmapped; a field that is not is EFAULT. */
	pid_t pid = zombie(3);
	memset(page + 4096 - 64, FILL, 64);
	RUN(P_PID, pid, page + 4096 - 64, WEXITED, NULL);
	tap_syscall(got, got_err, 0, 0, ((siginfo_t *)(page + 4096 - 64))->si_status == 3 ? NULL :
		    "status not stored", "infop whose last 64 bytes are unmapped -> 0");
	pid = zombie(3);
	RUN(P_PID, pid, page + 4096 - 20, WEXITED, NULL);
	tap_syscall(got, got_err, -1, EFAULT, still_there(pid) ? "the child is still there" : NULL,
		    "infop whose si_status is unmapped -> EFAULT, child reaped");

	pid = zombie(4);
	RUN(P_PID, pid, &si, WEXITED, (void *)1);
	tap_syscall(got, got_err, -1, EFAULT, still_there(pid) ? "the child is still there" : NULL,
		    "bad rusage -> EFAULT, child reaped");
	RUN(P_ALL, 0, &si, WEXITED, (void *)1);
	tap_syscall(got, got_err, -1, ECHILD, NULL, "bad rusage, no children -> ECHILD");
	munmap(page, 4096);
}

int main(void)
{
	reports();
	groups();
	bad_args();
	bad_pointers();
	return done_testing();
}

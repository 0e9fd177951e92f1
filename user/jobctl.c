/* user/jobctl.c — stop and continue: SIGSTOP stops a process (it runs no
 * more), SIGCONT resumes it, and its parent sees both through waitid
 * (WSTOPPED: CLD_STOPPED, WCONTINUED: CLD_CONTINUED) and wait4 (WUNTRACED,
 * WCONTINUED), each report once unless WNOWAIT. A stopped process takes
 * only SIGKILL at once; other signals wait for SIGCONT and then act, lowest
 * number first. A call that was sleeping when the process
 * stopped goes on after SIGCONT as if nothing happened (Linux restarts it):
 * a read still gets its data, a nanosleep still sleeps its whole time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"

static volatile unsigned long *counter; /* shared with the spinning child */

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void pause_ms(int ms)
{
	usleep(ms * 1000);
}

static pid_t spinner(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		for (;;)
			(*counter)++;
	if (pid < 0)
		bail("fork");
	return pid;
}

/* Does the counter move within two seconds? */
static int moving(void)
{
	unsigned long was = *counter;

	for (double t = now(); now() - t < 2;)
		if (*counter != was)
			return 1;
	return 0;
}

static int report_is(const siginfo_t *si, pid_t pid, int code, int status)
{
	int ok = si->si_signo == SIGCHLD && si->si_pid == pid && si->si_code == code &&
		 si->si_status == status;

	if (!ok)
		tap_diag("siginfo: signo %d pid %d code %d status %d", si->si_signo, si->si_pid,
			 si->si_code, si->si_status);
	return ok;
}

static void with_waitid(void)
{
	pid_t pid = spinner();
	siginfo_t si;
	unsigned long frozen;

	tap_ok(moving(), "the child runs");
	kill(pid, SIGSTOP);
	tap_ok(waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT) == 0 && report_is(&si, pid, CLD_STOPPED, SIGSTOP),
	       "waitid(WSTOPPED | WNOWAIT) after SIGSTOP -> CLD_STOPPED, status SIGSTOP");
	frozen = *counter;
	pause_ms(100);
	tap_eq(*counter, frozen, "a stopped process does not run");
	tap_ok(waitid(P_PID, pid, &si, WSTOPPED) == 0 && report_is(&si, pid, CLD_STOPPED, SIGSTOP),
	       "WNOWAIT kept the report: waitid(WSTOPPED) sees it again");
	tap_ok(waitid(P_PID, pid, &si, WSTOPPED | WNOHANG) == 0 && si.si_pid == 0,
	       "without WNOWAIT the report is used up");
	tap_ok(waitid(P_PID, pid, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0,
	       "WEXITED does not see a stopped child");
	kill(pid, SIGCONT);
	tap_ok(waitid(P_PID, pid, &si, WCONTINUED) == 0 && report_is(&si, pid, CLD_CONTINUED, SIGCONT),
	       "waitid(WCONTINUED) after SIGCONT -> CLD_CONTINUED, status SIGCONT");
	tap_ok(moving(), "the child runs again");
	kill(pid, SIGKILL);
	tap_status(reap(pid), KILLED(SIGKILL), "and dies of SIGKILL");
}

static void with_wait4(void)
{
	pid_t pid = spinner();
	int st = 0;

	kill(pid, SIGSTOP);
	tap_ok(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
	       "wait4(WUNTRACED) -> stopped by SIGSTOP (status %#x)", st);
	kill(pid, SIGCONT);
	tap_ok(waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st),
	       "wait4(WCONTINUED) -> continued (status %#x)", st);
	kill(pid, SIGSTOP);
	pause_ms(50);
	tap_ok(waitpid(pid, &st, WNOHANG) == 0, "wait4 without WUNTRACED ignores the stop");
	kill(pid, SIGTERM);
	kill(pid, SIGINT);
	pause_ms(50);
	tap_ok(waitpid(pid, &st, WNOHANG) == 0, "SIGTERM and SIGINT wait while the process is stopped");
	kill(pid, SIGCONT);
	tap_status(reap(pid), KILLED(SIGINT), "after SIGCONT the lower one, SIGINT, acts");

	pid = spinner();
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);
	kill(pid, SIGTERM);
	kill(pid, SIGKILL);
	tap_status(reap(pid), KILLED(SIGKILL), "SIGKILL ends a stopped process at once");
}

/* The child reads one byte and exits with it. */
static int read_one(void *fds_)
{
	int *fds = fds_;
	char c;

	close(fds[1]);
	return read(fds[0], &c, 1) == 1 ? c : 100 + errno;
}

/* The child sleeps 300 ms and checks it slept them all. */
static int sleep_whole(void *unused)
{
	(void)unused;
	struct timespec ts = { 0, 300 * 1000 * 1000 };
	double t = now();

	if (nanosleep(&ts, NULL))
		return 1;
	return now() - t >= 0.29 ? 0 : 2;
}

static void sleepers(void)
{
	int fds[2];
	siginfo_t si;

	if (pipe(fds))
		bail("pipe");
	pid_t pid = spawn(read_one, fds);
	close(fds[0]);
	pause_ms(50);
	kill(pid, SIGSTOP);
	int stopped = waitid(P_PID, pid, &si, WSTOPPED) == 0;
	int wrote = write(fds[1], "x", 1) == 1;
	pause_ms(50);
	kill(pid, SIGCONT);
	tap_status(stopped && wrote ? reap(pid) : -1, EXITED('x'),
		   "a read stopped and continued still gets its byte");
	close(fds[1]);

	pid = spawn(sleep_whole, NULL);
	pause_ms(50);
	kill(pid, SIGSTOP);
	stopped = waitid(P_PID, pid, &si, WSTOPPED) == 0;
	pause_ms(50);
	kill(pid, SIGCONT);
	tap_status(stopped ? reap(pid) : -1, EXITED(0),
		   "a nanosleep stopped and continued sleeps its whole time, returns 0");
}

int main(void)
{
	/* A shell without job control starts a background command with SIGINT
	 * and SIGQUIT ignored, and exec keeps that (POSIX); the cases need
	 * SIGINT's default action. */
	signal(SIGINT, SIG_DFL);
	counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counter == MAP_FAILED)
		bail("mmap");
	with_waitid();
	with_wait4();
	sleepers();
	return done_testing();
}

/* user/sigwait.c — waiting for signals and what interrupts a wait:
 * rt_sigtimedwait (a pending one, timeouts, EINVAL, one sent by a child),
 * queued real-time signals with their values against one standard signal,
 * RLIMIT_SIGPENDING, rt_sigqueueinfo's permission rule, SIGCHLD's
 * siginfo, rt_sigsuspend and pause, a pipe read and a wait4 that a
 * handler interrupts (EINTR) or that SA_RESTART restarts, SIGPIPE to a
 * handler, and a signal pending while a read's copy faults.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "child.h"
#include "sig.h"

static volatile int hits, last;

static void count(int sig)
{
	hits++;
	last = sig;
}

static sigset_t only(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	return s;
}

static void block(int sig) { sigset_t s = only(sig); sigprocmask(SIG_BLOCK, &s, NULL); }
static void unblock(int sig) { sigset_t s = only(sig); sigprocmask(SIG_UNBLOCK, &s, NULL); }

static void nap(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&t, &t))
		;
}

/* A child that sends sig to its parent after ms, then exits. */
static pid_t later(int sig, long ms)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		nap(ms);
		kill(getppid(), sig);
		_exit(0);
	}
	return pid;
}

/* A child that sends sig to its parent every 20 ms until the parent
 * writes to *ack (its wait ended), so that one signal surely comes while
 * the parent is blocked whatever the scheduling. */
static pid_t nag(int sig, int ack[2])
{
	if (pipe(ack))
		bail("pipe");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(ack[1]);
		fcntl(ack[0], F_SETFL, O_NONBLOCK);
		for (int i = 0; i < 500 && read(ack[0], &c, 1) != 1; i++) {
			kill(getppid(), sig);
			nap(20);
		}
		_exit(0);
	}
	close(ack[0]);
	return pid;
}

static void stop_nagging(pid_t pid, int ack[2])
{
	write(ack[1], "", 1);
	close(ack[1]);
	reap(pid);
}

static void timedwait(void)
{
	siginfo_t si;
	sigset_t s = only(SIGUSR1);
	struct timespec zero = { 0, 0 }, short_ = { 0, 50000000 }, bad = { 0, 1000000000 };
	block(SIGUSR1);
	raise(SIGUSR1);
	int r = sigtimedwait(&s, &si, &zero);
	tap_ok(r == SIGUSR1 && si.si_signo == SIGUSR1 && si.si_code == SI_TKILL,
	       "a pending blocked signal is taken at once, with its siginfo");
	errno = 0;
	r = sigtimedwait(&s, &si, &zero);
	tap_syscall(r, errno, -1, EAGAIN, NULL, "nothing pending, zero timeout: EAGAIN");
	errno = 0;
	r = sigtimedwait(&s, &si, &short_);
	tap_syscall(r, errno, -1, EAGAIN, NULL, "nothing comes within 50 ms: EAGAIN");
	errno = 0;
	r = sigtimedwait(&s, &si, &bad);
	tap_syscall(r, errno, -1, EINVAL, NULL, "tv_nsec of 10^9: EINVAL");
	pid_t child = later(SIGUSR1, 50);
	r = sigtimedwait(&s, &si, NULL);
	tap_ok(r == SIGUSR1 && si.si_code == SI_USER && si.si_pid == child,
	       "a signal sent by a child ends the wait; si_pid is the child");
	reap(child);
	unblock(SIGUSR1);
}

static void queued(void)
{
	siginfo_t si;
	sigset_t s = only(SIGRTMIN + 1);
	struct timespec zero = { 0, 0 };
	int ok = 1;
	block(SIGRTMIN + 1);
	for (int i = 1; i <= 3; i++)
		sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = i * 10 });
	for (int i = 1; i <= 3; i++)
		ok &= sigtimedwait(&s, &si, &zero) == SIGRTMIN + 1 && si.si_code == SI_QUEUE &&
		      si.si_value.sival_int == i * 10 && si.si_pid == getpid();
	ok &= sigtimedwait(&s, &si, &zero) == -1;
	tap_ok(ok, "three real-time signals queue three siginfos, in order, with their values");
	s = only(SIGUSR2);
	block(SIGUSR2);
	sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 1 });
	sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 2 });
	int first = sigtimedwait(&s, &si, &zero);
	int second = sigtimedwait(&s, &si, &zero);
	tap_ok(first == SIGUSR2 && second == -1, "a standard signal is pending once");

	sigset_t mask;
	sigpending(&mask);
	tap_ok(!sigismember(&mask, SIGUSR2) && !sigismember(&mask, SIGRTMIN + 1), "and nothing is left pending");
	unblock(SIGUSR2);
	unblock(SIGRTMIN + 1);
}

static int over_limit(void *arg)
{
	(void)arg;
	struct rlimit rl = { 4, 4 };
	int sent = 0;
	block(SIGRTMIN);
	setrlimit(RLIMIT_SIGPENDING, &rl);
	while (sent < 100 && sigqueue(getpid(), SIGRTMIN, (union sigval){ 0 }) == 0)
		sent++;
	return sent <= 4 && errno == EAGAIN ? 0 : 1;
}

static int queueinfo_self(void *arg)
{
	(void)arg;
	siginfo_t si = { .si_code = SI_USER, .si_value.sival_int = 5 }, got;
	sigset_t s = only(SIGUSR1);
	struct timespec zero = { 0, 0 };
	block(SIGUSR1);
	if (syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si))
		return 1;
	return sigtimedwait(&s, &got, &zero) == SIGUSR1 && got.si_code == SI_USER && got.si_signo == SIGUSR1 ? 0 : 2;
}

static void queueinfo(void)
{
	siginfo_t si = { .si_code = SI_USER };
	pid_t parent = getppid();
	errno = 0;
	long r = syscall(SYS_rt_sigqueueinfo, parent, SIGUSR1, &si);
	tap_syscall(r, errno, -1, EPERM, NULL, "rt_sigqueueinfo posing as kill() to another process: EPERM");
	si.si_code = SI_TKILL;
	errno = 0;
	r = syscall(SYS_rt_sigqueueinfo, parent, SIGUSR1, &si);
	tap_syscall(r, errno, -1, EPERM, NULL, "... posing as tkill(): EPERM");
	si.si_code = SI_KERNEL;
	errno = 0;
	r = syscall(SYS_rt_sigqueueinfo, 999999, SIGUSR1, &si);
	tap_syscall(r, errno, -1, EPERM, NULL, "... checked before the target is looked up");
	si.si_code = SI_QUEUE;
	errno = 0;
	r = syscall(SYS_rt_sigqueueinfo, 999999, SIGUSR1, &si);
	tap_syscall(r, errno, -1, ESRCH, NULL, "SI_QUEUE to nobody: ESRCH");
	errno = 0;
	r = syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, (void *)8);
	tap_syscall(r, errno, -1, EFAULT, NULL, "a bad siginfo pointer: EFAULT");
	child_case(queueinfo_self, NULL, EXITED(0), "SI_USER to oneself is allowed");
	child_case(over_limit, NULL, EXITED(0), "RLIMIT_SIGPENDING bounds queued real-time signals: EAGAIN");
}

static int exit7(void *arg) { (void)arg; return 7; }
static int sleeper(void *arg) { (void)arg; pause(); return 0; }

static void sigchld(void)
{
	siginfo_t si;
	sigset_t s = only(SIGCHLD);
	block(SIGCHLD);
	pid_t pid = spawn(exit7, NULL);
	int r = sigwaitinfo(&s, &si);
	tap_ok(r == SIGCHLD && si.si_code == CLD_EXITED && si.si_pid == pid && si.si_status == 7 &&
	       si.si_uid == getuid(), "SIGCHLD of an exit: CLD_EXITED, pid, uid, status");
	reap(pid);
	pid = spawn(sleeper, NULL);
	kill(pid, SIGTERM);
	r = sigwaitinfo(&s, &si);
	tap_ok(r == SIGCHLD && si.si_code == CLD_KILLED && si.si_pid == pid && si.si_status == SIGTERM,
	       "SIGCHLD of a death by SIGTERM: CLD_KILLED, status SIGTERM");
	reap(pid);
	unblock(SIGCHLD);
}

static void suspend(void)
{
	sigset_t none, now;
	sigemptyset(&none);
	set_handler(SIGUSR1, count, 0);
	block(SIGUSR1);
	hits = 0;
	pid_t child = later(SIGUSR1, 50);
	errno = 0;
	int r = sigsuspend(&none);
	int e = errno;
	sigprocmask(SIG_BLOCK, NULL, &now);
	tap_ok(r == -1 && e == EINTR && hits == 1 && sigismember(&now, SIGUSR1),
	       "sigsuspend: the handler runs, EINTR, the old mask is back");
	reap(child);
	unblock(SIGUSR1);
	int ack[2];
	child = nag(SIGUSR1, ack);
	hits = 0;
	errno = 0;
	r = pause();
	e = errno;
	stop_nagging(child, ack);
	tap_ok(r == -1 && e == EINTR && hits >= 1, "pause: EINTR after the handler");
}

/* Without SA_RESTART the first signal during the read ends it with EINTR;
 * with it, the read goes on (through every signal) until the byte comes. */
static void interrupted_read(int flags, const char *what)
{
	int fds[2], ack[2];
	char c;
	if (pipe(fds))
		bail("pipe");
	set_handler(SIGUSR1, count, flags);
	hits = 0;
	pid_t child = nag(SIGUSR1, ack), writer = -1;
	if (flags & SA_RESTART) {
		fflush(stdout);
		if ((writer = fork()) == 0) {
			nap(150);
			_exit(write(fds[1], "x", 1) != 1);
		}
	}
	errno = 0;
	long r = read(fds[0], &c, 1);
	int e = errno;
	stop_nagging(child, ack);
	if (writer > 0)
		reap(writer);
	if (flags & SA_RESTART)
		tap_ok(r == 1 && c == 'x' && hits >= 1, "%s: the read is restarted and gets the byte", what);
	else
		tap_syscall(r, e, -1, EINTR, hits >= 1 ? NULL : "no handler ran", "%s: EINTR", what);
	close(fds[0]);
	close(fds[1]);
}

static void interrupted_wait(void)
{
	int ack[2], status;
	set_handler(SIGUSR2, count, 0);
	pid_t a = spawn(sleeper, NULL);
	pid_t b = nag(SIGUSR2, ack);
	errno = 0;
	long r = waitpid(a, &status, 0);
	int e = errno;
	stop_nagging(b, ack);
	tap_syscall(r, e, -1, EINTR, NULL, "wait4 interrupted by a handler without SA_RESTART: EINTR");
	set_handler(SIGUSR2, count, SA_RESTART);
	hits = 0;
	b = nag(SIGUSR2, ack);
	fflush(stdout);
	pid_t killer = fork();
	if (killer == 0) {
		nap(150);
		kill(a, SIGKILL);
		_exit(0);
	}
	r = waitpid(a, &status, 0);
	stop_nagging(b, ack);
	tap_ok(r == a && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && hits >= 1,
	       "with SA_RESTART, wait4 goes on waiting through the signals until the child dies");
	reap(killer);
}

/* A stop and continue with no handler must not disturb a blocked read: it
 * is restarted (or, here, simply goes on) and gets the byte. */
static int read_one(void *fds_)
{
	int *fds = fds_;
	char c;
	close(fds[1]);
	return read(fds[0], &c, 1) == 1 && c == 'z' ? 0 : 1;
}

static void stop_continue_read(void)
{
	int fds[2];
	if (pipe(fds))
		bail("pipe");
	pid_t pid = spawn(read_one, fds);
	nap(50);
	kill(pid, SIGSTOP);
	nap(50);
	kill(pid, SIGCONT);
	nap(50);
	write(fds[1], "z", 1);
	tap_status(reap(pid), EXITED(0), "a read through SIGSTOP and SIGCONT (no handler) gets its byte");
	close(fds[0]);
	close(fds[1]);
}

static void sigpipe(void)
{
	int fds[2];
	if (pipe(fds))
		bail("pipe");
	close(fds[0]);
	set_handler(SIGPIPE, count, 0);
	hits = 0;
	errno = 0;
	long r = write(fds[1], "x", 1);
	tap_syscall(r, errno, -1, EPIPE, hits == 1 && last == SIGPIPE ? NULL : "no SIGPIPE handler ran",
		    "a write with no reader: SIGPIPE to the handler, then EPIPE");
	close(fds[1]);
}

/* A read whose copy to user memory faults halfway (the second page is
 * PROT_NONE) while a signal is pending: Linux's pipe_read gives EFAULT for
 * a buffer it could copy only in part; then the handler runs. */
static void fault_with_pending(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *buf = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(buf + page, page, PROT_NONE);
	int fds[2];
	char data[256];
	memset(data, 'y', sizeof data);
	if (pipe(fds) || write(fds[1], data, sizeof data) != sizeof data)
		bail("pipe");
	set_handler(SIGUSR1, count, SA_RESTART);
	block(SIGUSR1);
	raise(SIGUSR1);
	hits = 0;
	errno = 0;
	long r = read(fds[0], buf + page - 100, sizeof data);
	tap_syscall(r, errno, -1, EFAULT, NULL, "a pipe read whose copy faults midway, a signal pending: EFAULT");
	unblock(SIGUSR1);
	tap_eq(hits, 1, "and the handler runs once unblocked");
	close(fds[0]);
	close(fds[1]);
}

int main(void)
{
	timedwait();
	queued();
	queueinfo();
	sigchld();
	suspend();
	interrupted_read(0, "a pipe read interrupted by a handler");
	interrupted_read(SA_RESTART, "SA_RESTART");
	interrupted_wait();
	stop_continue_read();
	sigpipe();
	fault_with_pending();
	return done_testing();
}

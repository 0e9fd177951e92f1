/* user/bk13b_restart.c — breaker13b: what a system call interrupted by a
 * signal leaves in RAX and in the handler's frame, and when it restarts.
 *
 * Linux's rules: a blocking call interrupted by a handled signal returns
 * -EINTR (never one of the kernel's internal -ERESTART* values), unless the
 * handler has SA_RESTART and the call is restartable, in which case the
 * frame the handler sees already points back at the SYSCALL instruction
 * with RAX = the call's number (so a handler that edits the argument
 * registers changes the restarted call). A stop and continue with no
 * handler restarts the call transparently. A mask that ppoll or pselect6
 * installs is taken down before they return, and a signal it held back
 * runs its handler before the call returns. Runs the same on Linux. */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "child.h"

/* raw_syscall(nr, a0..a4): one SYSCALL whose next instruction is
 * raw_after; returns RAX as the kernel left it. */
long raw_syscall(long nr, long a0, long a1, long a2, long a3, long a4);
extern char raw_after[];
__asm__(".text\n.globl raw_syscall, raw_after\nraw_syscall:\n"
	"mov %rdi, %rax\n mov %rsi, %rdi\n mov %rdx, %rsi\n mov %rcx, %rdx\n"
	"mov %r8, %r10\n mov %r9, %r8\n syscall\nraw_after:\n ret\n");

static volatile int hits;
static volatile long frame_rax, frame_rip, new_rdx;

static void record(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;

	(void)sig, (void)si;
	hits++;
	frame_rax = uc->uc_mcontext.gregs[REG_RAX];
	frame_rip = uc->uc_mcontext.gregs[REG_RIP];
	if (new_rdx)
		uc->uc_mcontext.gregs[REG_RDX] = new_rdx;
}

static void on(int sig, int flags)
{
	struct sigaction sa = { .sa_sigaction = record, .sa_flags = SA_SIGINFO | flags };

	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		bail("sigaction");
}

static void alarm_in(long usec)
{
	struct itimerval it = { .it_value = { usec / 1000000, usec % 1000000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

/* A child that writes `n` bytes into fd after `usec`. */
static pid_t writer_after(int fd, long usec, int n)
{
	fflush(stdout);
	pid_t pid = fork();

	if (pid == 0) {
		usleep(usec);
		_exit(write(fd, "abcdefgh", n) == n ? 0 : 1);
	}
	return pid;
}

static void interrupted_read(void)
{
	int p[2];
	char buf[8];

	if (pipe(p))
		bail("pipe");
	/* No SA_RESTART: -EINTR in rax and in the frame, rip past the call. */
	on(SIGALRM, 0);
	hits = 0;
	alarm_in(30000);
	long r = raw_syscall(SYS_read, p[0], (long)buf, sizeof buf, 0, 0);
	tap_ok(r == -EINTR && hits == 1, "read interrupted without SA_RESTART: rax -EINTR (%ld)", r);
	tap_ok(frame_rax == -EINTR && frame_rip == (long)raw_after,
	       "...the handler's frame: rax -EINTR, rip past the syscall (rax %ld, rip %+ld)",
	       frame_rax, frame_rip - (long)raw_after);

	/* SA_RESTART: the frame is set up for the restart; the handler shrinks
	 * the count to 3 and the restarted read takes 3 of the 8 bytes. */
	on(SIGALRM, SA_RESTART);
	hits = 0;
	new_rdx = 3;
	alarm_in(30000);
	pid_t w = writer_after(p[1], 300000, 8);
	r = raw_syscall(SYS_read, p[0], (long)buf, sizeof buf, 0, 0);
	new_rdx = 0;
	tap_ok(hits == 1 && frame_rax == SYS_read && frame_rip == (long)raw_after - 2,
	       "read with SA_RESTART: the frame holds rax = SYS_read, rip at the SYSCALL (rax %ld, rip %+ld)",
	       frame_rax, frame_rip - (long)raw_after);
	tap_ok(r == 3, "...and the restarted read uses the count the handler wrote (%ld)", r);
	tap_status(reap(w), EXITED(0), "the writer wrote");
	read(p[0], buf, sizeof buf); /* the 5 bytes left */
	close(p[0]);
	close(p[1]);
}

static void interrupted_sleeps(void)
{
	on(SIGALRM, SA_RESTART); /* none of these restart after a handler */

	hits = 0;
	alarm_in(30000);
	long r = raw_syscall(SYS_pause, 0, 0, 0, 0, 0);
	tap_ok(r == -EINTR && hits == 1 && frame_rax == -EINTR,
	       "pause: -EINTR in rax and in the frame, even with SA_RESTART (%ld, %ld)", r, frame_rax);

	struct timespec t = { 5, 0 }, rem = { 0, 0 };
	hits = 0;
	alarm_in(30000);
	r = raw_syscall(SYS_nanosleep, (long)&t, (long)&rem, 0, 0, 0);
	tap_ok(r == -EINTR && hits == 1 && frame_rax == -EINTR,
	       "nanosleep: -EINTR in rax and in the frame, even with SA_RESTART (%ld, %ld)", r, frame_rax);
	tap_ok(rem.tv_sec >= 3 && rem.tv_sec <= 5, "...rem holds the time left (%ld.%09ld)",
	       (long)rem.tv_sec, rem.tv_nsec);

	sigset_t none;
	sigemptyset(&none);
	hits = 0;
	alarm_in(30000);
	r = raw_syscall(SYS_rt_sigsuspend, (long)&none, 8, 0, 0, 0);
	tap_ok(r == -EINTR && hits == 1 && frame_rax == -EINTR,
	       "rt_sigsuspend: -EINTR in rax and in the frame (%ld, %ld)", r, frame_rax);

	struct pollfd pfd = { .fd = -1 };
	struct timespec five = { 5, 0 };
	hits = 0;
	alarm_in(30000);
	r = raw_syscall(SYS_ppoll, (long)&pfd, 1, (long)&five, 0, 8);
	tap_ok(r == -EINTR && hits == 1 && frame_rax == -EINTR,
	       "ppoll: -EINTR in rax and in the frame (%ld, %ld)", r, frame_rax);
	signal(SIGALRM, SIG_DFL);
}

/* ppoll and pselect6 with a mask that blocks SIGALRM: the timer fires in
 * the call, which times out; the handler runs before the call returns. */
static void masked_waits(void)
{
	sigset_t alrm;
	struct timespec t = { 0, 300000000 };
	long r;

	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	on(SIGALRM, 0);

	hits = 0;
	alarm_in(20000);
	r = raw_syscall(SYS_ppoll, 0, 0, (long)&t, (long)&alrm, 8);
	int seen = hits;
	tap_ok(r == 0 && seen == 1 && frame_rax == 0 && frame_rip == (long)raw_after,
	       "ppoll's mask held SIGALRM back; it runs as ppoll returns 0 (r %ld hits %d frame rax %ld)",
	       r, seen, frame_rax);

	struct { const sigset_t *set; size_t size; } sm = { &alrm, 8 };
	/* pselect6 takes {mask, size} as a sixth argument. */
	hits = 0;
	alarm_in(20000);
	t.tv_nsec = 300000000;
	r = syscall(SYS_pselect6, 0, NULL, NULL, NULL, &t, &sm);
	seen = hits;
	tap_ok(r == 0 && seen == 1,
	       "pselect6's mask held SIGALRM back; it runs as pselect6 returns 0 (r %ld hits %d)", r, seen);

	sigset_t cur;
	sigprocmask(SIG_SETMASK, NULL, &cur);
	tap_ok(!sigismember(&cur, SIGALRM), "the caller's mask is back afterwards");
	signal(SIGALRM, SIG_DFL);
}

/* Children stopped and continued in their calls: without a handler the
 * call goes on as if nothing happened. */
static int stopped_read(void *fd_)
{
	char buf[4];
	long r = read(*(int *)fd_, buf, sizeof buf);

	return r == 4 ? 0 : r < 0 ? 100 + errno : 50 + (int)r;
}

static int stopped_sleep(void *unused)
{
	struct timespec t = { 0, 400000000 }, rem = { 0, 0 };
	struct timespec a, b;

	(void)unused;
	clock_gettime(CLOCK_MONOTONIC, &a);
	long r = syscall(SYS_nanosleep, &t, &rem);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	if (r)
		return 100 + errno;
	return ms >= 390 ? 0 : 1;
}

static void stop_cont(pid_t pid)
{
	int st;

	usleep(100000);
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);
	usleep(50000);
	kill(pid, SIGCONT);
}

static void stop_and_continue(void)
{
	int p[2];

	if (pipe(p))
		bail("pipe");
	pid_t pid = spawn(stopped_read, &p[0]);
	stop_cont(pid);
	usleep(50000);
	write(p[1], "wxyz", 4);
	tap_status(reap(pid), EXITED(0), "read in a child stopped and continued: goes on, returns the data");

	pid = spawn(stopped_sleep, NULL);
	stop_cont(pid);
	tap_status(reap(pid), EXITED(0),
		   "nanosleep in a child stopped and continued: returns 0 after its full time");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	interrupted_read();
	interrupted_sleeps();
	masked_waits();
	stop_and_continue();
	return done_testing();
}

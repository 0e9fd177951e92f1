/* user/select.c — select and pselect6. Every rule was first seen on Linux:
 *  - the sets found replace the sets asked for; a descriptor ready both
 *    ways and asked both ways counts twice; a hung-up pipe is readable, a
 *    write end without readers writable (POLLHUP and POLLERR count).
 *  - EBADF for a closed descriptor in any set, but only below nfds;
 *    EINVAL for nfds < 0; EFAULT for a set that cannot be read (none is
 *    read when nfds is 0).
 *  - select's timeval: whole seconds in tv_usec are carried over, negative
 *    values are EINVAL, and the time left is written back — after a
 *    timeout 0, after a wakeup what remained.
 *  - pselect6: its mask is in force only during the wait (a blocked
 *    signal stays pending); sigsetsize other than 8 is EINVAL; the
 *    timespec is written back.
 *  - every descriptor is found at its own bit, past the first 32 too.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/select.h>
#include <time.h>

#include "child.h"
#include "clock.h"

static int p[2]; /* a pipe: p[0] read end, p[1] write end */

/* The raw call: musl's select() passes a copy of the timeval. */
static int sel(int n, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
	return (int)syscall(SYS_select, n, rd, wr, ex, tv);
}

static void set_cases(void)
{
	fd_set rd, wr;
	struct timeval tv = { 0, 0 };

	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(p[1], &rd);
	FD_SET(p[0], &wr);
	FD_SET(p[1], &wr);
	int r = sel(p[1] + 1, &rd, &wr, NULL, &tv);
	tap_ok(r == 1 && !FD_ISSET(p[0], &rd) && !FD_ISSET(p[1], &rd) && !FD_ISSET(p[0], &wr) &&
	       FD_ISSET(p[1], &wr), "empty pipe: only the write end, for writing");
	write(p[1], "x", 1);
	int fd = open("/dev/null", O_RDWR);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(fd, &rd);
	FD_SET(fd, &wr);
	r = sel(fd + 1, &rd, &wr, NULL, &tv);
	tap_ok(r == 3 && FD_ISSET(p[0], &rd) && FD_ISSET(fd, &rd) && FD_ISSET(fd, &wr),
	       "a byte in the pipe, /dev/null in both sets: 3");
	close(fd);

	fd_set ex;
	FD_ZERO(&ex);
	FD_SET(p[0], &ex);
	tap_ok(sel(p[0] + 1, NULL, NULL, &ex, &tv) == 0 && !FD_ISSET(p[0], &ex),
	       "a pipe is never in the exception set");
}

static void error_cases(void)
{
	fd_set rd;
	struct timeval tv = { 0, 0 };
	int closed = lowest_free_fd();

	FD_ZERO(&rd);
	FD_SET(closed, &rd);
	errno = 0;
	tap_ok(sel(closed + 1, &rd, NULL, NULL, &tv) == -1 && errno == EBADF,
	       "a closed descriptor in the read set -> EBADF");
	tap_ok(sel(closed, &rd, NULL, NULL, &tv) == 0, "... not if it is at nfds or above");
	SYSCALL_CASE(-1, EINVAL, "nfds -1 -> EINVAL", SYS_select, -1, NULL, NULL, NULL, &tv);
	SYSCALL_CASE(-1, EFAULT, "a bad read set -> EFAULT", SYS_select, 1, (void *)8, NULL, NULL, &tv);
	SYSCALL_CASE(-1, EFAULT, "a bad write set -> EFAULT", SYS_select, 1, NULL, (void *)8, NULL, &tv);
	SYSCALL_CASE(0, 0, "nfds 0: the bad sets are not read", SYS_select, 0, (void *)8, (void *)8,
		     (void *)8, &tv);
	SYSCALL_CASE(-1, EFAULT, "a bad timeval -> EFAULT", SYS_select, 0, NULL, NULL, NULL, (void *)8);
	tv = (struct timeval){ -1, 0 };
	SYSCALL_CASE(-1, EINVAL, "tv_sec -1 -> EINVAL", SYS_select, 0, NULL, NULL, NULL, &tv);
	tv = (struct timeval){ 0, -1 };
	SYSCALL_CASE(-1, EINVAL, "tv_usec -1 -> EINVAL", SYS_select, 0, NULL, NULL, NULL, &tv);
}

static void timeout_cases(void)
{
	fd_set rd;
	struct timeval tv = { 0, 30000 };
	struct timespec t0;
	char c;

	read(p[0], &c, 1);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = sel(p[0] + 1, &rd, NULL, NULL, &tv);
	long ms = elapsed_ms(&t0);
	if (!tap_ok(r == 0 && ms >= 30 && !FD_ISSET(p[0], &rd) && tv.tv_sec == 0 && tv.tv_usec == 0,
		    "an empty pipe, 30 ms: 0 after at least 30 ms, the set cleared, tv 0 written back"))
		tap_diag("%d after %ld ms, tv %ld.%06ld", r, ms, (long)tv.tv_sec, (long)tv.tv_usec);

	write(p[1], "x", 1);
	FD_SET(p[0], &rd);
	tv = (struct timeval){ 0, 2500000 };
	r = sel(p[0] + 1, &rd, NULL, NULL, &tv);
	tap_ok(r == 1 && tv.tv_sec == 2 && tv.tv_usec > 400000,
	       "tv_usec 2500000 is 2.5 s; ready at once: just under 2.5 s written back");
	read(p[0], &c, 1);

	int closed = lowest_free_fd();
	FD_SET(closed, &rd);
	tv = (struct timeval){ 3, 0 };
	r = sel(closed + 1, &rd, NULL, NULL, &tv);
	tap_ok(r == -1 && errno == EBADF && tv.tv_sec == 2 && tv.tv_usec > 900000,
	       "EBADF: the time left is written back all the same");
}

static int write_later(void *arg)
{
	(void)arg;
	sleep_ms(50);
	return write(p[1], "w", 1) == 1 ? 0 : 1;
}

static void wake_cases(void)
{
	fd_set rd;
	struct timeval tv = { 5, 0 };
	char c;

	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	pid_t pid = spawn(write_later, NULL);
	int r = sel(p[0] + 1, &rd, NULL, NULL, &tv);
	tap_ok(r == 1 && FD_ISSET(p[0], &rd) && tv.tv_sec == 4,
	       "select woken by a child's write; about 5 s - 50 ms left");
	reap(pid);
	read(p[0], &c, 1);

	int q[2];
	if (pipe(q))
		bail("pipe");
	close(q[1]);
	close(p[0]);
	FD_SET(q[0], &rd);
	fd_set wr;
	FD_ZERO(&wr);
	FD_SET(p[1], &wr);
	FD_ZERO(&rd);
	FD_SET(q[0], &rd);
	int n = (q[0] > p[1] ? q[0] : p[1]) + 1;
	tv = (struct timeval){ 0, 0 };
	r = sel(n, &rd, &wr, NULL, &tv);
	tap_ok(r == 2 && FD_ISSET(q[0], &rd) && FD_ISSET(p[1], &wr),
	       "a pipe without writers is readable, one without readers writable");
	close(q[0]);
}

struct argpack {
	const sigset_t *mask;
	size_t size;
};

static bool pending(int sig)
{
	sigset_t s;

	sigpending(&s);
	return sigismember(&s, sig);
}

static void pselect_cases(void)
{
	sigset_t usr1, none;
	struct timespec ts = { 0, 20000000 };
	struct timespec t0;

	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	raise(SIGUSR1);
	struct argpack a = { &usr1, 8 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long r = syscall(SYS_pselect6, 0, NULL, NULL, NULL, &ts, &a);
	tap_ok(r == 0 && elapsed_ms(&t0) >= 20 && pending(SIGUSR1) && ts.tv_sec == 0 && ts.tv_nsec == 0,
	       "pselect6 20 ms with a mask blocking a pending SIGUSR1: 0, still pending, ts 0");
	sigprocmask(SIG_UNBLOCK, &usr1, NULL);
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	tap_ok(!sigismember(&cur, SIGUSR1) && !pending(SIGUSR1),
	       "... unblocking it afterwards (SIG_IGN) takes it");
	signal(SIGUSR1, SIG_DFL);

	a = (struct argpack){ &none, 4 };
	ts = (struct timespec){ 0, 0 };
	SYSCALL_CASE(-1, EINVAL, "pselect6 sigsetsize 4 -> EINVAL", SYS_pselect6, 0, NULL, NULL, NULL, &ts, &a);
	a = (struct argpack){ NULL, 4 };
	SYSCALL_CASE(0, 0, "pselect6 no mask: sigsetsize not looked at", SYS_pselect6, 0, NULL, NULL,
		     NULL, &ts, &a);
	SYSCALL_CASE(-1, EFAULT, "pselect6 bad argpack -> EFAULT", SYS_pselect6, 0, NULL, NULL, NULL, &ts,
		     (void *)8);
	ts = (struct timespec){ 0, 1000000000 };
	SYSCALL_CASE(-1, EINVAL, "pselect6 tv_nsec 1e9 -> EINVAL", SYS_pselect6, 0, NULL, NULL, NULL, &ts, NULL);
}

/* Each descriptor is its own bit of the set: the read end of a pipe
 * holding a byte, moved to 31, 32 and 63 (the edges of a 32-bit word and
 * the top of a 64-bit one; faultline's descriptors end at 63), is found
 * there and nowhere else. A bit made with an int (1 << fd % 64) would be
 * undefined from 31 on and the wrong bit from 32 on. */
static void high_fd_cases(void)
{
	static const int fds[] = { 31, 32, 63 };
	struct timeval tv = { 0, 0 };
	int q[2];

	if (pipe(q) || write(q[1], "x", 1) != 1)
		bail("pipe");
	for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
		int fd = fds[i];
		fd_set rd, want;

		if (dup2(q[0], fd) != fd)
			bail("dup2");
		FD_ZERO(&rd);
		FD_SET(fd, &rd);
		want = rd;
		tap_eq(sel(fd + 1, &rd, NULL, NULL, &tv), 1, "select on fd %d alone, readable -> 1", fd);
		tap_ok(!memcmp(&rd, &want, sizeof rd), "... the set found has fd %d's bit and no other", fd);
		close(fd);
	}
	close(q[0]);
	close(q[1]);
}

int main(void)
{
	signal(SIGUSR1, SIG_IGN); /* pselect_cases' pending SIGUSR1 is thrown away once unblocked */
	if (pipe(p))
		bail("pipe");
	set_cases();
	error_cases();
	timeout_cases();
	wake_cases();
	pselect_cases();
	high_fd_cases();
	return done_testing();
}

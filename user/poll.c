/* user/poll.c — poll and ppoll: what each kind of file answers and how a
 * sleeping poll ends. Every rule was first seen on Linux:
 *  - a pipe's read end is POLLIN while bytes wait and POLLHUP once every
 *    writer is gone; its write end is POLLOUT while a slot is free and
 *    POLLERR once every reader is gone. POLLERR and POLLHUP come whether
 *    asked for or not; other bits only when asked for.
 *  - regular files, /dev/null, /dev/zero and directories are always ready
 *    (DEFAULT_POLLMASK); stdout is writable.
 *  - a negative fd is skipped (revents 0); a closed one is POLLNVAL and
 *    counts.
 *  - a timeout waits at least as long as asked; another process's write
 *    or close wakes a poll that waits for ever; a signal that kills ends
 *    it.
 *  - EINVAL for nfds above RLIMIT_NOFILE, EFAULT for an array that cannot
 *    be read, or written back (a read-only one, after the wait).
 *  - ppoll: EINVAL for tv_nsec out of range and for a sigsetsize other
 *    than 8; the time left is written back (0 after a timeout); its mask
 *    is in force only during the wait: a signal it blocks stays pending,
 *    one it unblocks acts.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>

#include "child.h"
#include "clock.h"

#define IN (POLLIN | POLLRDNORM)
#define OUT (POLLOUT | POLLWRNORM)
#define ALL (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM | POLLPRI)

/* One fd's revents after a poll of timeout 0, or -1 if poll failed. */
static int revents(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static void revents_case(int got, int want, const char *name)
{
	if (!tap_ok(got == want, "%s -> %#x", name, want))
		tap_diag("got %#x", got);
}

static void pipe_cases(void)
{
	int fds[2];
	char c = 'x', buf[4096];

	if (pipe(fds))
		bail("pipe");
	revents_case(revents(fds[0], ALL), 0, "an empty pipe's read end");
	revents_case(revents(fds[1], ALL), OUT, "its write end");
	write(fds[1], &c, 1);
	revents_case(revents(fds[0], ALL), IN, "the read end with a byte waiting");
	revents_case(revents(fds[0], POLLOUT), 0, "... asked only for POLLOUT");
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	while (write(fds[1], buf, sizeof buf) > 0)
		;
	revents_case(revents(fds[1], ALL), 0, "a full pipe's write end");
	close(fds[1]);
	revents_case(revents(fds[0], ALL), IN | POLLHUP, "the read end, bytes waiting, writer gone");
	while (read(fds[0], buf, sizeof buf) > 0)
		;
	revents_case(revents(fds[0], 0), POLLHUP, "... drained, asked for nothing: POLLHUP anyway");
	close(fds[0]);

	if (pipe(fds))
		bail("pipe");
	close(fds[0]);
	revents_case(revents(fds[1], ALL), OUT | POLLERR, "a write end whose reader is gone");
	revents_case(revents(fds[1], POLLIN), POLLERR, "... asked for POLLIN: POLLERR anyway");
	close(fds[1]);
}

static void file_cases(void)
{
	char path[64];
	int fd;

	snprintf(path, sizeof path, "/tmp/poll.%d", getpid());
	fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	unlink(path);
	revents_case(revents(fd, ALL), IN | OUT, "an empty regular file");
	close(fd);
	fd = open("/dev/null", O_WRONLY);
	revents_case(revents(fd, ALL), IN | OUT, "/dev/null opened write-only");
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	revents_case(revents(fd, ALL), IN | OUT, "/dev/zero");
	close(fd);
	fd = open("/", O_RDONLY | O_DIRECTORY);
	revents_case(revents(fd, ALL), IN | OUT, "a directory");
	close(fd);
	revents_case(revents(1, POLLOUT), POLLOUT, "stdout");
}

static void fd_cases(void)
{
	int fds[2];

	if (pipe(fds))
		bail("pipe");
	write(fds[1], "x", 1);
	int closed = lowest_free_fd();
	struct pollfd p[4] = {
		{ .fd = -1, .events = ALL, .revents = 0x7777 },
		{ .fd = closed, .events = 0, .revents = 0x7777 },
		{ .fd = fds[0], .events = POLLIN, .revents = 0x7777 },
		{ .fd = fds[1], .events = POLLIN, .revents = 0x7777 },
	};
	int r = poll(p, 4, 0);
	tap_ok(r == 2 && p[0].revents == 0 && p[1].revents == POLLNVAL && p[2].revents == POLLIN &&
	       p[3].revents == 0,
	       "fd -1 skipped, a closed fd POLLNVAL, a ready one, a not ready one: 2");
	tap_ok(poll(NULL, 0, 0) == 0, "no fds, timeout 0 -> 0");
	close(fds[0]);
	close(fds[1]);
}

static void timeout_cases(void)
{
	int fds[2];
	struct timespec t0;

	if (pipe(fds))
		bail("pipe");
	struct pollfd p = { .fd = fds[0], .events = POLLIN };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int r = poll(&p, 1, 30);
	long ms = elapsed_ms(&t0);
	if (!tap_ok(r == 0 && ms >= 30, "poll of an empty pipe, 30 ms: 0 after at least 30 ms"))
		tap_diag("%d after %ld ms", r, ms);

	struct timespec ts = { 0, 30000000 };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = syscall(SYS_ppoll, &p, 1, &ts, NULL, 8);
	ms = elapsed_ms(&t0);
	tap_ok(r == 0 && ms >= 30 && ts.tv_sec == 0 && ts.tv_nsec == 0,
	       "ppoll, 30 ms: 0 after at least 30 ms, the time left written back as 0");
	write(fds[1], "x", 1);
	ts = (struct timespec){ 5, 0 };
	r = syscall(SYS_ppoll, &p, 1, &ts, NULL, 8);
	tap_ok(r == 1 && ts.tv_sec == 4 && ts.tv_nsec > 0,
	       "ppoll, 5 s, ready at once: the time left is just under 5 s");
	close(fds[0]);
	close(fds[1]);
}

static int write_later(void *fd)
{
	sleep_ms(50);
	return write(*(int *)fd, "w", 1) == 1 ? 0 : 1;
}

static int close_later(void *fd)
{
	sleep_ms(50);
	return close(*(int *)fd);
}

static int poll_forever(void *fd)
{
	struct pollfd p = { .fd = *(int *)fd, .events = POLLIN };

	poll(&p, 1, -1);
	return 1;
}

static void wake_cases(void)
{
	int fds[2];

	if (pipe(fds))
		bail("pipe");
	struct pollfd p = { .fd = fds[0], .events = POLLIN };
	pid_t pid = spawn(write_later, &fds[1]);
	int r = poll(&p, 1, -1);
	tap_ok(r == 1 && p.revents == POLLIN, "a poll waiting for ever is woken by a child's write");
	reap(pid);
	char c;
	read(fds[0], &c, 1);

	pid = spawn(close_later, &fds[1]);
	close(fds[1]);
	r = poll(&p, 1, 5000);
	tap_ok(r == 1 && p.revents == POLLHUP, "... and by the last writer's close: POLLHUP");
	reap(pid);
	close(fds[0]);

	if (pipe(fds))
		bail("pipe");
	pid = spawn(poll_forever, &fds[0]);
	sleep_ms(30);
	kill(pid, SIGTERM);
	tap_status(reap(pid), KILLED(SIGTERM), "SIGTERM ends a poll waiting for ever");
	close(fds[0]);
	close(fds[1]);
}

static void error_cases(void)
{
	struct rlimit rl;
	struct pollfd p = { .fd = 0, .events = POLLIN };

	getrlimit(RLIMIT_NOFILE, &rl);
	SYSCALL_CASE(-1, EINVAL, "poll nfds = RLIMIT_NOFILE + 1 -> EINVAL", SYS_poll, NULL,
		     rl.rlim_cur + 1, 0);
	SYSCALL_CASE(-1, EFAULT, "poll NULL array, nfds 1 -> EFAULT", SYS_poll, NULL, 1, 0);
	SYSCALL_CASE(-1, EFAULT, "poll kernel address -> EFAULT", SYS_poll, 0xffffffff81000000ul, 1, 0);

	struct pollfd *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED)
		bail("mmap");
	ro[0] = (struct pollfd){ .fd = -1 };
	mprotect(ro, 4096, PROT_READ);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	SYSCALL_CASE(-1, EFAULT, "poll a read-only array -> EFAULT ...", SYS_poll, ro, 1, 20);
	tap_ok(elapsed_ms(&t0) >= 20, "... after the 20 ms wait (revents are written at the end)");
	munmap(ro, 4096);

	struct timespec ts = { 0, 1000000000 };
	SYSCALL_CASE(-1, EINVAL, "ppoll tv_nsec 1e9 -> EINVAL", SYS_ppoll, &p, 1, &ts, NULL, 8);
	ts = (struct timespec){ -1, 0 };
	SYSCALL_CASE(-1, EINVAL, "ppoll tv_sec -1 -> EINVAL", SYS_ppoll, &p, 1, &ts, NULL, 8);
	SYSCALL_CASE(-1, EFAULT, "ppoll bad timeout -> EFAULT", SYS_ppoll, &p, 1, (void *)8, NULL, 8);
	sigset_t m;
	sigemptyset(&m);
	ts = (struct timespec){ 0, 0 };
	SYSCALL_CASE(-1, EINVAL, "ppoll sigsetsize 4 -> EINVAL", SYS_ppoll, &p, 1, &ts, &m, 4);
	SYSCALL_CASE(-1, EFAULT, "ppoll bad mask -> EFAULT", SYS_ppoll, &p, 1, &ts, (void *)8, 8);
	SYSCALL_CASE(0, 0, "ppoll no mask: sigsetsize not looked at", SYS_ppoll, NULL, 0, &ts, NULL, 4);
}

static bool pending(int sig)
{
	sigset_t s;

	sigpending(&s);
	return sigismember(&s, sig);
}

static bool blocked(int sig)
{
	sigset_t s;

	sigprocmask(SIG_BLOCK, NULL, &s);
	return sigismember(&s, sig);
}

/* Blocks SIGUSR1, raises it, then ppolls 10 ms with a mask that does not
 * block it: it acts (kills) during the call. */
static int unblocked_by_mask(void *arg)
{
	sigset_t s, none;
	struct timespec ts = { 0, 10000000 };

	(void)arg;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR1);
	sigemptyset(&none);
	syscall(SYS_ppoll, NULL, 0, &ts, &none, 8);
	return 0;
}

static void mask_cases(void)
{
	sigset_t s, usr2;
	struct timespec ts = { 0, 10000000 };

	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	raise(SIGUSR1);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR1);
	sigaddset(&usr2, SIGUSR2);
	tap_ok(syscall(SYS_ppoll, NULL, 0, &ts, &usr2, 8) == 0 && pending(SIGUSR1),
	       "ppoll with a mask that blocks a pending SIGUSR1: it stays pending");
	tap_ok(blocked(SIGUSR1) && !blocked(SIGUSR2), "... and our own mask is back");
	signal(SIGUSR1, SIG_IGN); /* takes the pending one */
	signal(SIGUSR1, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	child_case(unblocked_by_mask, NULL, KILLED(SIGUSR1),
		   "ppoll with a mask that unblocks a pending SIGUSR1");
}

int main(void)
{
	pipe_cases();
	file_cases();
	fd_cases();
	timeout_cases();
	wake_cases();
	error_cases();
	mask_cases();
	return done_testing();
}

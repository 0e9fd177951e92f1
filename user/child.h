/* user/child.h — child processes and pipes for the ring-3 tests that fork
 * (fork_cow, pipes, exec, workers, badptr2, mq ...), and dropping a capability.
 *
 * Only the parent prints TAP; a child reports through its exit status or a
 * pipe and leaves with _exit, so it never flushes a copy of the parent's
 * stdio buffers (tap.h flushes every line, but printf users might not).
 * A status is compared as a whole word: EXITED(n) or KILLED(sig), so that
 * "exit 11" and "killed by SIGSEGV" (both 11 somewhere) never pass for
 * each other.
 */
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define EXITED(n) (((n) & 0xff) << 8) /* the status word of a normal exit */
#define KILLED(sig) (sig)            /* ... and of death by a signal (no core) */

/* Forks a child that runs fn(arg) and exits with what it returns; -1 if
 * fork failed. */
static inline pid_t spawn(int (*fn)(void *), void *arg)
{
	fflush(stdout);
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(arg));
	return pid;
}

/* wait4 for one child; its status word with the core-dump bit cleared, or
 * -1 if wait4 failed. */
static inline int reap(pid_t pid)
{
	int status;

	if (pid < 0 || wait4(pid, &status, 0, NULL) != pid)
		return -1;
	return WIFSIGNALED(status) ? WTERMSIG(status) : status;
}

static inline const char *status_name(int status)
{
	static char buf[2][40];
	static int which;
	char *s = buf[which++ & 1]; /* two may appear in one diagnostic */

	if (status == -1)
		snprintf(s, sizeof buf[0], "no child (%s)", tap_errname(errno));
	else if (WIFEXITED(status))
		snprintf(s, sizeof buf[0], "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(s, sizeof buf[0], "killed by %s", tap_signame(WTERMSIG(status)));
	else
		snprintf(s, sizeof buf[0], "status %#x", status);
	return s;
}

/* One case: a status as reap() returns it must be `want`. */
static inline int tap_status(int got, int want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vok(got == want, fmt, ap);
	va_end(ap);
	if (got != want)
		tap_diag("expected %s, got %s", status_name(want), status_name(got));
	return got == want;
}

/* spawn + reap + tap_status. */
static inline int child_case(int (*fn)(void *), void *arg, int want, const char *name)
{
	return tap_status(reap(spawn(fn, arg)), want, "%s -> %s", name, status_name(want));
}

/* A child that blocks reading fds[0] until EOF and then exits 0 (1 if data
 * came instead). EOF comes only once no write end is open anywhere, so it
 * first closes its own inherited copy of fds[1]. */
static inline int until_eof(void *fds_)
{
	int *fds = fds_;
	char c;

	close(fds[1]);
	return read(fds[0], &c, 1) == 0 ? 0 : 1;
}

/* read() until n bytes or EOF; returns the count, or -1 on an error. */
static inline long read_full(int fd, void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		long r = read(fd, (char *)buf + done, n - done);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		done += r;
	}
	return done;
}

/* write() all n bytes; returns n, or -1 on an error. */
static inline long write_full(int fd, const void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		long r = write(fd, (const char *)buf + done, n - done);
		if (r <= 0)
			return -1;
		done += r;
	}
	return n;
}

/* Leave every capability but cap (one of 0..31), in the effective and
 * permitted sets: 0 or -1. How a test runs as root without a privilege. */
static inline int drop_capability(int cap)
{
	struct { unsigned version; int pid; } hdr = { 0x20080522, 0 }; /* _LINUX_CAPABILITY_VERSION_3 */
	struct { unsigned eff, perm, inh; } data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[0].eff &= ~(1u << cap);
	data[0].perm &= ~(1u << cap);
	return (int)syscall(SYS_capset, &hdr, data);
}

/* The lowest free descriptor, as the next open() gets it: a call that
 * must not leak descriptors leaves this unchanged. */
static inline int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY);

	if (fd >= 0)
		close(fd);
	return fd;
}

/* user/fdlimit.c — RLIMIT_NOFILE bounds every new descriptor: open, dup,
 * pipe and fcntl(F_DUPFD) past the soft limit are EMFILE; dup2 and dup3 to
 * a target at or past it are EBADF, F_DUPFD from there EINVAL. Descriptors
 * opened before the limit was lowered stay usable. Raw syscalls, so that
 * libc checks nothing itself.
 */
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tap.h"

#define LIMIT 10

static long got;
static int err;

#define CHECK(expr, want, e, ...) \
	(errno = 0, got = (long)(expr), err = errno, \
	 tap_syscall(got, err, want, e, NULL, __VA_ARGS__))

int main(void)
{
	struct rlimit lim = { LIMIT, 64 };
	int high = 20, p[2];

	if (dup2(0, high) != high)
		bail("setup");
	for (int fd = 3; fd < 64; fd++)
		if (fd != high)
			close(fd);
	CHECK(syscall(SYS_setrlimit, RLIMIT_NOFILE, &lim), 0, 0, "setrlimit(RLIMIT_NOFILE, soft 10, hard 64)");

	int last = -1;
	for (int i = 3; i < LIMIT; i++)
		last = open("/dev/null", O_RDONLY);
	tap_eq(last, LIMIT - 1, "open fills descriptors up to 9");
	CHECK(open("/dev/null", O_RDONLY), -1, EMFILE, "open past the limit -> EMFILE");
	CHECK(open("/nonexistent", O_RDONLY), -1, EMFILE, "open of a missing file past the limit -> EMFILE first");
	CHECK(syscall(SYS_dup, 0), -1, EMFILE, "dup past the limit -> EMFILE");
	CHECK(syscall(SYS_fcntl, 0, F_DUPFD, 0), -1, EMFILE, "fcntl(F_DUPFD, 0) with none free -> EMFILE");
	CHECK(syscall(SYS_fcntl, 0, F_DUPFD, LIMIT), -1, EINVAL, "fcntl(F_DUPFD, 10) -> EINVAL");
	CHECK(syscall(SYS_fcntl, 0, F_DUPFD_CLOEXEC, LIMIT + 5), -1, EINVAL, "fcntl(F_DUPFD_CLOEXEC, 15) -> EINVAL");
	CHECK(syscall(SYS_dup2, 0, LIMIT), -1, EBADF, "dup2 to 10 -> EBADF");
	CHECK(syscall(SYS_dup3, 0, LIMIT, 0), -1, EBADF, "dup3 to 10 -> EBADF");
	CHECK(syscall(SYS_dup2, 0, LIMIT - 1), LIMIT - 1, 0, "dup2 to 9 replaces it -> 9");
	CHECK(syscall(SYS_pipe, p), -1, EMFILE, "pipe with none free -> EMFILE");
	close(LIMIT - 1);
	CHECK(syscall(SYS_pipe, p), -1, EMFILE, "pipe with one free -> EMFILE");
	CHECK(syscall(SYS_dup, 0), LIMIT - 1, 0, "... and left that one free: dup -> 9");
	close(LIMIT - 1);
	CHECK(syscall(SYS_fcntl, 0, F_DUPFD, 5), LIMIT - 1, 0, "fcntl(F_DUPFD, 5) -> 9, the one free");
	CHECK(syscall(SYS_read, high, NULL, 0), 0, 0, "a descriptor above the limit, opened before, still works");
	CHECK(syscall(SYS_dup2, high, 3), 3, 0, "... and can be dup2'ed below it");
	CHECK(syscall(SYS_close, high), 0, 0, "... and closed");

	lim.rlim_cur = 65;
	CHECK(syscall(SYS_setrlimit, RLIMIT_NOFILE, &lim), -1, EINVAL, "a soft limit above the hard one -> EINVAL");
	for (int fd = 3; fd < LIMIT; fd++)
		close(fd);
	return done_testing();
}

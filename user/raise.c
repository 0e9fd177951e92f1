/* user/raise.c — signals aimed at one thread: tkill and tgkill, which
 * musl's raise() and abort() use. faultline has one thread per process, so
 * the thread id is the pid. Found missing by a black-box test (raise did
 * nothing, abort died of SIGSEGV); each case is Linux's answer. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"

/* The call runs before errno is read (function arguments have no order). */
#define CASE(call, want, want_err, name)                                    \
	do {                                                                 \
		errno = 0;                                                   \
		long r_ = (call);                                            \
		tap_syscall(r_, errno, want, want_err, NULL, name);          \
	} while (0)

static int raise_kill(void *arg) { (void)arg; raise(SIGKILL); return 100; }
static int raise_segv(void *arg) { (void)arg; raise(SIGSEGV); return 100; }
static int do_abort(void *arg) { (void)arg; abort(); }

int main(void)
{
	pid_t me = getpid();

	child_case(raise_kill, NULL, KILLED(SIGKILL), "raise(SIGKILL)");
	child_case(raise_segv, NULL, KILLED(SIGSEGV), "raise(SIGSEGV)");
	child_case(do_abort, NULL, KILLED(SIGABRT), "abort()");
	CASE(syscall(SYS_tkill, me, 0), 0, 0, "tkill(self, 0) -> 0");
	CASE(syscall(SYS_tgkill, me, me, 0), 0, 0, "tgkill(self, self, 0) -> 0");
	CASE(syscall(SYS_tkill, 0, 0), -1, EINVAL, "tkill(0, 0) -> EINVAL");
	CASE(syscall(SYS_tkill, -5, SIGKILL), -1, EINVAL, "tkill(-5, SIGKILL) -> EINVAL");
	CASE(syscall(SYS_tgkill, 0, me, 0), -1, EINVAL, "tgkill(0, self, 0) -> EINVAL");
	CASE(syscall(SYS_tgkill, me, -1, 0), -1, EINVAL, "tgkill(self, -1, 0) -> EINVAL");
	CASE(syscall(SYS_tgkill, me + 100000, me, 0), -1, ESRCH, "tgkill with another process's tgid -> ESRCH");
	CASE(syscall(SYS_tkill, 4000000, 0), -1, ESRCH, "tkill of a missing tid -> ESRCH");
	CASE(syscall(SYS_tkill, me, 65), -1, EINVAL, "tkill(self, 65) -> EINVAL");
	return done_testing();
}

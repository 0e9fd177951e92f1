/* user/tap.h — the TAP output every ring-3 test program prints.
 *
 * TAP because both runners (tests/run-linux on the host, faultline's runner
 * over the serial console) already parse it: one "ok N - name" or
 * "not ok N - name" line per case, "# ..." diagnostics, a "1..N" plan.
 * The plan comes last (done_testing), so a program that is killed halfway
 * has no plan and the runner counts it as failed even if every line so far
 * said ok. Each line is flushed at once for the same reason: a crash must
 * not swallow the cases that ran before it.
 */
#pragma once
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static int tap_count, tap_failed;

/* Which kernel runs us: faultline's sysname is "Linux" (the ABI it
 * implements); its version string says which kernel it is. For the cases
 * that must never run on the host (the OOM killer, swapoff of the test
 * machine's disks) and for tap_not_yet. */
static inline bool on_faultline(void)
{
	struct utsname u;

	return uname(&u) == 0 && strstr(u.version, "faultline");
}

static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputs("\n", stdout);
	fflush(stdout);
	va_end(ap);
}

static inline int tap_vok(int pass, const char *fmt, va_list ap)
{
	tap_count++;
	tap_failed += !pass;
	printf("%s %d - ", pass ? "ok" : "not ok", tap_count);
	vprintf(fmt, ap);
	fputs("\n", stdout);
	fflush(stdout);
	return pass;
}

static inline int tap_ok(int pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vok(pass, fmt, ap);
	va_end(ap);
	return pass;
}

/* Equality of two machine words, shown in hex on failure. */
static inline int tap_eq(unsigned long got, unsigned long want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vok(got == want, fmt, ap);
	va_end(ap);
	if (got != want)
		tap_diag("expected %#lx, got %#lx", want, got);
	return got == want;
}

/* Only the errnos these programs expect; anything else prints as a number. */
static inline const char *tap_errname(int e)
{
	static char num[16];

	switch (e) {
	case 0: return "0";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case EEXIST: return "EEXIST";
	case ENOENT: return "ENOENT";
	case EBADF: return "EBADF";
	case ENOSYS: return "ENOSYS";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ECHILD: return "ECHILD";
	case EPIPE: return "EPIPE";
	case EAGAIN: return "EAGAIN";
	case ERANGE: return "ERANGE";
	case E2BIG: return "E2BIG";
	case ENOEXEC: return "ENOEXEC";
	case EACCES: return "EACCES";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ESPIPE: return "ESPIPE";
	case ELOOP: return "ELOOP";
	case EPERM: return "EPERM";
	case EBUSY: return "EBUSY";
	case EMFILE: return "EMFILE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOTTY: return "ENOTTY";
	case ENODEV: return "ENODEV";
	case EFBIG: return "EFBIG";
	case ENOSPC: return "ENOSPC";
	}
	snprintf(num, sizeof num, "errno %d", e);
	return num;
}

/* The signals a test program expects to see a child die of. */
static inline const char *tap_signame(int sig)
{
	static char num[16];

	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGPIPE: return "SIGPIPE";
	case SIGKILL: return "SIGKILL";
	case SIGBUS: return "SIGBUS";
	case SIGILL: return "SIGILL";
	case SIGABRT: return "SIGABRT";
	}
	snprintf(num, sizeof num, "signal %d", sig);
	return num;
}

/* A raw syscall result: want >= 0 is the exact return value; want == -1
 * means failure with errno want_err. `extra`, if not NULL, is a further
 * reason the case failed (a guard byte changed, ...). */
static inline int tap_syscall(long got, int got_err, long want, int want_err,
			      const char *extra, const char *fmt, ...)
{
	int match = got == want && (want != -1 || got_err == want_err);
	va_list ap;

	va_start(ap, fmt);
	tap_vok(match && !extra, fmt, ap);
	va_end(ap);
	if (!match)
		tap_diag("expected %ld (%s), got %ld (%s)", want,
			 want == -1 ? tap_errname(want_err) : "ok", got,
			 got == -1 ? tap_errname(got_err) : "ok");
	if (extra)
		tap_diag("%s", extra);
	return match && !extra;
}

/* One raw syscall(...) as a case: its result must be want, or -1 with
 * errno err. (A macro so that errno is read after the call, not before.) */
#define SYSCALL_CASE(want, err, name, ...) do {                            \
	errno = 0;                                                         \
	long r_ = syscall(__VA_ARGS__);                                    \
	int e_ = errno;                                                    \
	tap_syscall(r_, e_, want, err, NULL, "%s", name);                  \
} while (0)

/* The same for any expression: expr must return want, or fail with errno
 * e when want is -1 (errno is read after expr, not before). */
#define TRY(expr, want, e, ...) do {                                       \
	errno = 0;                                                         \
	long r_ = (long)(expr);                                            \
	int e_ = errno;                                                    \
	tap_syscall(r_, e_, want, e, NULL, __VA_ARGS__);                  \
} while (0)

/* Gives up on the whole program when its setup fails: TAP's "Bail out!". */
static inline void bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, tap_errname(errno));
	exit(1);
}

/* Prints the plan; returns the exit status: 0 if every case passed. */
static inline int done_testing(void)
{
	printf("1..%d\n", tap_count);
	if (tap_failed)
		printf("# failed %d of %d\n", tap_failed, tap_count);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

/* A difference from Linux that a black-box test found and that is not
 * fixed yet: on faultline the CASES that follow are reported as skipped,
 * saying what faultline lacks (each is listed in its issue's closing note
 * and in docs); on Linux they run. True when the caller must skip them. */
static inline bool tap_not_yet(int cases, const char *lacking)
{
	if (!on_faultline())
		return false;
	for (int i = 0; i < cases; i++)
		tap_ok(1, "# SKIP faultline has no %s yet", lacking);
	return true;
}

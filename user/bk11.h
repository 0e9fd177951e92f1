/* user/bk11.h — breaker11's shared bits: a terminal to test, and a shared
 * page where a child explains why it failed.
 *
 * The terminal: on Linux a fresh pty (posix_openpt), whose *slave* is the
 * device under test, with the master kept to look at what the slave wrote;
 * on faultline, which has no ptys, /dev/console. Both are opened with
 * O_NOCTTY, so a test takes the terminal as controlling terminal only with
 * TIOCSCTTY, explicitly, on both kernels.
 *
 * Job-control cases run in children (a session leader and its processes)
 * that say what went wrong in `why` (a MAP_SHARED page) and exit with the
 * number of the check that failed; the parent prints it as a diagnostic.
 */
#pragma once
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "child.h"

/* The kernel's struct termios (36 bytes), as TCGETS/TCSETS copy it; musl's
 * has 32 c_cc bytes and speed fields after. */
struct kterm {
	uint32_t iflag, oflag, cflag, lflag;
	uint8_t line;
	uint8_t cc[19];
};

static int term_master = -1; /* Linux only: the pty's master */

/* Opens the terminal under test, O_RDWR|O_NOCTTY|extra; -1 on failure. */
static inline int term_open(int extra)
{
	if (on_faultline())
		return open("/dev/console", O_RDWR | O_NOCTTY | extra);
	if (term_master < 0) {
		term_master = posix_openpt(O_RDWR | O_NOCTTY);
		if (term_master < 0 || grantpt(term_master) || unlockpt(term_master))
			return -1;
	}
	return open(ptsname(term_master), O_RDWR | O_NOCTTY | extra);
}

static inline long kget(int fd, struct kterm *t) { return ioctl(fd, TCGETS, t); }
static inline long kset(int fd, unsigned long req, const struct kterm *t) { return ioctl(fd, req, t); }

/* ---- children that explain their failures -------------------------------- */

static char *why; /* a shared page: the first failed check's description */
static int step __attribute__((unused)); /* checks done so far in this child */

static inline void why_setup(void)
{
	why = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (why == MAP_FAILED)
		bail("mmap");
}

/* In a child: one check; on failure, note it and leave with its number. */
#define EXPECT(cond, ...) do {                                             \
	step++;                                                            \
	if (!(cond)) {                                                     \
		int e_ = errno;                                            \
		int n_ = snprintf(why, 4000, __VA_ARGS__);                 \
		snprintf(why + n_, 4000 - n_, " (errno %s)", tap_errname(e_)); \
		_exit(step);                                               \
	}                                                                  \
} while (0)

/* In a child: a call that must fail with errno e. */
#define EXPECT_ERR(expr, e, what) do {                                     \
	errno = 0;                                                         \
	long r_ = (long)(expr);                                            \
	EXPECT(r_ == -1 && errno == (e), "%s: got %ld, want %s", what, r_, \
	       tap_errname(e));                                            \
} while (0)

/* Runs fn in a child; the case passes when it exits 0. */
static inline void jc_case(int (*fn)(void *), void *arg, const char *name)
{
	why[0] = 0;
	int st = reap(spawn(fn, arg));

	tap_ok(st == 0, "%s", name);
	if (st != 0)
		tap_diag("%s: %s", status_name(st), why);
}

/* A child in a new session whose controlling terminal is the terminal: the
 * fd, or -1 (noted in why). */
static inline int become_leader(void)
{
	if (setsid() < 0) {
		snprintf(why, 4000, "setsid: %s", tap_errname(errno));
		return -1;
	}
	int fd = term_open(0);

	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0) {
		snprintf(why, 4000, "open/TIOCSCTTY: %s", tap_errname(errno));
		return -1;
	}
	return fd;
}

static inline void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts))
		;
}

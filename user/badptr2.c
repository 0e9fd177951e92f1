/* user/badptr2.c — the bad-pointer matrix (badptr.h, see badptr.c) for the
 * syscalls that came with processes, pipes, directories and sleeping:
 * pipe, pipe2, wait4, getcwd, getdents64, newfstatat, nanosleep and
 * clock_nanosleep. (execve's pointers are in exec.c.)
 *
 * Besides the result and the bytes around the buffer, a refused call must
 * leave no trace: pipe must not leak the descriptors it made before the
 * copy-out failed. Linux behaviours asserted here, each found by running it:
 *  - wait4 with a bad status (or rusage) pointer reaps the child and then
 *    returns EFAULT: the exit status is lost, and waiting again is ECHILD.
 *  - getcwd checks the size before the buffer: NULL with size 1 is ERANGE.
 *  - getdents64 that faults after a whole record returns that record's
 *    length, not EFAULT; a count above INT_MAX is EINVAL, even for a good
 *    buffer.
 *  - nanosleep writes rem only when interrupted: a bad rem is never noticed.
 *  - newfstatat(fd, NULL, buf, AT_EMPTY_PATH) works (since Linux 6.11).
 */
#include "badptr.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "child.h"

/* ---- pipe, pipe2: fds[2] out, and no descriptor leaked on failure --------- */

static long pipe_common(long nr, void *fds)
{
	int lowest = lowest_free_fd();
	long r = syscall(nr, fds, O_CLOEXEC); /* pipe ignores the second argument */
	int e = errno;

	if (r == 0)
		close(((int *)fds)[0]), close(((int *)fds)[1]);
	else if (lowest_free_fd() != lowest)
		case_extra = "a descriptor leaked";
	errno = e;
	return r;
}

static long pipe_(void *fds) { return pipe_common(SYS_pipe, fds); }
static long pipe2_(void *fds) { return pipe_common(SYS_pipe2, fds); }

/* ---- wait4: status and rusage out, after the child is reaped -------------- */

static int exit3(void *unused) { (void)unused; return 3; }

static long wait4_common(void *status, void *rusage)
{
	pid_t pid = spawn(exit3, NULL);
	long r = syscall(SYS_wait4, pid, status, 0, rusage);
	int e = errno;

	/* If the kernel did not reap it, this does; Linux already has. */
	if (r == -1 && wait4(pid, NULL, 0, NULL) != -1)
		case_extra = "the child was not reaped";
	else if (r == pid && status && *(int *)status != EXITED(3))
		case_extra = "the status is not exit 3";
	errno = e;
	return r == pid ? 0 : r;
}

static long wait4_status(void *p) { return wait4_common(p, NULL); }
static long wait4_rusage(void *p) { return wait4_common(NULL, p); }

/* WNOHANG with nothing to report returns 0 before status is looked at. */
static void wait4_nohang(void)
{
	int fds[2];

	if (pipe(fds))
		bail("pipe");
	pid_t pid = spawn(until_eof, fds);
	close(fds[0]);
	RUN(syscall(SYS_wait4, pid, hole, WNOHANG, NULL));
	check(0, 0, 0, 0, NULL, "wait4 WNOHANG, child running: unmapped status");
	RUN(syscall(SYS_wait4, pid, 0xffff800000000000, WNOHANG, NULL));
	check(0, 0, 0, 0, NULL, "wait4 WNOHANG, child running: kernel-address status");
	close(fds[1]);
	tap_status(reap(pid), EXITED(0), "that child then exits normally");
}

/* ---- getcwd: the size is checked before the buffer -------------------------- */

static void getcwd_cases(void)
{
	static char cwd[PAGE];
	long len = syscall(SYS_getcwd, cwd, sizeof cwd); /* with the NUL */

	if (len < 2)
		bail("getcwd");
	for (int i = 0; i < nbad; i++) {
		if (bads[i].flags & WITH_LEN)
			continue;
		RUN(syscall(SYS_getcwd, bads[i].addr, PAGE));
		check(-1, EFAULT, 0, 0, NULL, case_name("getcwd, size 4096", bads[i].name));
	}
	memset(rw, 0xa5, PAGE);
	RUN(syscall(SYS_getcwd, rw + PAGE - len, len));
	check(len, 0, PAGE - len, PAGE, (unsigned char *)cwd,
	      "getcwd: exact size, ending at last mapped byte");
	RUN(syscall(SYS_getcwd, rw + PAGE - len + 1, len));
	check(-1, EFAULT, PAGE - len + 1, PAGE, NULL, "getcwd: exact size, 1 byte past mapping");
	RUN(syscall(SYS_getcwd, NULL, 1));
	check(-1, ERANGE, 0, 0, NULL, "getcwd: NULL, size 1 (too small)");
	RUN(syscall(SYS_getcwd, 0xffff800000000000, len - 1));
	check(-1, ERANGE, 0, 0, NULL, "getcwd: kernel address, size one too small");
}

/* ---- getdents64: an empty directory holds "." and "..", 24 bytes each ------- */

static char emptydir[64];

/* Each call from the start of the directory. */
static long getdents_(void *buf, size_t count)
{
	return fresh_fd_call(SYS_getdents64, emptydir, O_RDONLY | O_DIRECTORY, buf, count);
}

/* The part of [a, a + len) inside rw, as offsets [*lo, *hi); empty if none. */
static void in_rw(uintptr_t a, size_t len, size_t *lo, size_t *hi)
{
	uintptr_t r = (uintptr_t)rw, end = a + len;

	*lo = *hi = 0;
	if (end <= a || end <= r || a >= r + PAGE)
		return;
	*lo = a > r ? a - r : 0;
	*hi = end < r + PAGE ? end - r : PAGE;
}

static void getdents_cases(void)
{
	for (int i = 0; i < nbad; i++) {
		size_t lo, hi;

		/* Linux stores a record's fields one by one, d_off first: those
		 * that land in rw stay written when a later one faults. */
		in_rw(bads[i].addr, bads[i].len, &lo, &hi);
		RUN(getdents_((void *)bads[i].addr, bads[i].len));
		/* The count is an int inside Linux: one above INT_MAX is EINVAL. */
		check(-1, (unsigned)bads[i].len > INT32_MAX ? EINVAL : EFAULT, lo, hi, NULL,
		      case_name("getdents64", bads[i].name));
	}
	memset(rw, 0xa5, PAGE);
	RUN(getdents_(rw + PAGE - 48, 48));
	check(48, 0, PAGE - 48, PAGE, NULL, "getdents64: both records end at last mapped byte");
	RUN(getdents_(rw + PAGE - 40, 64));
	check(24, 0, PAGE - 40, PAGE, NULL,
	      "getdents64: 40 bytes mapped: the first record, then a fault");
	RUN(getdents_(rw + PAGE - 16, 64));
	check(-1, EFAULT, PAGE - 16, PAGE, NULL, "getdents64: 16 bytes mapped: first record faults");
	RUN(getdents_(rw, 0x80000000UL));
	check(-1, EINVAL, 0, 0, NULL, "getdents64: good buffer, count 0x80000000");
	RUN(getdents_(NULL, 0));
	check(-1, EINVAL, 0, 0, NULL, "getdents64: NULL, count 0 (no room)");
}

/* ---- newfstatat: the path in, the struct out ---------------------------------- */

static struct stat st;

static long stat_path(void *path) { return syscall(SYS_newfstatat, AT_FDCWD, path, &st, 0); }
static long stat_buf(void *buf) { return syscall(SYS_newfstatat, AT_FDCWD, file_path, buf, 0); }

static void stat_cases(void)
{
	const struct outcall out = { "newfstatat statbuf", stat_buf, sizeof(struct stat), false };

	in_bad_cases("newfstatat path", stat_path);
	path_edges("newfstatat", stat_path);
	out_cases(&out);
	RUN(syscall(SYS_newfstatat, 1, NULL, &st, AT_EMPTY_PATH));
	check(0, 0, 0, 0, NULL, "newfstatat(1, NULL, AT_EMPTY_PATH): NULL is the empty path");
}

/* ---- nanosleep, clock_nanosleep ------------------------------------------------- */

static const struct timespec short_req = { 0, 1000 }; /* 1 us */

struct sleeper {
	const char *name;
	long (*call)(const void *req, void *rem);
};

static long nanosleep_(const void *req, void *rem) { return syscall(SYS_nanosleep, req, rem); }
static long clock_nanosleep_(const void *req, void *rem)
{
	return syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, req, rem);
}

static const struct sleeper sleepers[] = {
	{ "nanosleep", nanosleep_ },
	{ "clock_nanosleep", clock_nanosleep_ },
};

static const struct sleeper *sleeper;
static long sleep_req(void *req) { return sleeper->call(req, NULL); }

static long ns_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000000000L + t1.tv_nsec - t0->tv_nsec;
}

static void sleep_cases(const struct sleeper *s)
{
	char name[96];
	struct timespec *req = (struct timespec *)(rw + PAGE - sizeof *req), t0;

	sleeper = s;
	snprintf(name, sizeof name, "%s: req", s->name);
	in_bad_cases(name, sleep_req);
	snprintf(name, sizeof name, "%s: rem", s->name);
	for (int i = 0; i < nbad; i++) {
		if (bads[i].flags & WITH_LEN)
			continue;
		RUN(s->call(&short_req, (void *)bads[i].addr));
		check(0, 0, 0, 0, NULL, case_name(name, bads[i].name));
	}
	*req = short_req;
	RUN(s->call(req, NULL));
	check(0, 0, 0, 0, NULL, case_name(s->name, "req ending at last mapped byte"));
	RUN(s->call((char *)req + 1, NULL));
	check(-1, EFAULT, 0, 0, NULL, case_name(s->name, "req 1 byte past end of mapping"));
	RUN(s->call(&(struct timespec){ 0, 1000000000 }, NULL));
	check(-1, EINVAL, 0, 0, NULL, case_name(s->name, "tv_nsec 1000000000"));
	RUN(s->call(&(struct timespec){ -1, 0 }, NULL));
	check(-1, EINVAL, 0, 0, NULL, case_name(s->name, "tv_sec -1"));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	long r = s->call(&(struct timespec){ 0, 10000000 }, NULL);
	long ns = ns_since(&t0);
	tap_ok(r == 0 && ns >= 10000000, "%s: 10 ms takes at least 10 ms of CLOCK_MONOTONIC", s->name);
	if (r || ns < 10000000)
		tap_diag("returned %ld, took %ld ns", r, ns);
}

static void clock_nanosleep_extra(void)
{
	struct timespec t;

	RUN(syscall(SYS_clock_nanosleep, 12345, 0, &short_req, NULL));
	check(-1, EINVAL, 0, 0, NULL, "clock_nanosleep: unknown clock");
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += 10000000;
	if (t.tv_nsec >= 1000000000)
		t.tv_sec++, t.tv_nsec -= 1000000000;
	long r = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &t, hole);
	struct timespec zero = { 0, 0 };
	tap_ok(r == 0 && ns_since(&t) >= 0,
	       "clock_nanosleep TIMER_ABSTIME now+10ms: returns 0 no earlier, rem ignored");
	RUN(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &zero, NULL));
	check(0, 0, 0, 0, NULL, "clock_nanosleep TIMER_ABSTIME in the past");
}

int main(void)
{
	const struct outcall pipes[] = {
		{ "pipe", pipe_, 2 * sizeof(int), false },
		{ "pipe2(O_CLOEXEC)", pipe2_, 2 * sizeof(int), false },
	};
	const struct outcall waits[] = {
		{ "wait4 status", wait4_status, sizeof(int), true },
		{ "wait4 rusage", wait4_rusage, 144, true }, /* the kernel's size; musl's is 272 */
	};

	setup_arena();
	setup_bads();
	snprintf(emptydir, sizeof emptydir, "/tmp/badptr2.%d", getpid());
	if (mkdir(emptydir, 0755))
		bail(emptydir);

	for (size_t i = 0; i < 2; i++)
		out_cases(&pipes[i]);
	for (size_t i = 0; i < 2; i++)
		out_cases(&waits[i]);
	wait4_nohang();
	getcwd_cases();
	getdents_cases();
	stat_cases();
	for (size_t i = 0; i < sizeof sleepers / sizeof *sleepers; i++)
		sleep_cases(&sleepers[i]);
	clock_nanosleep_extra();
	rmdir(emptydir);
	return done_testing();
}

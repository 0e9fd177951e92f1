/* user/bk12_exhaust.c — a child uses up one resource until the kernel says
 * no: a tmpfs file written until ENOSPC/ENOMEM, anonymous memory touched
 * until the OOM killer or ENOMEM, processes forked until EAGAIN, pipes
 * filled until they cannot be made, descriptors dup'd until EMFILE,
 * threads until EAGAIN. The hog may fail or be killed; init (this program)
 * must not be, and once the hog is gone everything works again and the
 * memory comes back (no leak).
 *
 * On faultline each hog is unbounded; on the host each has a cap (or an
 * rlimit), so the host is never harmed: the checks are the same.
 *
 * Inspired by: xv6 usertests sbrkfail (the kernel must survive a process
 * that takes all memory, and a later process must get it back), "outofinodes",
 * forkforkfork; LTP mem/oom01..05, fork12 (fork until failure), pipe15
 * (many pipes), dup05 / getdtablesize01 (descriptors to the limit),
 * pthread creation until EAGAIN; gVisor's "RLIMIT_NOFILE" tests.
 */
#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>

#include "bk12.h"

static bool fl; /* on faultline: no caps */
static volatile int *shared; /* [0] a count, [1] an errno, [2] a limit, [3] a last fd: from the hog */

static long free_kb(void)
{
	struct sysinfo si;

	sysinfo(&si);
	return (long)(si.freeram * si.mem_unit / 1024);
}

/* After a hog is gone: a fork, 16 MiB, a file and a pipe all work; on
 * faultline free memory is back within 2 MiB of what it was before. */
static void recovered(const char *what, long before_kb)
{
	pid_t p = fork();
	if (p == 0) {
		char *m = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			_exit(1);
		memset(m, 1, 16 << 20);
		int fds[2];
		if (pipe(fds) || write(fds[1], "x", 1) != 1)
			_exit(2);
		int fd = open("/dev/shm/bk12after", O_CREAT | O_RDWR, 0600);
		if (fd < 0 || write(fd, m, 1 << 20) != 1 << 20)
			_exit(3);
		unlink("/dev/shm/bk12after");
		_exit(0);
	}
	tap_status(reap(p), EXITED(0), "after %s: fork, 16 MiB, a pipe and a file work", what);
	/* The hog's orphans come to init, which is this program when it is
	 * booted alone as /init: the zombies it has not reaped are memory in use. */
	while (getpid() == 1 && wait(NULL) > 0)
		;
	if (fl) {
		/* Otherwise init reaps them in its own time: up to 2 s. */
		long after = free_kb();
		for (int i = 0; i < 20 && after < before_kb - 2048; i++) {
			usleep(100000);
			after = free_kb();
		}
		if (!tap_ok(after >= before_kb - 2048, "after %s: free memory came back", what))
			tap_diag("free %ld KiB before, %ld KiB after", before_kb, after);
	}
}

/* An exit status that says "the hog ran into a limit": exit 0 with the
 * errno in shared[1] being one of the allowed, or SIGKILL (OOM). */
static void hog_case(int st, const int *ok_errs, const char *what)
{
	bool ok = st == KILLED(SIGKILL);

	for (const int *e = ok_errs; *e && !ok; e++)
		ok = st == EXITED(0) && shared[1] == *e;
	if (st == EXITED(0) && shared[1] == 0)
		ok = !fl; /* only the host's cap ends a hog without an error */
	tap_ok(ok, "%s: stops with %s after %d (or is OOM-killed)", what,
	       tap_errname(shared[1]), shared[0]);
	if (!ok)
		tap_diag("%s", status_name(st));
}

static int fill_tmpfs(void *arg)
{
	static char chunk[1 << 20];
	int fd = open((char *)arg, O_CREAT | O_RDWR | O_TRUNC, 0600);

	memset(chunk, 'F', sizeof chunk);
	for (;;) {
		if (!fl && shared[0] == 64)
			return 0;
		long r = write(fd, chunk, sizeof chunk);
		if (r < 0) {
			shared[1] = errno;
			return 0;
		}
		shared[0]++;
		if (r < (long)sizeof chunk) { /* short write: the next says why */
			r = write(fd, chunk, sizeof chunk);
			shared[1] = r < 0 ? errno : -1;
			return 0;
		}
	}
}

static int touch_memory(void *arg)
{
	(void)arg;
	if (!fl) {
		struct rlimit r = { 128 << 20, 128 << 20 };
		setrlimit(RLIMIT_AS, &r);
	}
	for (;;) {
		char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED) {
			shared[1] = errno;
			return 0;
		}
		memset(m, 'M', 1 << 20);
		shared[0]++;
	}
}

static int forker(void *arg)
{
	(void)arg;
	setpgid(0, 0); /* the kill(0) below is for the hog's own group only */
	for (;;) {
		if (!fl && shared[0] == 300)
			break;
		pid_t p = fork();
		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0) {
			shared[1] = errno;
			break;
		}
		shared[0]++;
	}
	kill(0, SIGKILL); /* itself and every child it made */
	return 1;
}

static int piper(void *arg)
{
	static char chunk[65536];
	(void)arg;
	struct rlimit r = { 1 << 16, 1 << 16 };

	setrlimit(RLIMIT_NOFILE, &r);
	for (;;) {
		if (!fl && shared[0] == 200)
			return 0;
		int fds[2];
		if (pipe2(fds, O_NONBLOCK)) {
			shared[1] = errno;
			return 0;
		}
		shared[0]++;
		while (write(fds[1], chunk, sizeof chunk) > 0)
			;
		if (errno != EAGAIN) {
			shared[1] = errno;
			return 0;
		}
	}
}

static int duper(void *arg)
{
	(void)arg;
	struct rlimit r = { 1 << 20, 1 << 20 };

	if (setrlimit(RLIMIT_NOFILE, &r)) {
		r.rlim_cur = r.rlim_max = 65536;
		setrlimit(RLIMIT_NOFILE, &r);
	}
	getrlimit(RLIMIT_NOFILE, &r);
	shared[2] = (int)r.rlim_cur;
	for (;;) {
		int fd = dup(0);
		if (fd < 0) {
			shared[1] = errno;
			return 0;
		}
		shared[3] = fd;
		shared[0]++;
	}
}

/* Each thread holds 64 KiB of touched stack, so that memory, not the
 * thread count, runs out first. */
static void *parked(void *arg)
{
	volatile char use[60 << 10];

	(void)arg;
	memset((char *)use, 1, sizeof use);
	pause();
	return NULL;
}

static int threader(void *arg)
{
	(void)arg;
	pthread_attr_t a;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 128 << 10);
	for (;;) {
		pthread_t t;
		if (!fl && shared[0] == 300)
			return 0;
		int e = pthread_create(&t, &a, parked, NULL);
		if (e) {
			shared[1] = e;
			return 0;
		}
		shared[0]++;
	}
}

static void one_hog(int (*fn)(void *), void *arg, const int *errs, int want_killed,
		    const char *what)
{
	long before = free_kb();

	shared[0] = shared[1] = 0;
	int st = reap(spawn(fn, arg));
	if (want_killed)
		tap_status(st, KILLED(SIGKILL), "%s: the hog killed itself and its %d children",
			   what, shared[0]);
	else
		hog_case(st, errs, what);
	recovered(what, before);
}

int main(void)
{
	fl = on_faultline();
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		bail("mmap");

	static const int space[] = { ENOSPC, ENOMEM, EFBIG, 0 };
	char path[64];
	snprintf(path, sizeof path, "/dev/shm/bk12fill.%d", getpid());
	long before = free_kb();
	shared[0] = shared[1] = 0;
	hog_case(reap(spawn(fill_tmpfs, path)), space, "a tmpfs file written to the end");
	tap_eq(unlink(path), 0, "the full file can be unlinked");
	recovered("the tmpfs fill", before);

	static const int mem[] = { ENOMEM, 0 };
	one_hog(touch_memory, NULL, mem, 0, "anonymous memory touched to the end");
	static const int pipes[] = { EMFILE, ENFILE, ENOMEM, 0 };
	one_hog(piper, NULL, pipes, 0, "full pipes until they fail");
	static const int fds[] = { EMFILE, ENOMEM, 0 };
	one_hog(duper, NULL, fds, 0, "dup until it fails");
	/* Linux: RLIMIT_NOFILE's soft limit is the number of descriptors */
	tap_eq(shared[3] + 1, shared[2], "dup's last descriptor is RLIMIT_NOFILE - 1");
	static const int thr[] = { EAGAIN, ENOMEM, 0 };
	one_hog(threader, NULL, thr, 0, "threads until they fail");
	/* last: on faultline this one has hung the whole machine */
	static const int procs[] = { EAGAIN, ENOMEM, 0 };
	one_hog(forker, NULL, procs, 1, "fork until it fails");
	return done_testing();
}

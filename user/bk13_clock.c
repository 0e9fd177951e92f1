/* user/bk13_clock.c — clock_gettime through the vDSO (libc's call) against
 * the raw system call, for every clock: interleaved readings of one clock
 * never go back, both paths agree, and the CPU-time clocks advance while
 * spinning and agree with getrusage and times().
 *
 * Linux: the vDSO and the syscall read the same clock source, so a
 * reading from one path is never after a later reading from the other
 * (coarse clocks lag fine ones by up to a tick, so only one clock's
 * readings are compared). The CPU-time clocks are not in the vDSO; libc
 * falls back to the syscall.
 */
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <time.h>

#include "bk13.h"

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

static long long via_vdso(clockid_t c)
{
	struct timespec t;

	return clock_gettime(c, &t) ? -1 : ns(t);
}

static long long via_sys(clockid_t c)
{
	struct timespec t;

	return syscall(SYS_clock_gettime, c, &t) ? -1 : ns(t);
}

static void interleave(clockid_t c, const char *name, int is_wall)
{
	long long last = via_sys(c), back = 0, worst = 0;

	for (int i = 0; i < 20000; i++) {
		long long t = i % 2 ? via_vdso(c) : via_sys(c);
		if (t < last) {
			back++;
			if (last - t > worst)
				worst = last - t;
		}
		last = t;
	}
	tap_ok(last > 0 && (back == 0 || is_wall), "%s: vdso/syscall interleaved never go back", name);
	if (back)
		tap_diag("%lld went back, worst %lld ns", back, worst);
}

static long long cpu_of(struct timeval a, struct timeval b)
{
	return (a.tv_sec + b.tv_sec) * 1000000000LL + (a.tv_usec + b.tv_usec) * 1000LL;
}

/* Spins until this thread used ms of CPU (the host may be busy, so wall
 * time is no measure); false if 30 s of wall time pass first. */
static int spin_cpu(int ms)
{
	long long end = via_sys(CLOCK_THREAD_CPUTIME_ID) + ms * 1000000LL;
	long long wall = via_vdso(CLOCK_MONOTONIC) + 30000000000LL;

	while (via_sys(CLOCK_THREAD_CPUTIME_ID) < end)
		if (via_vdso(CLOCK_MONOTONIC) > wall)
			return 0;
	return 1;
}

static pthread_barrier_t spun;

static void *thr_cpu(void *a)
{
	(void)a;
	long long t0 = via_sys(CLOCK_THREAD_CPUTIME_ID);
	if (!spin_cpu(50))
		return 0;
	pthread_barrier_wait(&spun);
	pthread_barrier_wait(&spun);
	return (void *)(long)(via_sys(CLOCK_THREAD_CPUTIME_ID) - t0);
}

static void cputime(void)
{
	long long p0 = via_vdso(CLOCK_PROCESS_CPUTIME_ID);
	long long t0 = via_sys(CLOCK_THREAD_CPUTIME_ID);
	long long m0 = via_sys(CLOCK_MONOTONIC);

	tap_ok(spin_cpu(200), "thread CPU clock reaches +200 ms while spinning");
	long long dp = via_vdso(CLOCK_PROCESS_CPUTIME_ID) - p0;
	long long dt = via_sys(CLOCK_THREAD_CPUTIME_ID) - t0;
	long long dm = via_sys(CLOCK_MONOTONIC) - m0;
	tap_ok(dp >= 200000000 && dp <= dm + 20000000, "process CPU advanced %lld ns in %lld ns spin", dp, dm);
	tap_ok(dt >= 200000000 && dt <= dp + 1000000, "thread CPU %lld <= process %lld", dt, dp);
	/* getrusage and times() count the same CPU time, at tick precision. */
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	long long p = via_sys(CLOCK_PROCESS_CPUTIME_ID), r = cpu_of(ru.ru_utime, ru.ru_stime);
	tap_ok(r <= p + 20000000 && r >= p - 50000000, "getrusage %lld ns ~ process clock %lld", r, p);
	struct tms tm;
	times(&tm);
	long hz = sysconf(_SC_CLK_TCK);
	long long tt = (tm.tms_utime + tm.tms_stime) * (1000000000LL / hz);
	tap_ok(tt <= p + 30000000 && tt >= p - 60000000, "times() %lld ns ~ process clock %lld", tt, p);
	tap_ok(ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec > 0, "user time counted while spinning");
	pthread_t th;
	void *got;
	long long pb = via_sys(CLOCK_PROCESS_CPUTIME_ID);
	pthread_barrier_init(&spun, NULL, 2);
	pthread_create(&th, NULL, thr_cpu, NULL);
	/* Only the waits: creating the thread (its stack's mmap and faults)
	 * and printing are the main thread's own work, milliseconds under an
	 * emulator on a busy host. */
	long long mainb = via_sys(CLOCK_THREAD_CPUTIME_ID);
	pthread_barrier_wait(&spun);
	long long live = via_sys(CLOCK_PROCESS_CPUTIME_ID) - pb;
	pthread_barrier_wait(&spun);
	pthread_join(th, &got);
	long long maina = via_sys(CLOCK_THREAD_CPUTIME_ID) - mainb;
	long long pa = via_sys(CLOCK_PROCESS_CPUTIME_ID) - pb;
	tap_ok(live >= 50000000, "process clock counts a live thread's 50 ms: %lld", live);
	tap_ok((long)got >= 50000000, "thread's own CPU clock advanced %ld", (long)got);
	tap_ok(maina < 20000000, "main thread's clock barely moved while joined: %lld", maina);
	tap_ok(pa >= (long)got - 1000000, "process clock counts the thread's time: %lld >= %ld", pa, (long)got);
}

int main(void)
{
	struct { clockid_t c; const char *n; int wall; } cl[] = {
		{ CLOCK_REALTIME, "REALTIME", 1 },
		{ CLOCK_MONOTONIC, "MONOTONIC", 0 },
		{ CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW", 0 },
		{ CLOCK_REALTIME_COARSE, "REALTIME_COARSE", 1 },
		{ CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE", 0 },
		{ CLOCK_BOOTTIME, "BOOTTIME", 0 },
		{ CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME", 0 },
		{ CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME", 0 },
	};
	for (size_t i = 0; i < sizeof cl / sizeof *cl; i++) {
		struct timespec a, b;
		interleave(cl[i].c, cl[i].n, cl[i].wall);
		tap_ok(clock_getres(cl[i].c, &a) == 0 && syscall(SYS_clock_getres, cl[i].c, &b) == 0 &&
		       ns(a) == ns(b) && ns(a) > 0, "%s: getres agrees (%lld)", cl[i].n, ns(a));
	}
	/* MONOTONIC and BOOTTIME agree when nothing suspended; the coarse clock
	 * lags the fine one by less than a few ticks. */
	long long m = via_vdso(CLOCK_MONOTONIC), c = via_vdso(CLOCK_MONOTONIC_COARSE);
	long long b = via_sys(CLOCK_BOOTTIME), m2 = via_sys(CLOCK_MONOTONIC);
	tap_ok(c <= m2 && m - c < 50000000, "coarse lags monotonic by %lld ns", m - c);
	tap_ok(b >= m, "BOOTTIME >= MONOTONIC");
	struct timespec t;
	TRY(syscall(SYS_clock_gettime, 12345, &t), -1, EINVAL, "bad clock id: EINVAL");
	TRY(clock_gettime(12345, &t), -1, EINVAL, "bad clock id via libc: EINVAL");
	TRY(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)16), -1, EFAULT, "bad pointer: EFAULT");
	cputime();
	return done_testing();
}

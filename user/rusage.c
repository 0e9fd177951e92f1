/* user/rusage.c — getrusage and times against the CPU-time clocks, with
 * threads and children: a process's time is every thread's, live or
 * joined; its children's time is what wait collected (Linux's cutime and
 * cstime, added only when a child is reaped by wait); the process CPU
 * timer (ITIMER_PROF) counts every thread too.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>

#include "bk13.h"

static long long cpu_ns(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long tv_ns(struct timeval t) { return t.tv_sec * 1000000000LL + t.tv_usec * 1000LL; }

/* Spins until this thread used ms of CPU. */
static void spin(int ms)
{
	long long end = cpu_ns(CLOCK_THREAD_CPUTIME_ID) + ms * 1000000LL;
	while (cpu_ns(CLOCK_THREAD_CPUTIME_ID) < end)
		;
}

static void *spinner(void *a)
{
	spin((int)(long)a);
	return 0;
}

static volatile sig_atomic_t profs;
static void on_prof(int s) { (void)s; profs++; }

int main(void)
{
	struct rusage ru;
	TRY(getrusage(5, &ru), -1, EINVAL, "getrusage(5): EINVAL");
	TRY(syscall(SYS_getrusage, RUSAGE_SELF, (void *)16), -1, EFAULT, "getrusage to a bad pointer: EFAULT");
	TRY(syscall(SYS_times, (void *)16), -1, EFAULT, "times to a bad pointer: EFAULT");
	long t0 = (long)times(NULL);
	tap_ok(t0 > 0, "times(NULL) returns clock ticks");

	/* A joined thread's time stays the process's. */
	pthread_t th;
	long long p0 = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
	pthread_create(&th, NULL, spinner, (void *)100L);
	/* The main thread's clock over the join only: creating the thread is
	 * its own work, milliseconds under an emulator on a busy host. */
	long long main0 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
	pthread_join(th, NULL);
	long long dp = cpu_ns(CLOCK_PROCESS_CPUTIME_ID) - p0, dm = cpu_ns(CLOCK_THREAD_CPUTIME_ID) - main0;
	tap_ok(dp >= 100000000 && dm < 50000000, "process clock +%lld ns for a joined thread's 100 ms (main +%lld)", dp, dm);
	struct rusage self, thr;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_THREAD, &thr);
	long long rs = tv_ns(self.ru_utime) + tv_ns(self.ru_stime), rt = tv_ns(thr.ru_utime) + tv_ns(thr.ru_stime);
	tap_ok(rs >= 100000000 && rs - rt >= 90000000, "RUSAGE_SELF %lld ns counts it, RUSAGE_THREAD %lld not", rs, rt);
	tap_ok(self.ru_maxrss > 0, "ru_maxrss %ld KiB", self.ru_maxrss);
	char line[512] = { 0 };
	FILE *f = fopen("/proc/self/stat", "r");
	unsigned long ut = 0, st = 0;
	if (f && fgets(line, sizeof line, f))
		sscanf(strrchr(line, ')') + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st);
	if (f)
		fclose(f);
	tap_ok(ut + st >= 8, "/proc/self/stat utime+stime %lu ticks count the thread", ut + st);

	/* ITIMER_PROF counts every thread: it fires while only another one spins. */
	signal(SIGPROF, on_prof);
	struct itimerval it = { .it_value = { 0, 30000 } };
	setitimer(ITIMER_PROF, &it, NULL);
	pthread_create(&th, NULL, spinner, (void *)80L);
	pthread_join(th, NULL);
	tap_ok(profs == 1, "ITIMER_PROF fired on another thread's time (%d)", (int)profs);

	/* Children: nothing before the wait, the child's time after. */
	struct rusage c0, c1;
	struct tms tm0, tm1;
	getrusage(RUSAGE_CHILDREN, &c0);
	times(&tm0);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_create(&th, NULL, spinner, (void *)60L);
		spin(60);
		pthread_join(th, NULL);
		_exit(0);
	}
	siginfo_t si;
	waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	getrusage(RUSAGE_CHILDREN, &c1);
	tap_ok(tv_ns(c1.ru_utime) + tv_ns(c1.ru_stime) == tv_ns(c0.ru_utime) + tv_ns(c0.ru_stime),
	       "a child not yet reaped (WNOWAIT) counts nothing");
	waitpid(pid, NULL, 0);
	getrusage(RUSAGE_CHILDREN, &c1);
	times(&tm1);
	long long dc = tv_ns(c1.ru_utime) + tv_ns(c1.ru_stime) - tv_ns(c0.ru_utime) - tv_ns(c0.ru_stime);
	tap_ok(dc >= 110000000, "RUSAGE_CHILDREN +%lld ns: both threads of the reaped child", dc);
	long ct = (tm1.tms_cutime + tm1.tms_cstime) - (tm0.tms_cutime + tm0.tms_cstime);
	tap_ok(ct >= 10 && ct <= dc / 10000000 + 2, "times() children +%ld ticks", ct);
	long t1 = (long)times(NULL);
	tap_ok(t1 - t0 >= 20 && t1 - t0 < 3000, "times() return advanced %ld ticks", t1 - t0);
	return done_testing();
}

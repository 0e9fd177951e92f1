/* user/itimer.c — alarm, setitimer and getitimer, and nanosleep across a
 * stop. Every rule was first seen on Linux:
 *  - getitimer shows the time left shrinking and the interval; setitimer
 *    returns the old value; alarm returns the seconds left, rounded.
 *  - EINVAL for tv_usec outside [0, 1e6), tv_sec < 0 and an unknown
 *    timer; getitimer(NULL) is EFAULT.
 *  - ITIMER_REAL kills by SIGALRM (the default action), ITIMER_VIRTUAL by
 *    SIGVTALRM after user CPU time only (a sleeping child is never hit),
 *    ITIMER_PROF by SIGPROF.
 *  - a CPU timer's first expiry is a tick later than asked: a 1 us timer
 *    shows more than 1 us left.
 *  - a blocked SIGALRM stays pending and its real timer, interval or
 *    not, is disarmed after one firing (it is rearmed only when a handler
 *    or sigwait takes the signal).
 *  - fork's child has no timers; execve keeps them.
 *  - SIGSTOP and SIGCONT do not end a nanosleep early.
 * No signal handlers: the checks are wait statuses and pending sets.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

#include "child.h"
#include "clock.h"

static long usec(const struct timeval *tv)
{
	return tv->tv_sec * 1000000 + tv->tv_usec;
}

static int set_timer(int which, long value_us, long interval_us)
{
	struct itimerval v = { { interval_us / 1000000, interval_us % 1000000 },
			       { value_us / 1000000, value_us % 1000000 } };

	return setitimer(which, &v, NULL);
}

static long left_us(int which)
{
	struct itimerval v;

	return getitimer(which, &v) ? -1 : usec(&v.it_value);
}

static void values(void)
{
	struct itimerval v, old;

	tap_ok(getitimer(ITIMER_REAL, &v) == 0 && !usec(&v.it_value) && !usec(&v.it_interval),
	       "getitimer: nothing armed at first");
	set_timer(ITIMER_REAL, 1000000, 250000);
	getitimer(ITIMER_REAL, &v);
	long first = usec(&v.it_value);
	tap_ok(first > 900000 && first <= 1000000 && usec(&v.it_interval) == 250000,
	       "ITIMER_REAL armed for 1 s: getitimer shows the time left and the interval");
	sleep_ms(30);
	long later = left_us(ITIMER_REAL);
	if (!tap_ok(later < first - 25000 && later > 0, "... 30 ms later it shows 30 ms less"))
		tap_diag("%ld then %ld us", first, later);
	struct itimerval zero = { 0 };
	tap_ok(setitimer(ITIMER_REAL, &zero, &old) == 0 && usec(&old.it_value) > 0 &&
	       usec(&old.it_value) <= later && usec(&old.it_interval) == 250000,
	       "setitimer 0 disarms and returns the old value and interval");
	tap_ok(left_us(ITIMER_REAL) == 0 && getitimer(ITIMER_REAL, &v) == 0 && !usec(&v.it_interval),
	       "... a disarmed real timer has no interval either");

	set_timer(ITIMER_VIRTUAL, 1, 0);
	long tiny = left_us(ITIMER_VIRTUAL);
	if (!tap_ok(tiny > 1 && tiny <= 10001, "a 1 us ITIMER_VIRTUAL is a tick later: more than 1 us left"))
		tap_diag("%ld us left", tiny);
	set_timer(ITIMER_VIRTUAL, 0, 500000);
	tap_ok(getitimer(ITIMER_VIRTUAL, &v) == 0 && !usec(&v.it_value) && usec(&v.it_interval) == 500000,
	       "a disarmed CPU timer keeps the interval it was given");
	set_timer(ITIMER_VIRTUAL, 0, 0);
}

static void errors(void)
{
	struct itimerval v = { { 0, 0 }, { 0, 1000000 } };

	SYSCALL_CASE(-1, EINVAL, "setitimer tv_usec 1000000 -> EINVAL", SYS_setitimer, ITIMER_REAL, &v, NULL);
	v.it_value.tv_usec = -1;
	SYSCALL_CASE(-1, EINVAL, "setitimer tv_usec -1 -> EINVAL", SYS_setitimer, ITIMER_REAL, &v, NULL);
	v = (struct itimerval){ { 0, 1000000 }, { 1, 0 } };
	SYSCALL_CASE(-1, EINVAL, "setitimer interval tv_usec 1000000 -> EINVAL", SYS_setitimer, ITIMER_PROF, &v, NULL);
	v = (struct itimerval){ { 0, 0 }, { -1, 0 } };
	SYSCALL_CASE(-1, EINVAL, "setitimer tv_sec -1 -> EINVAL", SYS_setitimer, ITIMER_REAL, &v, NULL);
	v = (struct itimerval){ { 0, 0 }, { 0, 1000000 } };
	SYSCALL_CASE(-1, EINVAL, "setitimer bad value before bad which -> EINVAL", SYS_setitimer, 3, &v, (void *)1);
	v = (struct itimerval){ 0 };
	SYSCALL_CASE(-1, EINVAL, "setitimer which 3 -> EINVAL", SYS_setitimer, 3, &v, NULL);
	SYSCALL_CASE(-1, EINVAL, "getitimer which 3 -> EINVAL", SYS_getitimer, 3, &v);
	SYSCALL_CASE(-1, EINVAL, "getitimer which -1 -> EINVAL", SYS_getitimer, -1, &v);
	SYSCALL_CASE(-1, EFAULT, "getitimer NULL -> EFAULT", SYS_getitimer, ITIMER_REAL, NULL);
	SYSCALL_CASE(-1, EFAULT, "setitimer bad new value -> EFAULT", SYS_setitimer, ITIMER_REAL, (void *)8, NULL);
	v = (struct itimerval){ { 0, 0 }, { 5, 0 } };
	SYSCALL_CASE(-1, EFAULT, "setitimer bad old value -> EFAULT ...", SYS_setitimer, ITIMER_REAL, &v, (void *)8);
	tap_ok(left_us(ITIMER_REAL) > 4000000, "... the timer was set all the same");
	SYSCALL_CASE(0, 0, "setitimer NULL new value disarms", SYS_setitimer, ITIMER_REAL, NULL, NULL);
	tap_ok(left_us(ITIMER_REAL) == 0, "... nothing armed");
}

static void alarms(void)
{
	tap_eq(alarm(5), 0, "alarm(5) with none armed -> 0");
	sleep_ms(20);
	tap_eq(alarm(3), 5, "alarm(3) 20 ms later -> 5 (rounded to the nearest second)");
	tap_eq(alarm(0), 3, "alarm(0) -> 3, and cancels");
	tap_eq(left_us(ITIMER_REAL), 0, "... nothing armed");
	set_timer(ITIMER_REAL, 300000, 0);
	tap_eq(alarm(0), 1, "alarm(0) with 0.3 s left -> 1 (never 0 while armed)");
}

static int spin(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
	return 1;
}

static int alarm_child(void *arg)
{
	(void)arg;
	alarm(1);
	sleep_ms(3000);
	return 0;
}

static int real_child(void *arg)
{
	(void)arg;
	set_timer(ITIMER_REAL, 50000, 0);
	sleep_ms(3000);
	return 0;
}

static int virtual_child(void *arg)
{
	(void)arg;
	set_timer(ITIMER_VIRTUAL, 30000, 0);
	return spin();
}

static int prof_child(void *arg)
{
	(void)arg;
	set_timer(ITIMER_PROF, 30000, 0);
	return spin();
}

/* Sleeping uses no user CPU time: ITIMER_VIRTUAL never fires. */
static int virtual_sleeper(void *arg)
{
	(void)arg;
	set_timer(ITIMER_VIRTUAL, 30000, 0);
	sleep_ms(150);
	return left_us(ITIMER_VIRTUAL) > 0 ? 0 : 1;
}

static int blocked_alarm(void *arg)
{
	sigset_t s;
	struct itimerval v;

	(void)arg;
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	sigprocmask(SIG_BLOCK, &s, NULL);
	set_timer(ITIMER_REAL, 20000, 20000);
	sleep_ms(100);
	sigpending(&s);
	if (!sigismember(&s, SIGALRM))
		return 1;
	if (getitimer(ITIMER_REAL, &v) || usec(&v.it_value) || usec(&v.it_interval) != 20000)
		return 2;
	return 0;
}

static int no_timers(void *arg)
{
	(void)arg;
	return left_us(ITIMER_REAL) == 0 && left_us(ITIMER_VIRTUAL) == 0 ? 0 : 1;
}

static int exec_self(void *arg)
{
	(void)arg;
	set_timer(ITIMER_REAL, 5000000, 0);
	execl("/proc/self/exe", "itimer", "armed?", (char *)NULL);
	return 99;
}

static int stopped_sleeper(void *arg)
{
	struct timespec t0, t = { 0, 200000000 };

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (nanosleep(&t, &t))
		return 1;
	return elapsed_ms(&t0) >= 200 ? 0 : 2;
}

static void children(void)
{
	child_case(alarm_child, NULL, KILLED(SIGALRM), "alarm(1) in a sleeping child");
	child_case(real_child, NULL, KILLED(SIGALRM), "ITIMER_REAL of 50 ms in a sleeping child");
	child_case(virtual_child, NULL, KILLED(SIGVTALRM), "ITIMER_VIRTUAL of 30 ms in a busy child");
	child_case(prof_child, NULL, KILLED(SIGPROF), "ITIMER_PROF of 30 ms in a busy child");
	child_case(virtual_sleeper, NULL, EXITED(0), "ITIMER_VIRTUAL does not count sleep");
	child_case(blocked_alarm, NULL, EXITED(0),
		   "a blocked SIGALRM stays pending; the timer is disarmed, its interval kept");

	set_timer(ITIMER_REAL, 10000000, 0);
	child_case(no_timers, NULL, EXITED(0), "fork: the child has no timers");
	set_timer(ITIMER_REAL, 0, 0);
	child_case(exec_self, NULL, EXITED(0), "execve keeps the real timer");

	pid_t pid = spawn(stopped_sleeper, NULL);
	sleep_ms(40);
	kill(pid, SIGSTOP);
	sleep_ms(30);
	kill(pid, SIGCONT);
	tap_status(reap(pid), EXITED(0), "SIGSTOP and SIGCONT do not end a 200 ms nanosleep early");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "armed?")) /* exec_self's new image */
		return left_us(ITIMER_REAL) > 4000000 ? 0 : 1;
	values();
	errors();
	alarms();
	children();
	return done_testing();
}

/* user/bk13b_rusage.c — breaker13b: whose CPU time RUSAGE_CHILDREN holds.
 *
 * Linux's rule (wait_task_zombie): a parent gains a child's time, and the
 * time of the descendants that child had waited for, when it reaps the
 * child with wait; a child reaped automatically (SIGCHLD ignored) adds
 * nothing, and neither does a grandchild its parent never waited for.
 * Runs the same on Linux. */
#define _GNU_SOURCE
#include <sys/resource.h>
#include <time.h>

#include "child.h"

static long long children_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
}

static int burn(void *ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	do
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < (long)ms);
	return 0;
}

/* A child that runs a grandchild burning 150 ms, and waits for it or not. */
static int parent_of_burner(void *wait_it)
{
	pid_t g = spawn(burn, (void *)150L);

	if (wait_it)
		return reap(g) == EXITED(0) ? 0 : 1;
	usleep(400000); /* long enough for it to have burned; it is never reaped here */
	return 0;
}

int main(void)
{
	long long t0 = children_ns();
	child_case(parent_of_burner, (void *)1L, EXITED(0), "a child that waits for its burning grandchild");
	long long t1 = children_ns();
	tap_ok(t1 - t0 >= 140000000LL, "RUSAGE_CHILDREN holds the waited grandchild's time (+%lld ns)", t1 - t0);

	child_case(parent_of_burner, NULL, EXITED(0), "a child that leaves its grandchild unwaited");
	long long t2 = children_ns();
	tap_ok(t2 - t1 < 100000000LL, "RUSAGE_CHILDREN leaves out the unwaited grandchild (+%lld ns)", t2 - t1);

	signal(SIGCHLD, SIG_IGN);
	fflush(stdout);
	pid_t pid = spawn(burn, (void *)150L);
	int st;
	long r = waitpid(pid, &st, 0);
	tap_ok(r == -1 && errno == ECHILD, "SIGCHLD ignored: the child is reaped on its own (ECHILD)");
	long long t3 = children_ns();
	tap_ok(t3 - t2 < 100000000LL, "...and its time is not in RUSAGE_CHILDREN (+%lld ns)", t3 - t2);
	signal(SIGCHLD, SIG_DFL);
	return done_testing();
}

/* user/bk_forkbomb.c — many short-lived processes: a thousand children one
 * after another, a few hundred zombies at once reaped by wait(-1), nested
 * forks in a bounded bomb, children that die of signals while holding
 * memory, and exit statuses that must reach the right parent.
 *
 * Inspired by: xv6 usertests exitwait (status and pid of each child),
 * forkfork and forkforkfork (processes forking concurrently), "reparent";
 * LTP fork13 (many forks in a row), fork14 (children holding memory),
 * wait401/waitpid06; gVisor test/syscalls/linux/fork.cc and wait.cc.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "child.h"
#include "swap.h"

static int exit_arg(void *a)
{
	return (int)(long)a;
}

static void sequential(void)
{
	int bad = 0;

	for (long i = 0; i < 1000; i++) {
		pid_t pid = spawn(exit_arg, (void *)(i & 0x7f));
		if (pid < 0) {
			bad++;
			break;
		}
		bad += reap(pid) != EXITED(i & 0x7f);
	}
	tap_eq(bad, 0, "1000 children, one at a time, each exit status right");
}

static void zombies(void)
{
	enum { N = 300 };
	static pid_t pids[N];
	static char seen[N];
	int bad = 0, status;

	for (long i = 0; i < N; i++)
		pids[i] = spawn(exit_arg, (void *)(i % 200));
	for (int k = 0; k < N; k++) {
		pid_t w = wait(&status);
		int j;
		for (j = 0; j < N && pids[j] != w; j++)
			;
		if (j == N || seen[j] || !WIFEXITED(status) || WEXITSTATUS(status) != j % 200)
			bad++;
		else
			seen[j] = 1;
	}
	tap_eq(bad, 0, "300 children at once, each reaped once by wait(-1) with its own status");
	tap_try(wait(&status), -1, ECHILD, "then wait -> ECHILD");
}

static int hold_memory(void *a)
{
	long i = (long)a;
	char *p = map_anon(MIB);

	memset(p, (int)i, MIB);
	if (i % 3 == 0)
		raise(SIGKILL);
	if (i % 3 == 1)
		munmap(p, MIB), p[0] = 0; /* write to what was just unmapped */
	return p[MIB - 1] == (char)i ? 0 : 1;
}

static void memory_holders(void)
{
	int bad = 0;

	for (long i = 0; i < 150; i++) {
		int want = i % 3 == 0 ? KILLED(SIGKILL) : i % 3 == 1 ? KILLED(SIGSEGV) : EXITED(0);
		bad += reap(spawn(hold_memory, (void *)i)) != want;
	}
	tap_eq(bad, 0, "150 children each fill 1 MiB then die of SIGKILL, SIGSEGV or exit");
}

/* Each level forks `width` children that recurse; bounded: 1+3+9+27+81 = 121. */
static int tree(void *a)
{
	long depth = (long)a;
	pid_t kids[3];
	int sum = 0;

	if (depth == 0)
		return 1;
	for (int i = 0; i < 3; i++)
		kids[i] = spawn(tree, (void *)(depth - 1));
	for (int i = 0; i < 3; i++) {
		int st = reap(kids[i]);
		if (st == -1 || !WIFEXITED(st))
			return 255;
		sum += WEXITSTATUS(st);
	}
	return sum > 254 ? 254 : sum;
}

static int do_raise(void *a)
{
	raise((int)(long)a);
	return 100;
}

static int do_abort(void *a)
{
	(void)a;
	abort();
}

/* musl's raise() and abort() go through tkill. */
static void self_signals(void)
{
	child_case(do_raise, (void *)SIGKILL, KILLED(SIGKILL), "raise(SIGKILL)");
	child_case(do_raise, (void *)SIGSEGV, KILLED(SIGSEGV), "raise(SIGSEGV)");
	child_case(do_abort, NULL, KILLED(SIGABRT), "abort()");
}

static void bounded_bomb(void)
{
	tap_status(reap(spawn(tree, (void *)4)), EXITED(81), "a fork tree 4 deep, 3 wide: 81 leaves report");
}

/* forkforkfork: four processes each forking 50 children concurrently. */
static int forker(void *a)
{
	(void)a;
	for (int i = 0; i < 50; i++)
		if (reap(spawn(exit_arg, (void *)3)) != EXITED(3))
			return 1;
	return 0;
}

static void concurrent(void)
{
	pid_t p[4];
	int bad = 0;

	for (int i = 0; i < 4; i++)
		p[i] = spawn(forker, NULL);
	for (int i = 0; i < 4; i++)
		bad += reap(p[i]) != EXITED(0);
	tap_eq(bad, 0, "four processes fork 50 children each at the same time");
}

/* An orphan's exit must not reach its grandparent's wait. */
static int orphan_maker(void *a)
{
	(void)a;
	pid_t pid = fork();

	if (pid == 0) {
		usleep(200000);
		_exit(5);
	}
	return 0;
}

static void orphans(void)
{
	int status;

	child_case(orphan_maker, NULL, EXITED(0), "a child that leaves an orphan behind");
	usleep(400000);
	if (getpid() == 1) /* we are init (faultline boots us as /init): orphans are ours */
		tap_ok(waitpid(-1, &status, WNOHANG) > 0 && status == EXITED(5),
		       "init reaps the orphan with its status");
	else
		tap_try(waitpid(-1, &status, WNOHANG), -1, ECHILD, "the orphan is not the grandparent's child");
}

int main(void)
{
	sequential();
	zombies();
	self_signals();
	memory_holders();
	bounded_bomb();
	concurrent();
	orphans();
	return done_testing();
}

/* user/orphanclone.c — an orphan made by clone with an exit signal other
 * than SIGCHLD (0 here) becomes an ordinary child of its new parent, which
 * reaps it with a plain wait: Linux's reparent_leader sets its exit signal
 * to SIGCHLD ("we don't want people slaying init"). faultline kept the old
 * signal, so init's wait, which takes no __WCLONE, never saw such orphans,
 * and the hostile fuzzer left 13 of them in the runner for good.
 *
 * The new parent must be init, or a subreaper on Linux. On Linux the test
 * makes itself a subreaper; on faultline, which has no subreapers, it runs
 * only as /init (its expect.txt line says `alone`) and skips otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/prctl.h>
#include <time.h>

#include "child.h"

/* A clone child with exit signal 0: leaves with code 7, after a pause if
 * late (so that its parent is gone first) or at once (so that it is a
 * zombie when its parent goes). */
static int orphan_maker(void *late)
{
	long g = syscall(SYS_clone, 0 /* flags: exit signal 0 */, 0, 0, 0, 0);
	if (g == 0) {
		if (late)
			nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
		_exit(7);
	}
	if (g < 0)
		return 1;
	if (!late)
		nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
	return 0;
}

static void orphan_case(int late, const char *what)
{
	tap_status(reap(spawn(orphan_maker, late ? &late : NULL)), EXITED(0),
		   "%s: its parent made it and left", what);
	alarm(5);
	int st;
	pid_t got = waitpid(-1, &st, 0); /* no __WCLONE */
	alarm(0);
	tap_ok(got > 0, "%s: a plain waitpid(-1) reaps the orphan (got %d, %s)", what, got,
	       got < 0 ? strerror(errno) : "ok");
	if (got > 0)
		tap_status(st, EXITED(7), "%s: with its own exit status", what);
	tap_ok(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD, "%s: nothing else is left", what);
}

int main(void)
{
	if (getpid() != 1 && on_faultline()) {
		printf("1..0 # SKIP on faultline this runs only as /init (make test boots it so)\n");
		return 0;
	}
	if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1))
		bail("PR_SET_CHILD_SUBREAPER");
	orphan_case(1, "running orphan");
	orphan_case(0, "zombie orphan");
	return done_testing();
}

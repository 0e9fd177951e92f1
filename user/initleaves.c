/* user/initleaves.c — when init ends, nothing it leaves behind may outlive
 * it or be counted as the kernel's leak. Booted alone (expect.txt: alone),
 * this program is /init: it leaves a child that has forked a grandchild,
 * and a sleeper, then returns at once. The kernel must kill all three (the
 * grandchild reaches init only when its parent dies) and reap them before
 * its leak check, which the harness reads. Linux never lets init end (it
 * panics), so there each process just sleeps two seconds and exits.
 */
#include <unistd.h>

#include "tap.h"

static void nap_then_exit(void)
{
	sleep(2);
	_exit(0);
}

int main(void)
{
	pid_t child = fork();
	if (child == 0) {
		if (fork() == 0)
			nap_then_exit(); /* the grandchild */
		nap_then_exit();
	}
	pid_t sleeper = fork();
	if (sleeper == 0)
		nap_then_exit();
	tap_ok(child > 0 && sleeper > 0, "left a child with a grandchild, and a sleeper");
	return done_testing();
}

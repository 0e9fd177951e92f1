/* user/oom.c — the OOM killer: a runaway allocator dies of SIGKILL, and
 * the rest of the system goes on.
 *
 * Linux does not refuse an anonymous mmap for want of memory (overcommit):
 * it hands out pages as they are touched, and when neither RAM nor swap has
 * one left, the OOM killer picks the process with the most memory and
 * sends it SIGKILL (counted in /proc/vmstat's oom_kill). So a child that
 * maps and touches 1 MiB chunks forever must end killed by SIGKILL, not by
 * a fault or an exit, and its parent, which is small, must live on and
 * still be able to allocate.
 *
 * This runs only on faultline (uname version says "faultline"): on the host it
 * would eat the build machine's memory, so there every case is a skip.
 */
#include <sys/mman.h>

#include "child.h"
#include "swap.h"

#define CHUNK MIB

enum { MMAP_FAILED = 3 };

/* Maps and touches chunk after chunk, one byte down the pipe per chunk so
 * the parent can say how far it got. Never returns unless mmap fails. */
static int runaway(void *fds_)
{
	int *fds = fds_;

	close(fds[0]);
	for (;;) {
		char *p = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED)
			return MMAP_FAILED;
		for (size_t i = 0; i < CHUNK; i += PAGE)
			p[i] = 1;
		if (write(fds[1], "m", 1) != 1)
			return 4;
	}
}

static void still_works(const char *name)
{
	char *p = map_anon(CHUNK);

	fill_pages(p, 0, CHUNK / PAGE, 1, 0x11fe);
	tap_eq(bad_pages(p, 0, CHUNK / PAGE, 1, 0x11fe), 0, "%s", name);
	munmap(p, CHUNK);
}

int main(void)
{
	static const char *names[] = {
		"a runaway allocator child is killed by SIGKILL",
		"/proc/vmstat oom_kill counted the kill",
		"the parent can still allocate and touch 1 MiB",
	};
	long kills = proc_value("/proc/vmstat", "oom_kill");
	long mib = 0;
	int fds[2], status;
	char c;
	pid_t pid;

	if (!on_faultline()) {
		for (int i = 0; i < 3; i++)
			tap_skip("not on faultline", "%s", names[i]);
		return done_testing();
	}
	tap_diag("MemTotal %ld KiB, SwapFree %ld KiB", meminfo_kb("MemTotal"),
		 meminfo_kb("SwapFree"));
	tap_diag("expected: the kernel's \"out of memory: the OOM killer killed process N\" line for the child");
	if (pipe(fds))
		bail("pipe");
	pid = spawn(runaway, fds);
	close(fds[1]);
	while (read(fds[0], &c, 1) == 1) /* EOF once the child is gone */
		mib++;
	status = reap(pid);
	tap_diag("the child touched %ld MiB", mib);
	tap_status(status, KILLED(SIGKILL), "%s", names[0]);
	if (status == EXITED(MMAP_FAILED))
		tap_diag("mmap failed: Linux would have handed out the memory and killed later");

	if (kills < 0)
		tap_skip("no oom_kill in /proc/vmstat", "%s", names[1]);
	else
		tap_eq(proc_value("/proc/vmstat", "oom_kill"), kills + 1, "%s", names[1]);
	still_works(names[2]);
	return done_testing();
}

/* user/sysinfo.c — sysinfo(2) agrees with /proc/meminfo and with what the
 * program can see: sizes in bytes (mem_unit 1), swap sizes as SwapTotal
 * and SwapFree say (the machine has swap on faultline), sharedram grows
 * with touched MAP_SHARED anonymous memory (Linux's shmem), procs counts
 * live processes, and loads are Linux's 16-bit fixed-point averages, which
 * a busy child lifts above zero within one 5-second period. Other
 * processes on the host move these numbers too, so only ranges are
 * checked. */
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "swap.h"

#define SHARED (16 * MIB)

static struct sysinfo info(void)
{
	struct sysinfo si;

	if (sysinfo(&si))
		bail("sysinfo");
	return si;
}

static int spin(void *unused)
{
	struct timespec t0, t;

	(void)unused;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while (t.tv_sec - t0.tv_sec < 6);
	return 0;
}

int main(void)
{
	struct sysinfo si = info();
	int fds[2];
	pid_t kids[3];

	tap_eq(si.mem_unit, 1, "mem_unit is 1");
	tap_eq(si.totalram / 1024, meminfo_kb("MemTotal"), "totalram is MemTotal");
	tap_ok(si.totalswap / 1024 == (unsigned long)meminfo_kb("SwapTotal"), "totalswap is SwapTotal (%ld kB)",
	       meminfo_kb("SwapTotal"));
	tap_ok(si.freeswap <= si.totalswap && (si.freeswap > 0) == (si.totalswap > 0),
	       "freeswap is within totalswap, and not 0 when there is swap");

	char *s = mmap(NULL, SHARED, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		bail("mmap");
	memset(s, 1, SHARED);
	tap_ok(info().sharedram >= si.sharedram + SHARED / 4 * 3,
	       "sharedram grew with 16 MiB of touched shared memory");
	munmap(s, SHARED);

	if (pipe(fds))
		bail("pipe");
	for (int i = 0; i < 3; i++)
		kids[i] = spawn(until_eof, fds);
	tap_ok(info().procs >= 4, "procs counts this process and its three children");
	close(fds[1]);
	close(fds[0]);
	for (int i = 0; i < 3; i++)
		reap(kids[i]);

	child_case(spin, NULL, EXITED(0), "a child spins for 6 seconds");
	si = info();
	tap_ok(si.loads[0] > 0, "the 1-minute load is above 0 after it (%lu/65536)", si.loads[0]);
	tap_ok(si.loads[0] < 1000 * 65536 && si.loads[1] < 1000 * 65536 && si.loads[2] < 1000 * 65536,
	       "every load average is below 1000");
	return done_testing();
}

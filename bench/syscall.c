/* bench/syscall.c — the cost of crossing into the kernel and back for the
 * smallest calls: each a loop of N calls, divided by N, so the figure
 * includes musl's wrapper and the loop (as a program pays them).
 *   getppid            the null syscall
 *   arch_prctl_get_fs  one put_user
 *   clock_gettime_syscall  a small copy_to_user, by the raw syscall
 *   clock_gettime_vdso     the same through musl, which uses the vDSO when
 *                      the kernel gives one (AT_SYSINFO_EHDR); else n/a
 *   open_missing       an 18-byte path copied in and looked up, ENOENT
 *   futex_wake         FUTEX_WAKE with no waiter
 *   signal_kill_self   kill(self) + delivery to a handler + sigreturn
 *   boot_kmain_to_user the kernel's instructions from kmain to the first
 *                      return to user mode, if it says (/proc/sys/debug/boot_tsc) */
#include <fcntl.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* Linux's numbers (asm/prctl.h, linux/futex.h: not in musl's headers). */
#define ARCH_GET_FS 0x1003
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128

#define CALLS 100
#define MISSING "/nonexistent/bench" /* 18 bytes */

static void calls(void)
{
	unsigned long fs;
	struct timespec ts;
	int word = 0;
	MEASURE_LOOP("getppid", CALLS, getppid());
	MEASURE_LOOP("arch_prctl_get_fs", CALLS, syscall(SYS_arch_prctl, ARCH_GET_FS, &fs));
	MEASURE_LOOP("clock_gettime_syscall", CALLS,
		     syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts));
	if (getauxval(AT_SYSINFO_EHDR))
		MEASURE_LOOP("clock_gettime_vdso", CALLS, clock_gettime(CLOCK_MONOTONIC, &ts));
	else
		not_here("clock_gettime_vdso", "no vDSO (AT_SYSINFO_EHDR is 0)");
	MEASURE_LOOP("open_missing", CALLS, open(MISSING, O_RDONLY));
	MEASURE_LOOP("futex_wake", CALLS,
		     syscall(SYS_futex, &word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0));
}

static volatile sig_atomic_t caught;

static void on_signal(int sig) { caught += sig == SIGUSR1; }

static void signal_self(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	pid_t me = getpid();
	need(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction");
	MEASURE_LOOP("signal_kill_self", CALLS, kill(me, SIGUSR1));
	need(caught == rounds() * ops(CALLS), "signal delivery");
}

/* Two numbers: rdtsc at kmain's entry, and just before the first return
 * to user mode (faultline's own file; Linux has none: no figure). */
static void boot_figure(void)
{
	unsigned long long kmain, user;
	FILE *f = fopen("/proc/sys/debug/boot_tsc", "r");
	if (!f)
		return;
	if (fscanf(f, "%llu %llu", &kmain, &user) == 2 && user > kmain)
		print_figure("boot_kmain_to_user", user - kmain);
	fclose(f);
}

int main(int argc, char **argv)
{
	bench_init(argc, argv);
	calls();
	signal_self();
	boot_figure();
	return 0;
}

/* user/bk13b_thr.c — breaker13b: signals and CPU time in a process of
 * several threads, execve from a thread, and the trap flag across a
 * system call.
 *
 * Linux's rules: a process-directed signal goes to a thread that does not
 * block it, whatever that thread is doing (spinning in ring 3 too); if the
 * only such thread exits, it stays pending for the process. ITIMER_VIRTUAL
 * counts the user time of every thread. CLOCK_PROCESS_CPUTIME_ID counts
 * every thread, the dead ones too, and never goes back. execve from any
 * thread starts the program alone, with registers cleared; the blocked mask
 * and pending signals survive it. SIGKILL ends a process whatever its
 * threads do. A program that sets TF traps after each instruction but
 * the SYSCALL, whose trap Linux does not report. Runs the same on Linux. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "child.h"

static volatile int usr1_hits;
static volatile pid_t usr1_tid;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_hits++;
	usr1_tid = syscall(SYS_gettid);
}

static void block(int how, int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	pthread_sigmask(how, &s, NULL);
}

static void *unblock_and_exit(void *arg)
{
	(void)arg;
	block(SIG_UNBLOCK, SIGUSR1);
	return NULL;
}

/* The one thread that would take it is gone: pending for the process. */
static void taker_exited(void)
{
	pthread_t t;

	signal(SIGUSR1, on_usr1);
	block(SIG_BLOCK, SIGUSR1);
	usr1_hits = 0;
	pthread_create(&t, NULL, unblock_and_exit, NULL);
	pthread_join(t, NULL);
	kill(getpid(), SIGUSR1);
	sigset_t p;
	sigpending(&p);
	int before = usr1_hits;
	tap_ok(before == 0 && sigismember(&p, SIGUSR1),
	       "the only thread not blocking SIGUSR1 has exited: it is pending");
	block(SIG_UNBLOCK, SIGUSR1);
	int after = usr1_hits;
	tap_ok(after == 1 && usr1_tid == syscall(SYS_gettid),
	       "...and runs in the main thread before its unblocking call returns");
}

static atomic_int spin_go;

static void *spin_user(void *arg)
{
	(void)arg;
	block(SIG_UNBLOCK, SIGUSR1);
	atomic_store(&spin_go, 1);
	while (!usr1_hits)
		; /* ring 3 only: no system call to return from */
	return (void *)(long)syscall(SYS_gettid);
}

static void spinner_gets_it(void)
{
	pthread_t t;
	void *tid;

	block(SIG_BLOCK, SIGUSR1);
	usr1_hits = 0;
	atomic_store(&spin_go, 0);
	pthread_create(&t, NULL, spin_user, NULL);
	while (!atomic_load(&spin_go))
		sched_yield();
	kill(getpid(), SIGUSR1);
	pthread_join(t, &tid);
	tap_ok(usr1_hits == 1 && usr1_tid == (pid_t)(long)tid,
	       "a process signal reaches the one thread that takes it, spinning in ring 3");
	block(SIG_UNBLOCK, SIGUSR1);
}

/* ITIMER_VIRTUAL runs on the user time of a worker while main sleeps. */
static volatile int vt_hits;

static void on_vtalrm(int sig)
{
	(void)sig;
	vt_hits++;
}

static void *spin_until_vt(void *arg)
{
	struct timespec a, b;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &a);
	do
		clock_gettime(CLOCK_MONOTONIC, &b);
	while (!vt_hits && b.tv_sec - a.tv_sec < 10);
	return NULL;
}

static void virtual_timer_threads(void)
{
	pthread_t t;
	struct itimerval it = { .it_value = { 0, 50000 } };

	signal(SIGVTALRM, on_vtalrm);
	vt_hits = 0;
	setitimer(ITIMER_VIRTUAL, &it, NULL);
	pthread_create(&t, NULL, spin_until_vt, NULL);
	pthread_join(t, NULL);
	tap_ok(vt_hits == 1, "ITIMER_VIRTUAL fires on a worker's user time while main sleeps (%d)", vt_hits);
	signal(SIGVTALRM, SIG_DFL);
}

/* The process clock across thread exits. */
static atomic_int workers_left;

static void *burn_30ms(void *arg)
{
	struct timespec a, b;

	(void)arg;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
	do
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
	while ((b.tv_sec - a.tv_sec) * 1000000000L + b.tv_nsec - a.tv_nsec < 30000000);
	atomic_fetch_sub(&workers_left, 1);
	return NULL;
}

static long long ns(struct timespec t)
{
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void process_clock_monotonic(void)
{
	pthread_t t[4];
	struct timespec start, now, mine;
	long long last, back = 0;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
	last = ns(start);
	atomic_store(&workers_left, 4);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, burn_30ms, NULL);
	while (atomic_load(&workers_left) > 0) {
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
		if (ns(now) < last)
			back = last - ns(now);
		last = ns(now);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
		if (ns(now) < last)
			back = last - ns(now);
		last = ns(now);
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mine);
	tap_ok(!back, "CLOCK_PROCESS_CPUTIME_ID never goes back as threads exit (went back %lld ns)", back);
	long long grew = last - ns(start);
	tap_ok(grew >= 4 * 30000000LL, "...and kept the dead threads' 4 x 30 ms (+%lld ns)", grew);
}

static volatile int forever = 1; /* loops that only a signal ends */

/* SIGKILL while one thread makes system calls, one spins, main sleeps. */
static void *syscall_loop(void *arg)
{
	(void)arg;
	while (forever)
		syscall(SYS_getppid);
	return NULL;
}

static void *user_loop(void *arg)
{
	(void)arg;
	while (forever)
		;
	return NULL;
}

static int busy_threads(void *arg)
{
	pthread_t t;

	(void)arg;
	pthread_create(&t, NULL, syscall_loop, NULL);
	pthread_create(&t, NULL, user_loop, NULL);
	pause();
	return 3;
}

static void kill_busy(void)
{
	pid_t pid = spawn(busy_threads, NULL);

	usleep(100000);
	kill(pid, SIGKILL);
	tap_status(reap(pid), KILLED(SIGKILL), "SIGKILL to a process looping in syscalls and in ring 3");
}

/* execve from a second thread; the new image is initregs, which checks
 * its own first registers and prints TAP into a pipe. */
static const char *bin_dir(void)
{
	return getenv("BIN_DIR") ? getenv("BIN_DIR") : "/bin";
}

static int exec_fd;

static void *exec_from_thread(void *arg)
{
	char path[256];

	(void)arg;
	snprintf(path, sizeof path, "%s/initregs", bin_dir());
	dup2(exec_fd, 1);
	char *argv[] = { path, NULL }, *envp[] = { NULL };
	execve(path, argv, envp);
	_exit(100 + errno); /* 100 + why execve failed */
}

static int exec_child(void *fd)
{
	pthread_t t;

	exec_fd = *(int *)fd;
	pthread_create(&t, NULL, exec_from_thread, NULL);
	while (forever)
		syscall(SYS_getppid);
	return 3;
}

static void exec_thread(void)
{
	int p[2];
	char out[8192];

	if (pipe(p))
		bail("pipe");
	pid_t pid = spawn(exec_child, &p[1]);
	close(p[1]);
	long n = read_full(p[0], out, sizeof out - 1);
	close(p[0]);
	out[n < 0 ? 0 : n] = 0;
	int st = reap(pid);
	tap_ok(n > 0 && strstr(out, "\n1..") && !strstr(out, "not ok") && st == EXITED(0),
	       "execve from a second thread while main makes syscalls: initregs passes (%s)",
	       status_name(st));
	if (strstr(out, "not ok"))
		tap_diag("%s", out);
}

/* execve with SIGUSR1 blocked and pending, a handler installed: the new
 * program has it blocked and pending, with the default action. */
static char self_path[] = "/proc/self/exe"; /* argv[0] has no directory under the runner */

static int exec_pending(void *arg)
{
	(void)arg;
	signal(SIGUSR1, on_usr1);
	block(SIG_BLOCK, SIGUSR1);
	raise(SIGUSR1);
	char *argv[] = { self_path, "pending", NULL }, *envp[] = { NULL };
	execve(self_path, argv, envp);
	return 99;
}

static int after_exec(void)
{
	sigset_t p, m;
	struct sigaction sa;

	sigpending(&p);
	sigprocmask(SIG_SETMASK, NULL, &m);
	sigaction(SIGUSR1, NULL, &sa);
	if (!sigismember(&p, SIGUSR1) || !sigismember(&m, SIGUSR1) || sa.sa_handler != SIG_DFL)
		return 1;
	block(SIG_UNBLOCK, SIGUSR1); /* the default action: the end */
	return 2;
}

static void exec_keeps_pending(void)
{
	tap_status(reap(spawn(exec_pending, NULL)), KILLED(SIGUSR1),
		   "execve keeps a blocked pending signal; unblocked after, its default action kills");
}

/* TF set by popf: a SIGTRAP after each instruction, the SYSCALL too. */
extern char tf_run[], tf_b[], tf_c[], tf_e[], tf_f[];
void tf_run_fn(void);
__asm__(".text\n.globl tf_run_fn, tf_run, tf_a, tf_b, tf_c, tf_d, tf_e, tf_f\n"
	"tf_run_fn:\ntf_run:\n pushfq\n orq $0x100, (%rsp)\n popfq\n"
	"tf_a: nop\n"
	"tf_b: mov $39, %eax\n"
	"tf_c: syscall\n"
	"tf_d: nop\n"
	"tf_e: pushfq\n andq $~0x100, (%rsp)\n popfq\n"
	"tf_f: ret\n");

static volatile unsigned long trap_rip[32];
static volatile int ntraps;

static void on_trap(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;

	(void)sig, (void)si;
	if (ntraps < 32)
		trap_rip[ntraps] = uc->uc_mcontext.gregs[REG_RIP];
	ntraps++;
}

static void trap_flag(void)
{
	struct sigaction sa = { .sa_sigaction = on_trap, .sa_flags = SA_SIGINFO };
	/* Linux's traps for this sequence: after each instruction but the
	 * SYSCALL (whose trap is not reported: the next one is after tf_d's
	 * nop), and after the popf that clears TF. */
	const unsigned long want[] = {
		(unsigned long)tf_b, (unsigned long)tf_c, (unsigned long)tf_e,
		(unsigned long)tf_e + 1, (unsigned long)tf_e + 9, (unsigned long)tf_f,
	};
	int n = sizeof want / sizeof want[0];

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTRAP, &sa, NULL);
	ntraps = 0;
	tf_run_fn();
	int same = ntraps == n;
	for (int i = 0; i < ntraps && i < 32; i++) {
		tap_diag("trap %d at tf_run%+ld", i, (long)(trap_rip[i] - (unsigned long)tf_run));
		if (i < n && trap_rip[i] != want[i])
			same = 0;
	}
	tap_ok(same, "TF from popf: a SIGTRAP after each instruction, none after the SYSCALL (%d traps)", ntraps);
	signal(SIGTRAP, SIG_DFL);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "pending"))
		return after_exec();
	taker_exited();
	spinner_gets_it();
	virtual_timer_threads();
	process_clock_monotonic();
	kill_busy();
	exec_thread();
	exec_keeps_pending();
	trap_flag();
	return done_testing();
}

/* user/bk10_sigthr.c — breaker10: signals meeting sleeps, threads, children
 * and timers, black box.
 *
 * Which blocking calls a caught signal restarts under SA_RESTART and which
 * return EINTR (signal(7)); who runs a process-directed signal when one
 * thread leaves it unblocked; pthread_kill; per-thread masks, pending sets
 * and alternate stacks; SIGSTOP stopping every thread; kill(-pgid) once per
 * thread group; SIGCHLD with SA_NOCLDWAIT / SIG_IGN / SA_NOCLDSTOP and its
 * siginfo; ITIMER_REAL with an interval into a handler and into
 * sigtimedwait; a timer re-armed from its own handler.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "tap.h"
#include "bk10.h"

#define BIT(s) (1UL << ((s) - 1))

static volatile int hcount;
static volatile long htid;
static void count_handler(int sig)
{
	(void)sig;
	hcount++;
	htid = tid();
}

static void set_handler(int sig, void (*h)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

/* ---- restart or EINTR --------------------------------------------------- */

enum { K_READ, K_WRITE, K_FUTEX, K_FUTEX_TMO, K_POLL, K_SELECT, K_NANOSLEEP, K_CLOCKNS_ABS,
       K_WAIT4, K_PAUSE, K_SIGTIMEDWAIT, K_FUTEX_BITSET_ABS, K_PPOLL };

static const char *kname[] = { "read(pipe)", "write(full pipe)", "futex WAIT",
			       "futex WAIT with timeout", "poll", "select", "nanosleep",
			       "clock_nanosleep TIMER_ABSTIME", "wait4", "pause",
			       "rt_sigtimedwait(other signal)", "futex WAIT_BITSET abs", "ppoll" };

static pthread_t main_thread;
static int rp[2], fullp[2];
static int fword;
static pid_t waitchild;
static int kind;

static void *poker(void *a)
{
	(void)a;
	msleep(100);
	pthread_kill(main_thread, SIGUSR1);
	msleep(100);
	/* now complete whatever the main thread waits for */
	switch (kind) {
	case K_READ:
		write(rp[1], "d", 1);
		break;
	case K_WRITE: {
		static char big[65536];
		read(fullp[0], big, sizeof big);
		break;
	}
	case K_FUTEX:
		__atomic_store_n(&fword, 1, __ATOMIC_SEQ_CST);
		syscall(SYS_futex, &fword, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
		break;
	case K_WAIT4: {
		write(rp[1], "d", 1); /* the child exits on it */
		break;
	}
	default:
		break;
	}
	return NULL;
}

static int child_on_byte(void *a)
{
	(void)a;
	char c;
	read(rp[0], &c, 1);
	return 5;
}

static void restart_case(int k, int restart)
{
	long want_ret;
	int want_err;
	int e = 0;
	long r = -1;
	char c;
	struct timespec rem = { 0, 0 };

	kind = k;
	hcount = 0;
	set_handler(SIGUSR1, count_handler, restart ? SA_RESTART : 0);
	if (pipe(rp))
		bail("pipe");
	if (k == K_WRITE) {
		pipe(fullp);
		fcntl(fullp[1], F_SETFL, O_NONBLOCK);
		char buf[4096];
		memset(buf, 0, sizeof buf);
		while (write(fullp[1], buf, sizeof buf) > 0)
			;
		while (write(fullp[1], buf, 1) > 0)
			;
		fcntl(fullp[1], F_SETFL, 0);
	}
	if (k == K_WAIT4)
		waitchild = spawn(child_on_byte, NULL);
	fword = 0;
	main_thread = pthread_self();
	pthread_t t;
	pthread_create(&t, NULL, poker, NULL);
	errno = 0;
	switch (k) {
	case K_READ:
		r = read(rp[0], &c, 1);
		break;
	case K_WRITE:
		r = write(fullp[1], "w", 1);
		break;
	case K_FUTEX:
		r = syscall(SYS_futex, &fword, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0);
		break;
	case K_FUTEX_TMO: {
		struct timespec ts = { 2, 0 };
		r = syscall(SYS_futex, &fword, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &ts, NULL, 0);
		break;
	}
	case K_FUTEX_BITSET_ABS: {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += 2;
		r = syscall(SYS_futex, &fword, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, &ts, NULL,
			    ~0u);
		break;
	}
	case K_POLL: {
		struct pollfd p = { rp[0], POLLIN, 0 };
		r = syscall(SYS_poll, &p, 1, 2000);
		break;
	}
	case K_PPOLL: {
		struct pollfd p = { rp[0], POLLIN, 0 };
		struct timespec ts = { 2, 0 };
		r = syscall(SYS_ppoll, &p, 1, &ts, NULL, 8);
		break;
	}
	case K_SELECT: {
		fd_set s;
		FD_ZERO(&s);
		FD_SET(rp[0], &s);
		struct timeval tv = { 2, 0 };
		r = syscall(SYS_select, rp[0] + 1, &s, NULL, NULL, &tv);
		break;
	}
	case K_NANOSLEEP: {
		struct timespec ts = { 2, 0 };
		r = syscall(SYS_nanosleep, &ts, &rem);
		break;
	}
	case K_CLOCKNS_ABS: {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += 2;
		rem = (struct timespec){ 77, 77 };
		r = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, &rem);
		break;
	}
	case K_WAIT4: {
		int st;
		r = syscall(SYS_wait4, waitchild, &st, 0, NULL);
		break;
	}
	case K_PAUSE:
		r = syscall(SYS_pause);
		break;
	case K_SIGTIMEDWAIT: {
		unsigned long set = BIT(SIGUSR2);
		struct timespec ts = { 2, 0 };
		sigset_t b;
		sigemptyset(&b);
		sigaddset(&b, SIGUSR2);
		sigprocmask(SIG_BLOCK, &b, NULL);
		r = syscall(SYS_rt_sigtimedwait, &set, NULL, &ts, 8);
		sigprocmask(SIG_UNBLOCK, &b, NULL);
		break;
	}
	}
	e = errno;
	pthread_join(t, NULL);

	/* Linux: ERESTARTSYS calls restart with SA_RESTART; the rest are EINTR */
	switch (k) {
	case K_READ:
	case K_WRITE:
		want_ret = restart ? 1 : -1;
		break;
	case K_FUTEX:
		want_ret = restart ? 0 : -1;
		break;
	case K_WAIT4:
		want_ret = restart ? waitchild : -1;
		break;
	default:
		want_ret = -1;
	}
	want_err = want_ret == -1 ? EINTR : 0;
	tap_ok(hcount == 1 && r == want_ret && (want_ret != -1 || e == want_err),
	       "%s, %s: %s (got %ld %s, handler %d)", kname[k], restart ? "SA_RESTART" : "no SA_RESTART",
	       want_ret == -1 ? "EINTR" : "restarted", r, r == -1 ? tap_errname(e) : "", hcount);
	if (k == K_NANOSLEEP)
		tap_ok(rem.tv_sec < 2 && (rem.tv_sec > 0 || rem.tv_nsec > 0),
		       "nanosleep's rem: the time left (%ld.%09ld)", (long)rem.tv_sec, rem.tv_nsec);
	if (k == K_CLOCKNS_ABS)
		tap_ok(rem.tv_sec == 77 && rem.tv_nsec == 77,
		       "clock_nanosleep TIMER_ABSTIME leaves rem alone");
	if (k == K_WAIT4 && r != waitchild) {
		char c2 = 0;
		(void)c2;
		reap(waitchild);
	}
	close(rp[0]);
	close(rp[1]);
	if (k == K_WRITE) {
		close(fullp[0]);
		close(fullp[1]);
	}
}

/* an ignored or default-ignored signal does not interrupt anything */
static void *winch_poker(void *a)
{
	(void)a;
	msleep(100);
	pthread_kill(main_thread, SIGWINCH);
	pthread_kill(main_thread, SIGUSR2);
	msleep(100);
	write(rp[1], "d", 1);
	return NULL;
}

static void ignore_case(void)
{
	set_handler(SIGWINCH, SIG_DFL, 0);
	set_handler(SIGUSR2, SIG_IGN, 0);
	pipe(rp);
	main_thread = pthread_self();
	pthread_t t;
	pthread_create(&t, NULL, winch_poker, NULL);
	char c;
	long r = read(rp[0], &c, 1);
	pthread_join(t, NULL);
	tap_eq(r, 1, "read is not interrupted by SIGWINCH (default ignore) nor an ignored SIGUSR2");
	close(rp[0]);
	close(rp[1]);
	set_handler(SIGUSR2, SIG_DFL, 0);
}

/* ---- threads ------------------------------------------------------------- */

static int gate;
static volatile long t_tid;
static volatile long t_ret, t_err;
static int tp[2];

static void *unblocked_reader(void *a)
{
	(void)a;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	t_tid = tid();
	__atomic_store_n(&gate, 1, __ATOMIC_SEQ_CST);
	futex_wake(&gate, 1);
	char c;
	errno = 0;
	t_ret = read(tp[0], &c, 1);
	t_err = errno;
	return NULL;
}

static volatile int alt_ok;
static char tstack[65536];
static void *altstack_thread(void *a)
{
	(void)a;
	stack_t st;
	sigaltstack(NULL, &st);
	alt_ok = st.ss_flags == SS_DISABLE;
	return NULL;
}

static volatile unsigned long t_pending, t_mask;
static void *pend_thread(void *a)
{
	(void)a;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	t_tid = tid();
	__atomic_store_n(&gate, 1, __ATOMIC_SEQ_CST);
	futex_wake(&gate, 1);
	while (__atomic_load_n(&gate, __ATOMIC_SEQ_CST) != 2)
		futex_wait(&gate, 1);
	unsigned long p = 0;
	syscall(SYS_rt_sigpending, &p, 8);
	t_pending = p;
	siginfo_t si;
	struct timespec z = { 0, 0 };
	unsigned long set = BIT(SIGUSR2);
	t_ret = syscall(SYS_rt_sigtimedwait, &set, &si, &z, 8);
	return NULL;
}

static volatile long sw_sig, sw_pid;
static void *sigwait_thread(void *a)
{
	(void)a;
	unsigned long set = BIT(SIGUSR2);
	siginfo_t si;
	__atomic_store_n(&gate, 1, __ATOMIC_SEQ_CST);
	futex_wake(&gate, 1);
	sw_sig = syscall(SYS_rt_sigtimedwait, &set, &si, NULL, 8);
	sw_pid = si.si_pid;
	return NULL;
}

static void wait_gate(int v)
{
	int g;
	while ((g = __atomic_load_n(&gate, __ATOMIC_SEQ_CST)) != v)
		futex_wait(&gate, g);
}

static void *idle_thread(void *a)
{
	(void)a;
	if (!a) {
		sigset_t all;
		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, NULL);
	}
	for (;;)
		pause();
	return NULL;
}

static void *sh_thread(void *a)
{
	(void)a;
	set_handler(SIGUSR1, count_handler, 0);
	return NULL;
}

static void thread_cases(void)
{
	/* a process signal goes to the one thread that does not block it */
	set_handler(SIGUSR1, count_handler, 0);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	pipe(tp);
	gate = 0;
	hcount = 0;
	pthread_t t;
	pthread_create(&t, NULL, unblocked_reader, NULL);
	wait_gate(1);
	msleep(100);
	kill(getpid(), SIGUSR1);
	pthread_join(t, NULL);
	tap_ok(hcount == 1 && htid == t_tid, "kill(pid): the only thread not blocking it runs the handler");
	tap_ok(t_ret == -1 && t_err == EINTR, "and its read returns EINTR (%ld %s)", t_ret,
	       tap_errname(t_err));
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	close(tp[0]);
	close(tp[1]);

	/* pthread_kill reaches the thread named, among several idle ones */
	pthread_t idle[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&idle[i], NULL, idle_thread, NULL);
	pipe(tp);
	gate = 0;
	hcount = 0;
	pthread_create(&t, NULL, unblocked_reader, NULL);
	wait_gate(1);
	msleep(50);
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	tap_ok(hcount == 1 && htid == t_tid, "pthread_kill: the named thread runs the handler");
	close(tp[0]);
	close(tp[1]);

	/* a new thread has no alternate stack though its creator has one */
	stack_t st = { .ss_sp = tstack, .ss_size = sizeof tstack, .ss_flags = 0 };
	sigaltstack(&st, NULL);
	pthread_create(&t, NULL, altstack_thread, NULL);
	pthread_join(t, NULL);
	tap_ok(alt_ok, "a new thread starts with SS_DISABLE, whatever its creator's stack");
	pid_t c = fork();
	if (c == 0) {
		stack_t o;
		sigaltstack(NULL, &o);
		_exit(o.ss_sp == tstack && o.ss_flags == 0 ? 0 : 1);
	}
	tap_status(reap(c), EXITED(0), "a fork child keeps the alternate stack");
	st.ss_flags = SS_DISABLE;
	sigaltstack(&st, NULL);

	/* thread-directed pending is the thread's own */
	gate = 0;
	pthread_create(&t, NULL, pend_thread, NULL);
	wait_gate(1);
	syscall(SYS_tgkill, getpid(), t_tid, SIGUSR2);
	unsigned long mine = 0;
	syscall(SYS_rt_sigpending, &mine, 8);
	__atomic_store_n(&gate, 2, __ATOMIC_SEQ_CST);
	futex_wake(&gate, 1);
	pthread_join(t, NULL);
	tap_ok((t_pending & BIT(SIGUSR2)) && !(mine & BIT(SIGUSR2)) && t_ret == SIGUSR2,
	       "tgkill to a thread blocking it: pending there, not in the sender's set (%#lx %#lx %ld)",
	       t_pending, mine, t_ret);

	/* sigwait in one thread for a process signal everybody blocks */
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	gate = 0;
	pthread_create(&t, NULL, sigwait_thread, NULL);
	wait_gate(1);
	msleep(50);
	kill(getpid(), SIGUSR2);
	pthread_join(t, NULL);
	tap_ok(sw_sig == SIGUSR2 && sw_pid == getpid(), "a thread's sigtimedwait takes the process signal (%ld %ld)",
	       sw_sig, sw_pid);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);

	/* a handler set by a thread is the process's */
	set_handler(SIGUSR1, SIG_DFL, 0);
	pthread_create(&t, NULL, sh_thread, NULL);
	pthread_join(t, NULL);
	hcount = 0;
	raise(SIGUSR1);
	tap_eq(hcount, 1, "a handler installed by another thread runs in the main thread");
	set_handler(SIGUSR1, SIG_DFL, 0);
}

/* ---- SIGSTOP stops every thread; kill(-pgid) once per process ------------- */

static volatile long *shared;

static void *spinner(void *a)
{
	(void)a;
	for (;;)
		__atomic_add_fetch(&shared[0], 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int stop_child(void *a)
{
	(void)a;
	pthread_t t;
	pthread_create(&t, NULL, spinner, NULL);
	for (;;)
		pause();
	return 0;
}

static int group_slot; /* which counter this process's handler counts in: 1 or 2 */

static void group_count_handler(int sig)
{
	(void)sig;
	__atomic_add_fetch(&shared[group_slot], 1, __ATOMIC_SEQ_CST);
}

static int pg_child(void *slot)
{
	group_slot = (int)(long)slot; /* by birth order: pids may share a parity */
	set_handler(SIGUSR1, group_count_handler, 0);
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, idle_thread, (void *)1);
	__atomic_add_fetch(&shared[3], 1, __ATOMIC_SEQ_CST);
	futex_wake((int *)&shared[3], 10);
	for (;;)
		pause();
	return 0;
}

static void group_cases(void)
{
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t c = spawn(stop_child, NULL);
	while (shared[0] < 1000)
		sched_yield();
	kill(c, SIGSTOP);
	int st;
	pid_t w = waitpid(c, &st, WUNTRACED);
	tap_ok(w == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "SIGSTOP to a 2-thread process: reported stopped");
	long a = shared[0];
	msleep(100);
	long b = shared[0];
	tap_ok(a == b, "no thread runs while stopped (%ld -> %ld)", a, b);
	kill(c, SIGCONT);
	w = waitpid(c, &st, WCONTINUED);
	tap_ok(w == c && WIFCONTINUED(st), "SIGCONT: reported continued");
	while (shared[0] == b)
		sched_yield();
	tap_ok(1, "the spinning thread runs again");
	kill(c, SIGTERM);
	tap_status(reap(c), KILLED(SIGTERM), "SIGTERM kills every thread of it");

	/* kill(-pgid): each multi-threaded process of the group once */
	memset((void *)shared, 0, 64);
	fflush(stdout);
	pid_t leader = fork();
	if (leader == 0) {
		setpgid(0, 0);
		_exit(pg_child((void *)1));
	}
	setpgid(leader, leader);
	fflush(stdout);
	pid_t other = fork();
	if (other == 0) {
		setpgid(0, leader);
		_exit(pg_child((void *)2));
	}
	setpgid(other, leader);
	long n;
	while ((n = __atomic_load_n(&shared[3], __ATOMIC_SEQ_CST)) < 2)
		futex_wait((int *)&shared[3], (int)n);
	msleep(50);
	kill(-leader, SIGUSR1);
	while (shared[1] + shared[2] < 2)
		sched_yield();
	msleep(100);
	tap_ok(shared[1] == 1 && shared[2] == 1, "kill(-pgid) runs the handler once per process (%ld %ld)",
	       shared[1], shared[2]);
	kill(-leader, SIGKILL);
	tap_status(reap(leader), KILLED(SIGKILL), "kill(-pgid, SIGKILL): first process");
	tap_status(reap(other), KILLED(SIGKILL), "kill(-pgid, SIGKILL): second process");
}

/* ---- SIGCHLD -------------------------------------------------------------- */

static volatile int chld_n, chld_code, chld_status, chld_pid;
static void chld_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	chld_n++;
	chld_code = si->si_code;
	chld_status = si->si_status;
	chld_pid = si->si_pid;
}

static int exit_7(void *a) { (void)a; return 7; }
static int stop_self(void *a)
{
	(void)a;
	raise(SIGSTOP);
	return 0;
}

static void sigchld_cases(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = chld_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);

	chld_n = 0;
	pid_t c = spawn(exit_7, NULL);
	int st = reap(c);
	tap_ok(st == EXITED(7) && chld_n == 1 && chld_code == CLD_EXITED && chld_status == 7 &&
		       chld_pid == c,
	       "SIGCHLD siginfo: CLD_EXITED, status 7, the child's pid (%d %d %d)", chld_n, chld_code,
	       chld_status);

	chld_n = 0;
	c = spawn(exit_7, NULL);
	msleep(10);
	kill(c, SIGKILL);
	reap(c);
	tap_ok(chld_n == 1 && (chld_code == CLD_KILLED || (chld_code == CLD_EXITED && chld_status == 7)),
	       "SIGCHLD for a killed (or already exited) child (%d %d)", chld_code, chld_status);

	chld_n = 0;
	c = spawn(stop_self, NULL);
	int w = waitpid(c, &st, WUNTRACED);
	tap_ok(w == c && WIFSTOPPED(st) && chld_n == 1 && chld_code == CLD_STOPPED &&
		       chld_status == SIGSTOP,
	       "without SA_NOCLDSTOP: SIGCHLD CLD_STOPPED, status SIGSTOP (%d %d %d)", chld_n,
	       chld_code, chld_status);
	chld_n = 0;
	kill(c, SIGCONT);
	w = waitpid(c, &st, 0);
	tap_ok(w == c && WIFEXITED(st) && chld_n >= 1, "SIGCONT, exit: SIGCHLD again (%d)", chld_n);

	sa.sa_flags = SA_SIGINFO | SA_NOCLDSTOP | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	chld_n = 0;
	c = spawn(stop_self, NULL);
	w = waitpid(c, &st, WUNTRACED);
	tap_ok(w == c && WIFSTOPPED(st) && chld_n == 0, "SA_NOCLDSTOP: a stop sends no SIGCHLD (%d)",
	       chld_n);
	kill(c, SIGCONT);
	waitpid(c, &st, 0);

	sa.sa_flags = SA_SIGINFO | SA_NOCLDWAIT | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	chld_n = 0;
	c = spawn(exit_7, NULL);
	errno = 0;
	long r = syscall(SYS_wait4, -1, &st, 0, NULL);
	tap_ok(r == -1 && errno == ECHILD, "SA_NOCLDWAIT: the child is reaped by itself, wait4 -> ECHILD (%ld %s)",
	       r, tap_errname(errno));
	tap_eq(chld_n, 1, "SA_NOCLDWAIT with a handler: SIGCHLD still delivered");
	tap_eq(kill(c, 0) == -1 && errno == ESRCH, 1, "and no zombie is left (kill -> ESRCH)");

	set_handler(SIGCHLD, SIG_IGN, 0);
	c = spawn(exit_7, NULL);
	errno = 0;
	r = syscall(SYS_wait4, -1, &st, 0, NULL);
	tap_ok(r == -1 && errno == ECHILD, "SIGCHLD SIG_IGN: wait4 -> ECHILD (%ld %s)", r,
	       tap_errname(errno));
	set_handler(SIGCHLD, SIG_DFL, 0);
	c = spawn(exit_7, NULL);
	tap_status(reap(c), EXITED(7), "back to SIG_DFL: the child is a zombie again, reaped with status");
}

/* ---- interval timers into handlers ----------------------------------------- */

static volatile int alrm_n;
static void alrm_handler(int sig)
{
	(void)sig;
	alrm_n++;
}

static void rearm_handler(int sig)
{
	(void)sig;
	alrm_n++;
	if (alrm_n < 3) {
		struct itimerval it = { { 0, 0 }, { 0, 10000 } };
		setitimer(ITIMER_REAL, &it, NULL);
	}
}

static void itimer_cases(void)
{
	set_handler(SIGALRM, alrm_handler, 0);
	sigset_t blk, old;
	sigemptyset(&blk);
	sigaddset(&blk, SIGALRM);
	sigprocmask(SIG_BLOCK, &blk, &old);
	alrm_n = 0;
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, cur;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	setitimer(ITIMER_REAL, &it, NULL);
	sigset_t empty;
	sigemptyset(&empty);
	while (alrm_n < 5)
		sigsuspend(&empty);
	clock_gettime(CLOCK_MONOTONIC, &b);
	getitimer(ITIMER_REAL, &cur);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	tap_ok(alrm_n == 5 && ms >= 100, "ITIMER_REAL 20ms interval: 5 handler runs in %ld ms", ms);
	tap_ok(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 20000 &&
		       cur.it_interval.tv_usec == 20000,
	       "still armed after 5 deliveries (%ld us left)", (long)cur.it_value.tv_usec);
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);

	/* the same timer taken with sigtimedwait re-arms too */
	it = (struct itimerval){ { 0, 10000 }, { 0, 10000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	int got = 0;
	for (int i = 0; i < 3; i++) {
		struct timespec ts = { 1, 0 };
		if (sigtimedwait(&blk, NULL, &ts) == SIGALRM)
			got++;
	}
	tap_eq(got, 3, "ITIMER_REAL interval taken 3 times by sigtimedwait (re-armed on dequeue)");
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
	sigtimedwait(&blk, NULL, &(struct timespec){ 0, 0 });

	/* a one-shot timer re-armed from its own handler */
	set_handler(SIGALRM, rearm_handler, 0);
	alrm_n = 0;
	it = (struct itimerval){ { 0, 0 }, { 0, 10000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	while (alrm_n < 3)
		sigsuspend(&empty);
	msleep(50);
	sigprocmask(SIG_SETMASK, &old, NULL);
	getitimer(ITIMER_REAL, &cur);
	tap_ok(alrm_n == 3 && cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0,
	       "one-shot re-armed twice from its handler: 3 runs, then disarmed (%d)", alrm_n);

	/* alarm() from a handler returns what is left of the pending alarm */
	set_handler(SIGUSR1, SIG_DFL, 0);
	alarm(30);
	unsigned left = alarm(0);
	tap_eq(left, 30, "alarm(30) then alarm(0) -> 30");
	set_handler(SIGALRM, SIG_DFL, 0);
}

int main(void)
{
	for (int k = 0; k <= K_PPOLL; k++) {
		restart_case(k, 1);
		if (k == K_READ || k == K_WRITE || k == K_FUTEX || k == K_WAIT4)
			restart_case(k, 0);
	}
	ignore_case();
	thread_cases();
	group_cases();
	sigchld_cases();
	itimer_cases();
	return done_testing();
}

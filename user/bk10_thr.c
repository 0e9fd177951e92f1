/* user/bk10_thr.c — breaker10: threads as a black box (no signal handlers).
 *
 * A fault in a non-leader thread kills the whole process; exit_group from a
 * thread while the others block in futex, read and nanosleep; fork from a
 * thread (the child has one thread, its parent is the process); wait4 by a
 * thread other than the one that forked; the leader exiting first; execve
 * from a non-leader thread; many joins; barrier/cond/rwlock stress; tgkill
 * answers; set_tid_address with a bad pointer.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "tap.h"
#include "bk10.h"

/* ---- a fault in a non-leader thread kills the process ------------------- */

static int pfd[2];

static void *segv_thread(void *a)
{
	(void)a;
	volatile uintptr_t addr = 16;
	*(volatile int *)addr = 1;
	return NULL;
}

static int segv_child(void *a)
{
	pthread_t t;
	char c;

	(void)a;
	if (pthread_create(&t, NULL, segv_thread, NULL))
		return 90;
	read(pfd[0], &c, 1); /* never returns data: the fault ends us */
	return 91;
}

/* ---- exit_group from a thread while others block ------------------------ */

static int never;

static void *block_futex(void *a) { (void)a; for (;;) futex_wait(&never, 0);
	return NULL; }
static void *block_read(void *a)
{
	char c;
	(void)a;
	for (;;) read(pfd[0], &c, 1);
	return NULL;
}
static void *block_sleep(void *a)
{
	(void)a;
	for (;;) { struct timespec ts = { 100, 0 }; nanosleep(&ts, NULL); }
	return NULL;
}
static volatile int started;
static void *count_start(void *(*fn)(void *))
{
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	return fn(NULL);
}
static void *bf(void *a) { (void)a; return count_start(block_futex); }
static void *br(void *a) { (void)a; return count_start(block_read); }
static void *bs(void *a) { (void)a; return count_start(block_sleep); }
static void *exiter(void *a)
{
	(void)a;
	while (started < 3)
		sched_yield();
	struct timespec ts = { 0, 20000000 };
	nanosleep(&ts, NULL); /* let them reach their sleeps (not needed for correctness) */
	syscall(SYS_exit_group, 7);
	return NULL;
}

static int exitgroup_child(void *a)
{
	pthread_t t;
	(void)a;
	pthread_create(&t, NULL, bf, NULL);
	pthread_create(&t, NULL, br, NULL);
	pthread_create(&t, NULL, bs, NULL);
	pthread_create(&t, NULL, exiter, NULL);
	block_futex(NULL);
	return 92;
}

/* plain exit() (musl: exit_group) from a thread while the leader is in join */
static void *exit_thread(void *a) { (void)a; exit(9); }
static int exit_child(void *a)
{
	pthread_t t;
	(void)a;
	pthread_create(&t, NULL, exit_thread, NULL);
	pthread_join(t, NULL);
	return 93;
}

/* ---- fork from a thread ------------------------------------------------- */

static pid_t proc_pid;

static void *forker(void *a)
{
	(void)a;
	pid_t c = fork();
	if (c == 0) {
		int ok = 0;
		ok |= (getppid() != proc_pid) << 0;
		ok |= (getpid() != tid()) << 1;
		/* the child is single threaded: a thread it creates is the 2nd */
		_exit(ok);
	}
	return (void *)(intptr_t)c;
}

/* ---- leader exits first; process lives on --------------------------------- */

static int gate[2];
static void *late_exit(void *a)
{
	char c;
	(void)a;
	read(gate[0], &c, 1);
	/* the leader is gone: getpid is still the process id */
	syscall(SYS_exit_group, getpid() == proc_pid ? 3 : 4);
	return NULL;
}
static int leader_first_child(void *a)
{
	pthread_t t;
	(void)a;
	proc_pid = getpid();
	pthread_create(&t, NULL, late_exit, NULL);
	syscall(SYS_exit, 0); /* the leader only */
	return 94;
}

/* ---- execve from a non-leader thread ------------------------------------- */

static char *self_path;
static void *exec_thread(void *a)
{
	char pidbuf[24];
	(void)a;
	snprintf(pidbuf, sizeof pidbuf, "%d", (int)getpid());
	char *argv[] = { self_path, "execd", pidbuf, NULL };
	execve(self_path, argv, (char *[]){ NULL });
	_exit(95);
}
static int exec_child(void *a)
{
	pthread_t t;
	(void)a;
	pthread_create(&t, NULL, exec_thread, NULL);
	for (;;)
		pause();
	return 0;
}

/* ---- join many, barriers, condvars, rwlocks ------------------------------- */

static void *ret_index(void *a) { return a; }

#define NB 6
#define ROUNDS 300
static pthread_barrier_t bar;
static int slots[NB];
static volatile int bar_bad;
static void *bar_thread(void *a)
{
	int me = (intptr_t)a;
	for (int r = 1; r <= ROUNDS; r++) {
		slots[me] = r;
		pthread_barrier_wait(&bar);
		for (int i = 0; i < NB; i++)
			if (slots[i] != r)
				bar_bad = 1;
		pthread_barrier_wait(&bar);
	}
	return NULL;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, cond_bad;
#define NC 5
static void *cond_thread(void *a)
{
	int me = (intptr_t)a;
	for (int r = 0; r < 200; r++) {
		pthread_mutex_lock(&mu);
		while (turn % NC != me)
			pthread_cond_wait(&cv, &mu);
		if (turn % NC != me)
			cond_bad = 1;
		turn++;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rwa, rwb;
static volatile int rw_bad;
static void *rw_thread(void *a)
{
	int me = (intptr_t)a;
	for (int i = 0; i < 2000; i++) {
		if ((i + me) % 4 == 0) {
			pthread_rwlock_wrlock(&rw);
			rwa++;
			sched_yield();
			rwb++;
			pthread_rwlock_unlock(&rw);
		} else {
			pthread_rwlock_rdlock(&rw);
			if (rwa != rwb)
				rw_bad = 1;
			pthread_rwlock_unlock(&rw);
		}
	}
	return NULL;
}

/* ---- tgkill / tkill ------------------------------------------------------- */

static int tk_gate;
static long tk_tid;
static void *tk_thread(void *a)
{
	(void)a;
	tk_tid = tid();
	__atomic_store_n(&tk_gate, 1, __ATOMIC_SEQ_CST);
	futex_wake(&tk_gate, 1);
	while (__atomic_load_n(&tk_gate, __ATOMIC_SEQ_CST) != 2)
		futex_wait(&tk_gate, __atomic_load_n(&tk_gate, __ATOMIC_SEQ_CST));
	return NULL;
}

/* ---- a raw clone whose clear-child-tid word is read-only ---------------- */

static int raw_thread(void *a)
{
	(void)a;
	return 0; /* musl's clone() ends the thread with SYS_exit */
}
static char raw_stack[65536] __attribute__((aligned(16)));

/* ---- clone3 ---------------------------------------------------------------- */

struct clone_args_ {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
		set_tid_size, cgroup;
};

static long clone3_(void *args, size_t size)
{
	fflush(stdout);
	long r = syscall(SYS_clone3, args, size);
	if (r == 0)
		_exit(33);
	return r;
}

#define C3(want, err, name, args, size) do {                                   \
	errno = 0;                                                          \
	long r_ = clone3_(args, size);                                      \
	int e_ = errno;                                                     \
	if (r_ > 0)                                                         \
		waitpid(r_, NULL, __WALL);                                  \
	tap_syscall(r_ > 0 ? 1 : r_, e_, want, err, NULL, "%s", name);      \
} while (0)

static void clone3_cases(void)
{
	static unsigned char buf[8192] __attribute__((aligned(4096)));
	struct clone_args_ a = { 0 };
	a.exit_signal = SIGCHLD;
	C3(-1, EFAULT, "clone3(NULL, 88) -> EFAULT", NULL, 88);
	C3(-1, EINVAL, "clone3 size 63 -> EINVAL", &a, 63);
	C3(-1, E2BIG, "clone3 size 4097 -> E2BIG", &a, 4097);
	C3(-1, EINVAL, "clone3 size 0 -> EINVAL", &a, 0);
	memset(buf, 0, sizeof buf);
	memcpy(buf, &a, sizeof a);
	C3(1, 0, "clone3 size 4096, all zero past 88 -> child", buf, 4096);
	buf[95] = 1;
	C3(-1, E2BIG, "clone3 size 96, byte 95 non-zero -> E2BIG", buf, 96);
	buf[95] = 0;
	/* args ending at the last mapped byte, then one byte more */
	unsigned char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(two + 4096, 4096);
	memcpy(two + 4096 - 88, &a, 88);
	C3(1, 0, "clone3 args ending on the last mapped byte -> child", two + 4096 - 88, 88);
	memcpy(two + 4096 - 88, &a, 88);
	C3(-1, EFAULT, "clone3 args running 8 bytes into unmapped -> EFAULT", two + 4096 - 88, 96);
	struct clone_args_ b = a;
	b.exit_signal = 65;
	C3(-1, EINVAL, "clone3 exit_signal 65 -> EINVAL", &b, 88);
	b = a;
	b.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
	C3(-1, EINVAL, "clone3 CLONE_THREAD with exit_signal -> EINVAL", &b, 88);
	b = a;
	b.stack = (uintptr_t)buf;
	C3(-1, EINVAL, "clone3 stack without size -> EINVAL", &b, 88);
	b = a;
	b.stack_size = 4096;
	C3(-1, EINVAL, "clone3 stack size without stack -> EINVAL", &b, 88);
	b = a;
	b.set_tid_size = 1;
	C3(-1, EINVAL, "clone3 set_tid_size 1, set_tid NULL -> EINVAL", &b, 88);
	b = a;
	b.flags = CLONE_PARENT_SETTID;
	b.parent_tid = 0xffff800000000000UL;
	C3(1, 0, "clone3 CLONE_PARENT_SETTID at a kernel address -> child anyway", &b, 88);

	/* a child with exit signal 0 is a "clone" child: only __WCLONE/__WALL see it */
	b = a;
	b.exit_signal = 0;
	fflush(stdout);
	long c = syscall(SYS_clone3, &b, 88);
	if (c == 0)
		_exit(34);
	int st = 0;
	errno = 0;
	msleep(50);
	long w = waitpid(c, &st, WNOHANG);
	tap_ok(w == -1 && errno == ECHILD, "exit_signal 0 child: waitpid without __WCLONE -> ECHILD (%ld %s)",
	       w, tap_errname(errno));
	w = waitpid(c, &st, __WCLONE);
	tap_ok(w == c && WIFEXITED(st) && WEXITSTATUS(st) == 34,
	       "waitpid(__WCLONE) reaps it with its status (%ld %#x)", w, st);
	for (int ign = 0; ign < 2; ign++) {
		sigset_t u;
		sigemptyset(&u);
		sigaddset(&u, SIGUSR1);
		b.exit_signal = SIGUSR1;
		if (ign)
			signal(SIGUSR1, SIG_IGN);
		else
			sigprocmask(SIG_BLOCK, &u, NULL);
		fflush(stdout);
		c = syscall(SYS_clone3, &b, 88);
		if (c == 0)
			_exit(35);
		tap_ok(c > 0, "clone3 exit_signal SIGUSR1 -> a child (%ld %s)", c, c < 0 ? tap_errname(errno) : "");
		errno = 0;
		msleep(50);
		{
			unsigned long pend = 0;
			syscall(SYS_rt_sigpending, &pend, 8);
			int k = kill(c, 0);
			tap_diag("exit_signal SIGUSR1 child %ld after exit: kill(c,0) = %d (%s), pending %#lx", c,
				 k, k ? tap_errname(errno) : "", pend);
		}
		errno = 0;
		w = waitpid(-1, &st, WNOHANG);
		tap_ok(w == -1 && errno == ECHILD,
		       "exit_signal SIGUSR1 (%s) child: waitpid(-1, WNOHANG) -> ECHILD (%ld)",
		       ign ? "ignored" : "blocked", w);
		w = waitpid(-1, &st, __WALL);
		tap_ok(w == c && WEXITSTATUS(st) == 35,
		       "waitpid(-1, __WALL) reaps it: SIG_IGN auto-reaps only for SIGCHLD (%ld %s)", w,
		       w == -1 ? tap_errname(errno) : "");
		if (!ign) {
			struct timespec z = { 0, 0 };
			tap_eq(sigtimedwait(&u, NULL, &z), SIGUSR1, "its exit sent SIGUSR1 to the parent");
			sigprocmask(SIG_UNBLOCK, &u, NULL);
		}
	}
	signal(SIGUSR1, SIG_DFL);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "execd") == 0) {
		int want = atoi(argv[2]);
		int code = 0;
		if (getpid() != want)
			code |= 1;
		if (tid() != getpid())
			code |= 2;
		pthread_t t;
		void *rv;
		if (pthread_create(&t, NULL, ret_index, (void *)5L) || pthread_join(t, &rv) ||
		    rv != (void *)5L)
			code |= 4;
		return 40 + code;
	}
	const char *dir = getenv("BIN_DIR") ? getenv("BIN_DIR") : "/bin";
	static char pathbuf[256];
	snprintf(pathbuf, sizeof pathbuf, "%s/bk10_thr", dir);
	self_path = pathbuf;

	if (pipe(pfd))
		bail("pipe");

	child_case(segv_child, NULL, KILLED(SIGSEGV), "SIGSEGV in a non-leader thread kills the process");
	child_case(exitgroup_child, NULL, EXITED(7),
		   "exit_group from a thread while others block in futex/read/nanosleep");
	child_case(exit_child, NULL, EXITED(9), "exit() from a thread while the leader joins it");

	/* fork from a thread; the main thread (not the forker) waits */
	{
		proc_pid = getpid();
		pthread_t t;
		void *rv;
		pthread_create(&t, NULL, forker, NULL);
		pthread_join(t, &rv);
		pid_t c = (pid_t)(intptr_t)rv;
		int st;
		pid_t w = waitpid(c, &st, 0);
		tap_ok(c > 0 && w == c, "main thread reaps a child forked by another thread");
		tap_eq(w == c ? st : -1, 0,
		       "forked-from-thread child: getppid is the process id, getpid == gettid");
	}

	/* leader exits first; the process is reported only when the last thread goes */
	{
		if (pipe(gate))
			bail("pipe");
		fflush(stdout);
		pid_t c = fork();
		if (c == 0)
			_exit(leader_first_child(NULL));
		struct timespec ts = { 0, 50000000 };
		nanosleep(&ts, NULL);
		int st;
		pid_t w = waitpid(c, &st, WNOHANG);
		tap_eq(w, 0, "leader exited alone: the process is not waitable yet");
		tap_eq(kill(c, 0), 0, "leader exited alone: kill(pid, 0) still finds the process");
		write(gate[1], "x", 1);
		tap_status(reap(c), EXITED(3), "then the last thread's exit_group (getpid unchanged)");
		close(gate[0]);
		close(gate[1]);
	}

	/* execve from a non-leader thread keeps the pid */
	{
		fflush(stdout);
		pid_t c = fork();
		if (c == 0)
			_exit(exec_child(NULL));
		int st = reap(c);
		tap_status(st, EXITED(40), "execve from a non-leader thread: same pid, one thread");
	}

	clone3_cases();

	/* many joins */
	{
		enum { N = 64 };
		pthread_t t[N];
		int bad = 0, made = 0;
		for (int i = 0; i < N; i++)
			if (pthread_create(&t[i], NULL, ret_index, (void *)(intptr_t)(i + 1)) == 0)
				made++;
			else
				break;
		for (int i = made - 1; i >= 0; i--) {
			void *rv;
			if (pthread_join(t[i], &rv) || rv != (void *)(intptr_t)(i + 1))
				bad++;
		}
		tap_ok(made == N && bad == 0, "64 threads created and joined in reverse order, each value back");
	}

	/* barrier */
	{
		pthread_t t[NB];
		pthread_barrier_init(&bar, NULL, NB);
		for (int i = 0; i < NB; i++)
			pthread_create(&t[i], NULL, bar_thread, (void *)(intptr_t)i);
		for (int i = 0; i < NB; i++)
			pthread_join(t[i], NULL);
		tap_ok(!bar_bad, "barrier: %d threads x %d rounds see every slot", NB, ROUNDS);
	}

	/* condvar token ring */
	{
		pthread_t t[NC];
		for (int i = 0; i < NC; i++)
			pthread_create(&t[i], NULL, cond_thread, (void *)(intptr_t)i);
		for (int i = 0; i < NC; i++)
			pthread_join(t[i], NULL);
		tap_ok(!cond_bad && turn == NC * 200, "condvar token ring: %d turns in order", turn);
	}

	/* rwlock */
	{
		pthread_t t[4];
		for (int i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, rw_thread, (void *)(intptr_t)i);
		for (int i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
		tap_ok(!rw_bad && rwa == rwb && rwa == 2000, "rwlock: readers never see a half write (%ld)", rwa);
	}

	/* tgkill / tkill */
	{
		pthread_t t;
		pthread_create(&t, NULL, tk_thread, NULL);
		while (__atomic_load_n(&tk_gate, __ATOMIC_SEQ_CST) == 0)
			futex_wait(&tk_gate, 0);
		SYSCALL_CASE(0, 0, "tgkill(pid, thread, 0) -> 0", SYS_tgkill, getpid(), tk_tid, 0);
		tap_diag("getppid() = %d", (int)getppid());
		SYSCALL_CASE(-1, ESRCH, "tgkill(thread as tgid, thread, 0) -> ESRCH", SYS_tgkill, tk_tid,
			     tk_tid, 0);
		SYSCALL_CASE(-1, ESRCH, "tgkill(pid, pid+100000, 0) -> ESRCH", SYS_tgkill, getpid(),
			     getpid() + 100000, 0);
		SYSCALL_CASE(0, 0, "tkill(thread, 0) -> 0", SYS_tkill, tk_tid, 0);
		SYSCALL_CASE(-1, EINVAL, "tgkill(pid, 0, 0) -> EINVAL", SYS_tgkill, getpid(), 0, 0);
		SYSCALL_CASE(-1, EINVAL, "tgkill(0, thread, 0) -> EINVAL", SYS_tgkill, 0, tk_tid, 0);
		SYSCALL_CASE(-1, EINVAL, "tgkill(pid, thread, 65) -> EINVAL", SYS_tgkill, getpid(),
			     tk_tid, 65);
		SYSCALL_CASE(-1, EINVAL, "tkill(-1, 0) -> EINVAL", SYS_tkill, -1, 0);
		/* kill() with a thread id that is not a process id: Linux finds the
		 * thread group through any of its tids */
		SYSCALL_CASE(0, 0, "kill(non-leader tid, 0) -> 0 (Linux looks up any tid)", SYS_kill,
			     tk_tid, 0);
		__atomic_store_n(&tk_gate, 2, __ATOMIC_SEQ_CST);
		futex_wake(&tk_gate, 1);
		pthread_join(t, NULL);
		/* the thread is gone now: its tid names nothing */
		SYSCALL_CASE(-1, ESRCH, "tgkill(pid, exited thread, 0) -> ESRCH", SYS_tgkill, getpid(),
			     tk_tid, 0);
	}

	/* CLONE_CHILD_CLEARTID at a read-only word: the exit's clear fails quietly */
	{
		int *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int ptid = 0;
		int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			    CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
		int t = clone(raw_thread, raw_stack + sizeof raw_stack, flags, NULL, &ptid, NULL, ro);
		tap_ok(t > 0 && ptid == t, "clone(CLONE_CHILD_CLEARTID at a read-only page) -> tid %d", t);
		long r = 0;
		for (int i = 0; i < 100; i++) {
			struct timespec ts = { 0, 20000000 };
			nanosleep(&ts, NULL);
			r = syscall(SYS_tgkill, getpid(), t, 0);
			if (r == -1)
				break;
		}
		tap_ok(r == -1 && errno == ESRCH && ro[0] == 0,
		       "that thread ends; the process lives, the read-only word unchanged");
	}

	return done_testing();
}

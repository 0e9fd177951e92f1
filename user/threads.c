/* user/threads.c — threads the way musl makes them (clone with
 * CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|...): a mutex
 * shared by 8 threads, join and detach, __thread variables, thread and
 * process ids, exit of one thread against exit_group, execve from a thread
 * that is not the leader, munmap and mprotect seen by every thread, and
 * what the sharing flags share. Each case that ends a process runs in a
 * child, judged by its wait status. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include "child.h"

#define NTHREADS 8
#define TOTAL 100000

static const char *self_path; /* this program, in $BIN_DIR (default /bin) */

/* ---- a mutex hammered by 8 threads ---- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *hammer(void *arg)
{
	for (long i = 0; i < TOTAL / NTHREADS; i++) {
		pthread_mutex_lock(&lock);
		long c = counter;
		if (i % 64 == 0)
			sched_yield(); /* let another thread find the mutex taken */
		counter = c + 1;
		pthread_mutex_unlock(&lock);
	}
	return arg;
}

static void mutex_case(void)
{
	pthread_t t[NTHREADS];
	int made = 0, joined = 0;
	for (long i = 0; i < NTHREADS; i++)
		made += pthread_create(&t[i], NULL, hammer, (void *)i) == 0;
	for (long i = 0; i < made; i++) {
		void *r;
		joined += pthread_join(t[i], &r) == 0 && r == (void *)i;
	}
	tap_eq(made, NTHREADS, "pthread_create x8");
	tap_eq(joined, NTHREADS, "pthread_join x8 returns each thread's value");
	tap_eq(counter, TOTAL, "8 threads x pthread_mutex: %d increments, none lost", TOTAL);
}

/* ---- ids, TLS, detach ---- */

static __thread int tls_value = 7;
static pid_t main_pid;

struct ids {
	pid_t pid, tid;
	int tls_before, tls_after;
};

static void *ids_thread(void *arg)
{
	struct ids *r = arg;
	r->pid = getpid();
	r->tid = (pid_t)syscall(SYS_gettid);
	r->tls_before = tls_value;
	tls_value = r->tid;
	sched_yield();
	r->tls_after = tls_value;
	return NULL;
}

static void ids_case(void)
{
	struct ids a = { 0 }, b = { 0 };
	pthread_t ta, tb;
	tls_value = 1;
	pthread_create(&ta, NULL, ids_thread, &a);
	pthread_create(&tb, NULL, ids_thread, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	tap_eq(syscall(SYS_gettid), getpid(), "the main thread's tid is the pid");
	tap_ok(a.pid == main_pid && b.pid == main_pid, "getpid in a thread is the process's pid");
	tap_ok(a.tid != main_pid && b.tid != main_pid && a.tid != b.tid && a.tid > 0 && b.tid > 0,
	       "gettid: each thread has its own id");
	tap_ok(a.tls_before == 7 && b.tls_before == 7, "__thread: a new thread starts from the initial value");
	tap_ok(a.tls_after == a.tid && b.tls_after == b.tid, "__thread: each thread keeps its own copy");
	tap_eq(tls_value, 1, "__thread: the main thread's copy is untouched");
}

static atomic_int detached_ran;

static void *detached(void *arg)
{
	(void)arg;
	atomic_store(&detached_ran, 1);
	return NULL;
}

static void detach_case(void)
{
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int err = pthread_create(&t, &attr, detached, NULL);
	for (int i = 0; i < 100000 && !atomic_load(&detached_ran); i++)
		sched_yield();
	tap_ok(!err && atomic_load(&detached_ran), "a detached thread runs to its end");
	pthread_t u;
	pthread_create(&u, NULL, detached, NULL);
	tap_eq(pthread_detach(u), 0, "pthread_detach of a running thread");
}

/* ---- how threads end ---- */

/* Blocks until the process ends (no signal handlers here: pause never returns). */
static _Noreturn void wait_for_end(void)
{
	for (;;)
		pause();
}

static void *sleeper(void *arg)
{
	(void)arg;
	wait_for_end();
}

/* pthread_exit (musl's cleanup, then SYS_exit) ends only that thread: the
 * process goes on, and join returns once the kernel has cleared and woken
 * the thread-list lock musl gave as CLONE_CHILD_CLEARTID. */
static void *thread_exits(void *arg)
{
	pthread_exit(arg);
}

static void *raw_exit(void *arg)
{
	syscall(SYS_exit, (int)(long)arg);
	return NULL;
}

static int thread_exit_goes_on(void *arg)
{
	(void)arg;
	pthread_t t;
	void *r;
	if (pthread_create(&t, NULL, thread_exits, (void *)9L) || pthread_join(t, &r))
		return 1;
	return r == (void *)9L ? 5 : 2;
}

/* exit_group (_exit) from a thread ends every thread, with its status. */
static void *group_exit_thread(void *arg)
{
	(void)arg;
	_exit(42);
}

static int exit_group_from_thread(void *arg)
{
	(void)arg;
	pthread_t t;
	pthread_create(&t, NULL, sleeper, NULL);
	pthread_create(&t, NULL, group_exit_thread, NULL);
	wait_for_end();
}

/* The leader leaves with SYS_exit first; the process lives on in its other
 * thread, which then exits with exit_group: that status is the process's. */
static void *late_exit_group(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++)
		sched_yield();
	exit(6);
}

static int leader_leaves_first(void *arg)
{
	(void)arg;
	pthread_t t;
	pthread_create(&t, NULL, late_exit_group, NULL);
	syscall(SYS_exit, 3);
	return 1;
}

static void nap(void)
{
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

static void *late_raw_exit(void *arg)
{
	nap();
	syscall(SYS_exit, (int)(long)arg);
	return NULL;
}

/* Every thread leaves with SYS_exit: the process's status, reported when
 * the last thread is gone, is that last thread's exit code (the leader's
 * when it is last, another thread's when the leader left first). */
static int all_exit_leader_last(void *arg)
{
	(void)arg;
	pthread_t t;
	pthread_create(&t, NULL, raw_exit, (void *)9L);
	nap();
	syscall(SYS_exit, 3);
	return 1;
}

static int all_exit_leader_first(void *arg)
{
	(void)arg;
	pthread_t t;
	pthread_create(&t, NULL, late_raw_exit, (void *)9L);
	syscall(SYS_exit, 3);
	return 1;
}

/* A fault in one thread kills the whole process. */
static void *null_write(void *arg)
{
	(void)arg;
	*(volatile int *)0 = 1;
	return NULL;
}

static int thread_faults(void *arg)
{
	(void)arg;
	pthread_t t;
	pthread_create(&t, NULL, null_write, NULL);
	wait_for_end();
}

/* The leader is gone (SYS_exit); the process lives on in its other thread. */
static int leader_gone(void *arg)
{
	(void)arg;
	pthread_t t;
	pthread_create(&t, NULL, sleeper, NULL);
	syscall(SYS_exit, 0);
	return 1;
}

static void *new_group(void *arg)
{
	(void)arg;
	setpgid(0, 0);
	return NULL;
}

/* setpgid from a thread moves the whole process, under its pid. */
static int setpgid_in_thread(void *arg)
{
	(void)arg;
	pthread_t t;
	pthread_create(&t, NULL, new_group, NULL);
	pthread_join(t, NULL);
	return getpgrp() == getpid() && getpgid(0) == getpid() ? 0 : 1;
}

static void exit_cases(void)
{
	child_case(thread_exit_goes_on, NULL, EXITED(5), "pthread_exit in a thread ends only that thread");
	child_case(exit_group_from_thread, NULL, EXITED(42), "_exit (exit_group) in a thread ends them all");
	child_case(leader_leaves_first, NULL, EXITED(6), "leader exits first, exit_group later sets the status");
	child_case(all_exit_leader_last, NULL, EXITED(3), "all threads SYS_exit, the leader last: its status");
	child_case(all_exit_leader_first, NULL, EXITED(9), "all threads SYS_exit, the leader first: the last one's status");
	child_case(thread_faults, NULL, KILLED(SIGSEGV), "a fault in one thread kills the process");
	pid_t pid = spawn(leader_gone, NULL);
	nap();
	kill(pid, SIGTERM);
	tap_status(reap(pid), KILLED(SIGTERM), "kill(pid) after the leader left reaches the living thread");
	child_case(setpgid_in_thread, NULL, EXITED(0), "setpgid(0, 0) in a thread moves the whole process");
	pid = spawn(exit_group_from_thread, NULL);
	int status;
	pid_t got = waitpid(-1, &status, 0);
	errno = 0;
	pid_t again = waitpid(-1, &status, WNOHANG);
	tap_ok(got == pid && again == -1 && errno == ECHILD,
	       "wait is per process: one report for a process of three threads");
}

/* ---- execve from a thread that is not the leader ---- */

static void *exec_thread(void *arg)
{
	char pid[16];
	snprintf(pid, sizeof pid, "%d", *(int *)arg);
	execl(self_path, self_path, "execd", pid, (char *)NULL);
	_exit(1);
}

static int exec_from_thread(void *arg)
{
	(void)arg;
	pthread_t t;
	int pid = getpid();
	pthread_create(&t, NULL, sleeper, NULL);
	pthread_create(&t, NULL, exec_thread, &pid);
	wait_for_end();
}

/* The new image: the process kept its pid, and its one thread is the leader. */
static int execd(const char *pid)
{
	return getpid() == atoi(pid) && syscall(SYS_gettid) == getpid() ? 33 : 1;
}

/* ---- one address space ---- */

static char *page;

static void *unmap_it(void *arg)
{
	(void)arg;
	munmap(page, 4096);
	return NULL;
}

static void *protect_it(void *arg)
{
	(void)arg;
	mprotect(page, 4096, PROT_READ);
	return NULL;
}

/* The main thread has the page in its TLB; another thread takes it away. */
static int touch_after(void *fn)
{
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	page[0] = 1;
	pthread_t t;
	pthread_create(&t, NULL, (void *(*)(void *))fn, NULL);
	pthread_join(t, NULL);
	page[0] = 2;
	return 0;
}

static void *write_shared(void *arg)
{
	*(int *)arg = 1234;
	return NULL;
}

static void memory_cases(void)
{
	int x = 0;
	pthread_t t;
	pthread_create(&t, NULL, write_shared, &x);
	pthread_join(t, NULL);
	tap_eq(x, 1234, "a thread's store is seen by the main thread (one address space)");
	child_case(touch_after, (void *)unmap_it, KILLED(SIGSEGV), "munmap by one thread: the other faults");
	child_case(touch_after, (void *)protect_it, KILLED(SIGSEGV), "mprotect by one thread: the other faults");
}

/* ---- what the sharing flags share (raw clone, no CLONE_VM) ---- */

static void sharing_cases(int fd)
{
	fflush(stdout);
	long pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) {
		close(fd);
		_exit(0);
	}
	reap((pid_t)pid);
	errno = 0;
	tap_ok(fcntl(fd, F_GETFD) == -1 && errno == EBADF, "CLONE_FILES: the child's close closes ours");
	int fd2 = dup(1);
	pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) {
		close(fd2);
		_exit(0);
	}
	reap((pid_t)pid);
	tap_ok(fcntl(fd2, F_GETFD) >= 0, "without CLONE_FILES: the child's close is its own");
	close(fd2);
	umask(022);
	pid = syscall(SYS_clone, CLONE_FS | SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) {
		umask(077);
		_exit(0);
	}
	reap((pid_t)pid);
	tap_eq(umask(022), 077, "CLONE_FS: the child's umask is ours");
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "execd"))
		return execd(argv[2]);
	static char path[256];
	const char *dir = getenv("BIN_DIR");
	snprintf(path, sizeof path, "%s/threads", dir ? dir : "/bin"); /* as user/exec.c finds echoargs */
	self_path = path;
	main_pid = getpid();
	mutex_case();
	ids_case();
	detach_case();
	exit_cases();
	child_case(exec_from_thread, NULL, EXITED(33), "execve from a non-leader thread: others end, pid kept");
	memory_cases();
	sharing_cases(dup(1));
	return done_testing();
}

/* user/sigthreads.c — signals in a process with several threads: which
 * thread runs the handler of a signal sent to the process (kill: one that
 * does not block it) and of one sent to a thread (pthread_kill: that one),
 * a process signal that every thread blocks waiting until one unblocks it,
 * sigpending seeing the process's set from every thread, sigwait in one
 * thread taking a signal sent to the process, a handler set by one thread
 * seen by all (CLONE_SIGHAND), and a default action (terminate, stop and
 * continue) taken by the whole process. Linux decides: complete_signal and
 * dequeue_signal are the rules matched. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "child.h"
#include "clock.h"
#include "sig.h"

static _Atomic pid_t handled_by; /* gettid() of the thread that ran the handler */
static _Atomic int handled;

static void on_signal(int sig)
{
	(void)sig;
	handled_by = gettid();
	handled++;
}

static void block(int sig, int how)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	pthread_sigmask(how, &s, NULL);
}

/* Wait (up to 2 s) until the handler has run n times in all. */
static int wait_handled(int n)
{
	for (int i = 0; i < 200 && handled < n; i++)
		sleep_ms(10);
	return handled >= n;
}

/* A worker: says its tid, sets its mask as told, then waits on the gate
 * until the main thread lets it go. */
struct worker {
	pthread_t t;
	_Atomic pid_t tid;
	int unblock;           /* the signal it leaves unblocked, or 0 */
	_Atomic int go;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	if (w->unblock)
		block(w->unblock, SIG_UNBLOCK);
	w->tid = gettid();
	while (!w->go)
		sleep_ms(5);
	return NULL;
}

static void start(struct worker *w, int unblock)
{
	*w = (struct worker){ .unblock = unblock };
	pthread_create(&w->t, NULL, work, w);
	while (!w->tid)
		sleep_ms(1);
}

static void finish(struct worker *w)
{
	w->go = 1;
	pthread_join(w->t, NULL);
}

/* kill() to the process while the main thread blocks the signal: the
 * worker, which does not, runs the handler. */
static void process_signal_goes_to_unblocked_thread(void)
{
	struct worker w;
	set_handler(SIGUSR1, on_signal, 0);
	block(SIGUSR1, SIG_BLOCK); /* the worker inherits it, then unblocks */
	start(&w, SIGUSR1);
	handled = 0;
	kill(getpid(), SIGUSR1);
	tap_ok(wait_handled(1) && handled_by == w.tid,
	       "kill to the process: the thread that does not block it runs the handler");
	if (handled_by != w.tid)
		tap_diag("ran in %d, worker %d, main %d", (int)handled_by, (int)w.tid, (int)gettid());
	finish(&w);
	block(SIGUSR1, SIG_UNBLOCK);
}

/* pthread_kill (tgkill) names the thread: it runs the handler, even
 * though the main thread does not block the signal either. */
static void thread_signal_goes_to_that_thread(void)
{
	struct worker w;
	set_handler(SIGUSR2, on_signal, 0);
	start(&w, 0);
	handled = 0;
	pthread_kill(w.t, SIGUSR2);
	tap_ok(wait_handled(1) && handled_by == w.tid, "pthread_kill: the named thread runs the handler");
	finish(&w);
}

/* Every thread blocks it: it waits in the process's set, sigpending sees
 * it from each thread, and the first thread to unblock it takes it. */
static _Atomic int worker_saw_pending;

static void *see_pending_then_unblock(void *arg)
{
	_Atomic int *gate = arg;
	sigset_t s;
	while (!*gate)
		sleep_ms(2);
	sigpending(&s);
	worker_saw_pending = sigismember(&s, SIGUSR1);
	handled_by = 0;
	block(SIGUSR1, SIG_UNBLOCK); /* the handler runs here, in this thread */
	return (void *)(long)(handled_by == gettid());
}

static void blocked_everywhere_waits_for_first_unblock(void)
{
	pthread_t t;
	_Atomic int gate = 0;
	set_handler(SIGUSR1, on_signal, 0);
	block(SIGUSR1, SIG_BLOCK);
	pthread_create(&t, NULL, see_pending_then_unblock, &gate);
	handled = 0;
	kill(getpid(), SIGUSR1);
	sigset_t s;
	sigpending(&s);
	tap_ok(sigismember(&s, SIGUSR1) && handled == 0,
	       "blocked by every thread: pending for the process, no handler yet");
	gate = 1;
	void *ran_there;
	pthread_join(t, &ran_there);
	tap_ok(worker_saw_pending, "sigpending in another thread sees the process's signal");
	tap_ok(ran_there && handled == 1, "the thread that unblocks it first runs the handler, once");
	sigpending(&s);
	tap_ok(!sigismember(&s, SIGUSR1), "then it is pending no more in the main thread");
	block(SIGUSR1, SIG_UNBLOCK);
}

/* sigwait in a worker takes a signal sent to the process while all block it. */
static void *wait_for_usr2(void *arg)
{
	(void)arg;
	sigset_t s;
	int sig = 0;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigwait(&s, &sig);
	return (void *)(long)sig;
}

static void sigwait_in_a_thread(void)
{
	pthread_t t;
	block(SIGUSR2, SIG_BLOCK);
	pthread_create(&t, NULL, wait_for_usr2, NULL);
	sleep_ms(50); /* let it block in sigwait: the signal is taken either way */
	kill(getpid(), SIGUSR2);
	void *got;
	pthread_join(t, &got);
	tap_eq((long)got, SIGUSR2, "sigwait in a worker takes a signal sent to the process");
	block(SIGUSR2, SIG_UNBLOCK);
}

/* A handler installed by a worker is the process's. */
static void *install(void *arg)
{
	(void)arg;
	set_handler(SIGHUP, on_signal, 0);
	return NULL;
}

static void handlers_are_shared(void)
{
	pthread_t t;
	signal(SIGHUP, SIG_DFL);
	pthread_create(&t, NULL, install, NULL);
	pthread_join(t, NULL);
	handled = 0;
	raise(SIGHUP); /* to the main thread: the default would kill us */
	tap_ok(handled == 1 && handled_by == gettid(), "a handler a thread installs runs in another");
	signal(SIGHUP, SIG_DFL);
}

/* A default action is the whole process's: SIGTERM to a thread of a child
 * whose other thread sleeps kills the child. */
static void *sleep_long(void *arg)
{
	(void)arg;
	for (;;)
		sleep_ms(1000);
	return NULL;
}

static int two_threads_then(void *sig)
{
	pthread_t t;
	pthread_create(&t, NULL, sleep_long, NULL);
	sleep_ms(20);
	pthread_kill(t, (int)(long)sig);
	for (;;)
		sleep_ms(1000);
	return 0;
}

/* Stopped as a whole, continued as a whole: the parent sees one stop. */
static int stop_me(void *arg)
{
	(void)arg;
	pthread_t t;
	pthread_create(&t, NULL, sleep_long, NULL);
	sleep_ms(20);
	raise(SIGSTOP);
	return 7; /* only once continued */
}

static void default_actions_are_the_process(void)
{
	child_case(two_threads_then, (void *)(long)SIGTERM, KILLED(SIGTERM),
		   "SIGTERM to one of two threads kills the process");
	pid_t pid = spawn(stop_me, NULL);
	int status;
	pid_t got = waitpid(pid, &status, WUNTRACED);
	tap_ok(got == pid && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP,
	       "a thread's raise(SIGSTOP) stops the process: the parent sees it stopped");
	kill(pid, SIGCONT);
	tap_status(reap(pid), EXITED(7), "continued, it runs to its end");
}

int main(void)
{
	process_signal_goes_to_unblocked_thread();
	thread_signal_goes_to_that_thread();
	blocked_everywhere_waits_for_first_unblock();
	sigwait_in_a_thread();
	handlers_are_shared();
	default_actions_are_the_process();
	return done_testing();
}

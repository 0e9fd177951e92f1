/* user/exitwork.c — what must happen on the way back from a system call
 * before the program's next instruction (POSIX and Linux): a signal the
 * call made deliverable runs its handler before the call returns.
 *
 * faultline returns from most calls on a fast path that looks at one word
 * (the thread's work word, docs/signals.md); every change of signal state
 * must set it, or the handler would run only at some later interrupt.
 * Each case makes a signal deliverable in one call and checks, at the very
 * next instruction, that its handler has already run. A last case keeps
 * RAX at -ERESTARTSYS in ring 3 while timer signals interrupt it: a value
 * in RAX outside a system call must never be taken for a call to restart.
 * Runs the same on Linux. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

static volatile sig_atomic_t got_usr1, got_usr2, got_alrm, got_prof;
static volatile int order[4], norder;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1++;
	if (sig == SIGUSR2)
		got_usr2++;
	if (sig == SIGALRM)
		got_alrm++;
	if (sig == SIGPROF)
		got_prof++;
	if (norder < 4)
		order[norder++] = sig;
}

static void handle(int sig, int extra_mask)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	if (extra_mask)
		sigaddset(&sa.sa_mask, extra_mask);
	sigaction(sig, &sa, NULL);
}

static void reset(void)
{
	got_usr1 = got_usr2 = got_alrm = got_prof = 0;
	norder = 0;
}

static sigset_t just(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	return s;
}

static void kill_self(void)
{
	reset();
	handle(SIGUSR1, 0);
	kill(getpid(), SIGUSR1);
	int seen = got_usr1;
	tap_ok(seen == 1, "kill(getpid()): the handler ran before kill returned");
	reset();
	syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), SIGUSR1);
	seen = got_usr1;
	tap_ok(seen == 1, "tgkill(self): the handler ran before tgkill returned");
}

static void unblock(void)
{
	sigset_t s = just(SIGUSR1);
	reset();
	sigprocmask(SIG_BLOCK, &s, NULL);
	kill(getpid(), SIGUSR1);
	int before = got_usr1;
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	int after = got_usr1;
	tap_ok(before == 0 && after == 1,
	       "a blocked signal runs its handler before the unblocking sigprocmask returns");
}

/* SIGUSR1's handler blocks SIGUSR2 (sa_mask) and raises it: it waits until
 * rt_sigreturn restores the mask, and runs before kill() returns. */
static void raise_usr2(int sig)
{
	on_signal(sig);
	kill(getpid(), SIGUSR2);
}

static void sigreturn_unblocks(void)
{
	struct sigaction sa = { .sa_handler = raise_usr2 };
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	handle(SIGUSR2, 0);
	reset();
	kill(getpid(), SIGUSR1);
	int n = norder;
	tap_ok(n == 2 && order[0] == SIGUSR1 && order[1] == SIGUSR2,
	       "rt_sigreturn unblocks a signal raised in the handler: it runs before kill returns");
}

static void suspend_restores(void)
{
	sigset_t block = just(SIGUSR1), none;
	sigemptyset(&none);
	handle(SIGUSR1, 0);
	handle(SIGUSR2, 0);
	sigprocmask(SIG_BLOCK, &block, NULL);
	reset();
	/* SIGUSR1 pending and blocked; sigsuspend with SIGUSR1 blocked too, woken by SIGUSR2. */
	kill(getpid(), SIGUSR1);
	sigset_t wait_mask = just(SIGUSR1);
	if (fork() == 0) {
		usleep(20000);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	sigsuspend(&wait_mask);
	int usr2 = got_usr2, usr1 = got_usr1;
	tap_ok(usr2 == 1 && usr1 == 0, "sigsuspend: woken by SIGUSR2, SIGUSR1 still blocked");
	sigprocmask(SIG_SETMASK, &none, NULL);
	usr1 = got_usr1;
	tap_ok(usr1 == 1, "...and SIGUSR1 runs as soon as the mask is cleared");
	while (wait(NULL) > 0)
		;
}

/* A process-directed signal that the sending thread blocks goes to the
 * other thread, which is busy making system calls: it must see it. */
static volatile int spin_ready;

static void *spinner(void *arg)
{
	sigset_t s = just(SIGUSR1);
	(void)arg;
	pthread_sigmask(SIG_UNBLOCK, &s, NULL); /* it inherited the creator's mask */
	spin_ready = 1;
	for (long i = 0; i < 200000000 && !got_usr1; i++)
		syscall(SYS_getppid);
	return NULL;
}

static void other_thread(void)
{
	sigset_t s = just(SIGUSR1);
	handle(SIGUSR1, 0);
	reset();
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	pthread_t t;
	pthread_create(&t, NULL, spinner, NULL);
	while (!spin_ready)
		sched_yield();
	kill(getpid(), SIGUSR1);
	pthread_join(t, NULL);
	tap_ok(got_usr1 == 1, "a process signal blocked by the sender reaches the thread in its syscalls");
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
}

/* ITIMER_PROF counts time in the kernel too: a loop of system calls must
 * get its SIGPROF. */
static void prof_timer(void)
{
	handle(SIGPROF, 0);
	reset();
	struct itimerval it = { .it_value = { 0, 20000 } };
	setitimer(ITIMER_PROF, &it, NULL);
	for (long i = 0; i < 200000000 && !got_prof; i++)
		syscall(SYS_getppid);
	tap_ok(got_prof == 1, "ITIMER_PROF fires while the process only makes system calls");
}

/* RAX = -ERESTARTSYS (-512) in ring 3 while SIGALRM interrupts the loop
 * (SA_RESTART): the interrupted instruction is not a system call, so
 * nothing may be "restarted" (RIP moved back 2 bytes, RAX replaced). */
static void rax_looks_like_restart(void)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	reset();
	struct itimerval it = { .it_value = { 0, 5000 }, .it_interval = { 0, 5000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	long rax;
	asm volatile("mov $-512, %%rax\n"
		     "1: cmpl $3, %1\n"
		     "jl 1b\n"
		     : "=&a"(rax)
		     : "m"(got_alrm)
		     : "memory", "cc");
	struct itimerval off = { 0 };
	setitimer(ITIMER_REAL, &off, NULL);
	tap_ok(rax == -512 && got_alrm >= 3,
	       "RAX = -ERESTARTSYS in ring 3 survives timer signals (no restart outside a call)");
}

int main(void)
{
	kill_self();
	unblock();
	sigreturn_unblocks();
	suspend_restores();
	other_thread();
	prof_timer();
	rax_looks_like_restart();
	return done_testing();
}

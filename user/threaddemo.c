/* user/threaddemo.c — the demo of threads: four threads share one address
 * space and one counter, and take turns through a mutex built on the
 * futex system call alone (Drepper's three-state mutex, "Futexes Are
 * Tricky"): the word is 0 when free, 1 when held, 2 when held and someone
 * may sleep on it. Taking a free mutex is one atomic compare-and-swap in
 * user space; only a thread that finds it held enters the kernel
 * (FUTEX_WAIT, which sleeps only if the word is still 2), and only an
 * unlock that saw 2 enters it to wake one sleeper (FUTEX_WAKE). Each
 * thread prints its thread id (gettid) next to the process id they share
 * (getpid); the main thread prints the counter at the end: every increment
 * of every thread, none lost. docs/threads.md follows one such lock into
 * the kernel and back. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "futexdefs.h"

#define NTHREADS 4
#define ROUNDS 20000

static atomic_int lock_word;
static long counter;
static atomic_long sleeps;

static void futex_lock(atomic_int *w)
{
	int c = 0;
	if (atomic_compare_exchange_strong(w, &c, 1))
		return; /* it was free: no system call */
	if (c != 2)
		c = atomic_exchange(w, 2);
	while (c != 0) {
		atomic_fetch_add(&sleeps, 1);
		syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
		c = atomic_exchange(w, 2);
	}
}

static void futex_unlock(atomic_int *w)
{
	if (atomic_fetch_sub(w, 1) != 1) { /* it was 2: someone may sleep */
		atomic_store(w, 0);
		syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
}

static void *worker(void *arg)
{
	long n = (long)arg;
	futex_lock(&lock_word);
	printf("thread %ld: tid %ld in process %d, counter at %ld\n", n, syscall(SYS_gettid), getpid(), counter);
	fflush(stdout);
	futex_unlock(&lock_word);
	for (int i = 0; i < ROUNDS; i++) {
		futex_lock(&lock_word);
		long c = counter;
		if (i % 500 == 0)
			sched_yield(); /* give the others a chance to find it held */
		counter = c + 1;
		futex_unlock(&lock_word);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[NTHREADS];
	printf("threaddemo: process %d starts %d threads, %d increments each\n", getpid(), NTHREADS, ROUNDS);
	fflush(stdout);
	for (long i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	printf("threaddemo: counter %ld (expected %d), %ld waits in FUTEX_WAIT\n", counter, NTHREADS * ROUNDS,
	       (long)atomic_load(&sleeps));
	return counter == NTHREADS * ROUNDS ? 0 : 1;
}

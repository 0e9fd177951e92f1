/* user/futexpi.c — PI futexes (FUTEX_LOCK_PI, FUTEX_TRYLOCK_PI,
 * FUTEX_UNLOCK_PI), the ownership protocol behind PTHREAD_PRIO_INHERIT
 * mutexes: the kernel writes the owner's tid into the word, refuses a
 * second lock by the owner (EDEADLK) and an unlock by anyone else (EPERM),
 * hands the lock to a waiter at unlock, gives up at an absolute deadline,
 * says ESRCH for a word naming no thread, and lets the next locker of a
 * robust PI mutex whose owner died see EOWNERDEAD. Linux decides. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "child.h"
#include "clock.h"
#include "futexdefs.h"

static _Atomic unsigned word;

static long futex(_Atomic unsigned *w, int op, const struct timespec *t)
{
	return syscall(SYS_futex, w, op, 0, t, NULL, 0);
}

/* -errno or the result. */
static long pi(int op, const struct timespec *t)
{
	errno = 0;
	long r = futex(&word, op | FUTEX_PRIVATE_FLAG, t);
	return r < 0 ? -errno : r;
}

static void own_lock(void)
{
	word = 0;
	tap_eq(pi(FUTEX_TRYLOCK_PI, NULL), 0, "TRYLOCK_PI of a free word -> 0");
	tap_eq(word & FUTEX_TID_MASK, (unsigned)gettid(), "the word now holds the caller's tid");
	tap_eq(pi(FUTEX_LOCK_PI, NULL), -EDEADLK, "LOCK_PI by the owner -> EDEADLK");
	tap_eq(pi(FUTEX_UNLOCK_PI, NULL), 0, "UNLOCK_PI by the owner, nobody waiting -> 0");
	tap_eq(word, 0, "the word is 0 again");
	tap_eq(pi(FUTEX_UNLOCK_PI, NULL), -EPERM, "UNLOCK_PI of a free word -> EPERM");
}

/* A thread that takes the lock, says so, and holds it until released. */
static _Atomic int holder_has_it, holder_release;
static _Atomic pid_t holder_tid;

static void *holder(void *arg)
{
	(void)arg;
	holder_tid = gettid();
	pi(FUTEX_LOCK_PI, NULL);
	holder_has_it = 1;
	while (!holder_release)
		sleep_ms(2);
	return (void *)pi(FUTEX_UNLOCK_PI, NULL);
}

static void *locker(void *arg)
{
	(void)arg;
	long r = pi(FUTEX_LOCK_PI, NULL);
	unsigned got = word & FUTEX_TID_MASK;
	long u = pi(FUTEX_UNLOCK_PI, NULL);
	return (void *)(long)(r == 0 && got == (unsigned)gettid() && u == 0);
}

static void contended(void)
{
	pthread_t h, l;
	word = 0;
	holder_has_it = holder_release = 0;
	pthread_create(&h, NULL, holder, NULL);
	while (!holder_has_it)
		sleep_ms(1);
	tap_eq(pi(FUTEX_TRYLOCK_PI, NULL), -EAGAIN, "TRYLOCK_PI of a word another thread owns -> EAGAIN");
	tap_eq(pi(FUTEX_UNLOCK_PI, NULL), -EPERM, "UNLOCK_PI by a thread that does not own it -> EPERM");
	struct timespec past;
	clock_gettime(CLOCK_REALTIME, &past);
	past.tv_sec -= 1;
	tap_eq(pi(FUTEX_LOCK_PI, &past), -ETIMEDOUT, "LOCK_PI with an absolute deadline passed -> ETIMEDOUT");
	pthread_create(&l, NULL, locker, NULL);
	sleep_ms(50); /* let it block in LOCK_PI */
	tap_ok(word & FUTEX_WAITERS, "a blocked locker set FUTEX_WAITERS in the word");
	holder_release = 1;
	void *unlocked, *handed;
	pthread_join(h, &unlocked);
	pthread_join(l, &handed);
	tap_eq((long)unlocked, 0, "the owner's UNLOCK_PI with a waiter -> 0");
	tap_ok(handed != NULL, "the waiter owned the lock (its tid in the word) when LOCK_PI returned");
	tap_eq(word, 0, "and its own unlock left the word 0");
}

static void dead_owner(void)
{
	word = 0x3fffff00; /* no such thread */
	tap_eq(pi(FUTEX_LOCK_PI, NULL), -ESRCH, "LOCK_PI of a word naming no thread -> ESRCH");
	word = 0;
}

/* A robust PI mutex whose owner thread ended holding it. */
static pthread_mutex_t robust;

static void *lock_and_leave(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&robust);
	return NULL;
}

static void robust_pi(void)
{
	pthread_mutexattr_t a;
	pthread_t t;
	pthread_mutexattr_init(&a);
	tap_eq(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT), 0,
	       "pthread_mutexattr_setprotocol(PTHREAD_PRIO_INHERIT) -> 0 (the kernel has PI futexes)");
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust, &a);
	pthread_create(&t, NULL, lock_and_leave, NULL);
	pthread_join(t, NULL);
	tap_eq(pthread_mutex_lock(&robust), EOWNERDEAD,
	       "a robust PI mutex whose owner ended: the next lock -> EOWNERDEAD");
	pthread_mutex_consistent(&robust);
	tap_eq(pthread_mutex_unlock(&robust), 0, "made consistent, it unlocks");
}

int main(void)
{
	own_lock();
	contended();
	dead_owner();
	robust_pi();
	return done_testing();
}

/* user/futex.c — futex(2) op by op, through raw syscalls: the errors
 * (EAGAIN, ETIMEDOUT, EFAULT, EINVAL, ENOSYS), how many each wake wakes,
 * bitsets, requeue, wake_op, private against shared keys, and a futex
 * shared by two processes over MAP_SHARED memory. Waiters are threads;
 * before a wake the main thread sleeps long enough for them to be asleep
 * in the kernel (they have nothing else to do). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

#include "child.h"
#include "futexdefs.h"

#define FUTEX_OP(op, oparg, cmp, cmparg) \
	((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))

static long futex(void *uaddr, int op, unsigned val, const void *ts_or_val2, void *uaddr2, unsigned val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts_or_val2, uaddr2, val3);
}

static void settle(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

/* ---- waiters ---- */

struct waiter {
	atomic_uint *word;
	int op;
	unsigned bitset;
	long result;
	int err;
	pthread_t t;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	errno = 0;
	w->result = futex(w->word, w->op, 0, NULL, NULL, w->bitset);
	w->err = errno;
	return NULL;
}

static void start(struct waiter *w, atomic_uint *word, int op, unsigned bitset)
{
	*w = (struct waiter){ word, op, bitset, -2, 0, 0 };
	pthread_create(&w->t, NULL, wait_thread, w);
}

static int join_woken(struct waiter *w, int n)
{
	int ok = 0;
	for (int i = 0; i < n; i++) {
		pthread_join(w[i].t, NULL);
		ok += w[i].result == 0;
	}
	return ok;
}

static atomic_uint f1, f2;

/* ---- errors ---- */

static void error_cases(void)
{
	struct timespec rel = { 0, 20 * 1000 * 1000 }, bad = { 0, 1000000000 }, past = { 0, 0 }, now;
	char buf[8] __attribute__((aligned(4))) = { 0 };
	SYSCALL_CASE(-1, EAGAIN, "FUTEX_WAIT: the word is not val -> EAGAIN", SYS_futex, &f1, FUTEX_WAIT, 1, NULL, NULL, 0);
	SYSCALL_CASE(-1, ETIMEDOUT, "FUTEX_WAIT: 20 ms relative timeout -> ETIMEDOUT", SYS_futex, &f1, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0);
	SYSCALL_CASE(-1, ETIMEDOUT, "FUTEX_WAIT_BITSET: absolute CLOCK_MONOTONIC time 0 -> ETIMEDOUT", SYS_futex, &f1, FUTEX_WAIT_BITSET, 0, &past, NULL, ~0u);
	clock_gettime(CLOCK_REALTIME, &now);
	now.tv_nsec = (now.tv_nsec + 20 * 1000 * 1000) % 1000000000;
	if (now.tv_nsec < 20 * 1000 * 1000)
		now.tv_sec++;
	SYSCALL_CASE(-1, ETIMEDOUT, "FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME: now + 20 ms -> ETIMEDOUT", SYS_futex, &f1, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &now, NULL, ~0u);
	SYSCALL_CASE(-1, ENOSYS, "FUTEX_WAIT|FUTEX_CLOCK_REALTIME -> ENOSYS", SYS_futex, &f1, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 0, &rel, NULL, 0);
	SYSCALL_CASE(-1, ENOSYS, "FUTEX_WAKE|FUTEX_CLOCK_REALTIME -> ENOSYS", SYS_futex, &f1, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0);
	SYSCALL_CASE(-1, EINVAL, "FUTEX_WAIT: tv_nsec = 1e9 -> EINVAL", SYS_futex, &f1, FUTEX_WAIT, 0, &bad, NULL, 0);
	SYSCALL_CASE(-1, EFAULT, "FUTEX_WAIT: timeout pointer bad -> EFAULT", SYS_futex, &f1, FUTEX_WAIT, 0, (void *)1, NULL, 0);
	SYSCALL_CASE(-1, EFAULT, "FUTEX_WAIT: word at NULL -> EFAULT", SYS_futex, NULL, FUTEX_WAIT, 0, NULL, NULL, 0);
	SYSCALL_CASE(-1, EFAULT, "FUTEX_WAIT: word at a kernel address -> EFAULT", SYS_futex, (void *)0xffff800000000000ul, FUTEX_WAIT, 0, NULL, NULL, 0);
	SYSCALL_CASE(-1, EFAULT, "FUTEX_WAIT: word non-canonical -> EFAULT", SYS_futex, (void *)0x0000800000000000ul, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	SYSCALL_CASE(-1, EINVAL, "FUTEX_WAIT: word not 4-byte aligned -> EINVAL", SYS_futex, buf + 1, FUTEX_WAIT, 0, NULL, NULL, 0);
	SYSCALL_CASE(-1, EINVAL, "FUTEX_WAKE: word not 4-byte aligned -> EINVAL", SYS_futex, buf + 2, FUTEX_WAKE, 1, NULL, NULL, 0);
	SYSCALL_CASE(-1, EFAULT, "FUTEX_WAKE (shared): nothing mapped at NULL -> EFAULT", SYS_futex, NULL, FUTEX_WAKE, 1, NULL, NULL, 0);
	SYSCALL_CASE(0, 0, "FUTEX_WAKE_PRIVATE at NULL: a key needs no mapping -> 0", SYS_futex, NULL, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	SYSCALL_CASE(-1, EINVAL, "FUTEX_WAIT_BITSET with bitset 0 -> EINVAL", SYS_futex, &f1, FUTEX_WAIT_BITSET, 0, NULL, NULL, 0);
	SYSCALL_CASE(-1, EINVAL, "FUTEX_WAKE_BITSET with bitset 0 -> EINVAL", SYS_futex, &f1, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0);
	SYSCALL_CASE(-1, ENOSYS, "op 99 -> ENOSYS", SYS_futex, &f1, 99, 0, NULL, NULL, 0);
	SYSCALL_CASE(-1, EINVAL, "FUTEX_REQUEUE with a negative count -> EINVAL", SYS_futex, &f1, FUTEX_REQUEUE, -1, NULL, &f2, 0);
	SYSCALL_CASE(-1, EAGAIN, "FUTEX_CMP_REQUEUE: the word is not val3 -> EAGAIN", SYS_futex, &f1, FUTEX_CMP_REQUEUE, 1, (void *)1, &f2, 5);
	SYSCALL_CASE(-1, ENOSYS, "FUTEX_WAKE_OP with op 7 -> ENOSYS", SYS_futex, &f1, FUTEX_WAKE_OP, 1, (void *)1, &f2, FUTEX_OP(7, 0, 0, 0));
	SYSCALL_CASE(-1, EFAULT, "FUTEX_WAKE_OP: uaddr2 read-only -> EFAULT", SYS_futex, &f1, FUTEX_WAKE_OP, 1, (void *)1, (void *)error_cases, FUTEX_OP(1, 1, 0, 0));
	SYSCALL_CASE(0, 0, "FUTEX_WAKE with nobody waiting -> 0", SYS_futex, &f1, FUTEX_WAKE, 10, NULL, NULL, 0);
}

/* ---- wakes ---- */

static void wake_cases(void)
{
	struct waiter w[4];
	for (int i = 0; i < 3; i++)
		start(&w[i], &f1, FUTEX_WAIT_PRIVATE, 0);
	settle();
	tap_eq(futex(&f1, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0), 2, "FUTEX_WAKE 2 of 3 waiters -> 2");
	tap_eq(futex(&f1, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 1, "FUTEX_WAKE 10 of the 1 left -> 1");
	tap_eq(join_woken(w, 3), 3, "each woken FUTEX_WAIT returned 0");

	start(&w[0], &f1, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 1);
	settle();
	tap_eq(futex(&f1, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 2), 0,
	       "FUTEX_WAKE_BITSET: a waiter with bitset 1 is not woken by bitset 2");
	tap_eq(futex(&f1, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 3), 1, "... but by bitset 3");
	join_woken(w, 1);

	start(&w[0], &f1, FUTEX_WAIT, 0);
	settle();
	tap_eq(futex(&f1, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 0,
	       "a shared-op waiter on private memory is not woken by a private-op wake (another key)");
	tap_eq(futex(&f1, FUTEX_WAKE, 1, NULL, NULL, 0), 1, "... but by a shared-op wake");
	join_woken(w, 1);

	for (int i = 0; i < 4; i++)
		start(&w[i], &f1, FUTEX_WAIT_PRIVATE, 0);
	settle();
	tap_eq(futex(&f1, FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG, 1, (void *)2, &f2, 0), 3,
	       "FUTEX_REQUEUE: wake 1, move 2 of the rest -> 3");
	tap_eq(futex(&f2, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 2, "... the 2 moved wait on the second word");
	tap_eq(futex(&f1, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 0, (void *)1, &f2, 0), 1,
	       "FUTEX_CMP_REQUEUE (word == val3): wake 0, move 1 -> 1");
	tap_eq(futex(&f2, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 1, "... and it waits on the second word");
	tap_eq(join_woken(w, 4), 4, "every requeued waiter returned 0");

	start(&w[0], &f1, FUTEX_WAIT_PRIVATE, 0);
	start(&w[1], &f2, FUTEX_WAIT_PRIVATE, 0);
	settle();
	tap_eq(futex(&f1, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, (void *)1, &f2, FUTEX_OP(1, 5, 0, 0)), 2,
	       "FUTEX_WAKE_OP (ADD 5, old == 0): wakes both words' waiters -> 2");
	tap_eq(atomic_load(&f2), 5, "... and the second word became 5");
	tap_eq(futex(&f1, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, (void *)1, &f2, FUTEX_OP(8 /* SET, oparg as a shift */, 3, 4 /* GT */, 100)), 0,
	       "FUTEX_WAKE_OP (SET 1<<3, old > 100 false): nobody -> 0");
	tap_eq(atomic_load(&f2), 8, "... and the second word became 8");
	join_woken(w, 2);
	atomic_store(&f2, 0);
}

/* ---- two processes, one MAP_SHARED word ---- */

static atomic_uint *shared;

static int shared_waiter(void *arg)
{
	(void)arg;
	long r = futex(shared, FUTEX_WAIT, 0, NULL, NULL, 0);
	return r == 0 && atomic_load(shared) == 1 ? 0 : 1;
}

static void shared_cases(void)
{
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid = spawn(shared_waiter, NULL);
	settle();
	tap_eq(futex(shared, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 0,
	       "a private wake does not reach another process's waiter on MAP_SHARED memory");
	atomic_store(shared, 1);
	tap_eq(futex(shared, FUTEX_WAKE, 1, NULL, NULL, 0), 1, "a shared wake does -> 1");
	tap_status(reap(pid), EXITED(0), "the waiting process saw the new value");
}

int main(void)
{
	error_cases();
	wake_cases();
	shared_cases();
	return done_testing();
}

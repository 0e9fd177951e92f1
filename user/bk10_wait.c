/* user/bk10_wait.c — breaker10: futex, robust lists, poll and select as a
 * black box, no signal handlers. Errors where Linux gives them (EFAULT,
 * EINVAL, EAGAIN, ETIMEDOUT), requeue counts, bitsets, robust mutexes of a
 * process killed with a non-leader thread holding them, poll/select edge
 * semantics (bits past nfds, POLLHUP/POLLERR/POLLNVAL, time written back).
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "tap.h"
#include "bk10.h"

static void *ro, *none, *hole;

#define KPTR ((void *)0xffffffff80100000UL)
#define NONCANON ((void *)0x0000800000000000UL)

/* ---- futex -------------------------------------------------------------- */

static int fa, fb;
static volatile int ready;
static long results[8];

struct waiter { int *word; int val; unsigned bitset; int idx; };

static void *wait_thread(void *a)
{
	struct waiter *w = a;
	__atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
	long r;
	if (w->bitset)
		r = syscall(SYS_futex, w->word, FUTEX_WAIT_BITSET, w->val, NULL, NULL, w->bitset);
	else
		r = syscall(SYS_futex, w->word, FUTEX_WAIT, w->val, NULL, NULL, 0);
	results[w->idx] = r == 0 ? 0 : -errno;
	return NULL;
}

static void wait_ready(int n)
{
	while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < n)
		sched_yield();
	msleep(100); /* from "about to wait" to asleep: a moment */
}

static void futex_cases(void)
{
	struct timespec t10ms = { 0, 10000000 }, bad_ns = { 0, 1000000000 }, neg = { -1, 0 };
	int w = 5;

	SYSCALL_CASE(-1, EAGAIN, "futex WAIT value differs -> EAGAIN", SYS_futex, &w, FUTEX_WAIT, 4,
		     NULL, NULL, 0);
	SYSCALL_CASE(-1, ETIMEDOUT, "futex WAIT 10ms -> ETIMEDOUT", SYS_futex, &w, FUTEX_WAIT, 5,
		     &t10ms, NULL, 0);
	SYSCALL_CASE(-1, EINVAL, "futex WAIT tv_nsec 1e9 -> EINVAL", SYS_futex, &w, FUTEX_WAIT, 5,
		     &bad_ns, NULL, 0);
	SYSCALL_CASE(-1, EINVAL, "futex WAIT tv_sec -1 -> EINVAL", SYS_futex, &w, FUTEX_WAIT, 5, &neg,
		     NULL, 0);
	SYSCALL_CASE(-1, EFAULT, "futex WAIT good word, timeout unmapped -> EFAULT", SYS_futex, &w,
		     FUTEX_WAIT, 5, hole, NULL, 0);
	SYSCALL_CASE(-1, EFAULT, "futex WAIT NULL word, timeout unmapped -> EFAULT (timeout first)",
		     SYS_futex, NULL, FUTEX_WAIT, 0, hole, NULL, 0);
	SYSCALL_CASE(-1, EINVAL, "futex WAIT unaligned word, bad tv_nsec -> EINVAL", SYS_futex,
		     (char *)&w + 1, FUTEX_WAIT, 5, &bad_ns, NULL, 0);
	SYSCALL_CASE(-1, EINVAL, "futex WAIT unaligned word -> EINVAL", SYS_futex, (char *)&w + 2,
		     FUTEX_WAIT, 5, &t10ms, NULL, 0);
	SYSCALL_CASE(-1, EFAULT, "futex WAIT unmapped word -> EFAULT", SYS_futex, hole, FUTEX_WAIT, 0,
		     &t10ms, NULL, 0);
	SYSCALL_CASE(-1, EFAULT, "futex WAIT PROT_NONE word -> EFAULT", SYS_futex, none, FUTEX_WAIT,
		     0, &t10ms, NULL, 0);
	SYSCALL_CASE(-1, EFAULT, "futex WAIT|PRIVATE PROT_NONE word -> EFAULT", SYS_futex, none,
		     FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &t10ms, NULL, 0);
	SYSCALL_CASE(-1, EFAULT, "futex WAIT (shared) untouched read-only anon word -> EFAULT",
		     SYS_futex, ro, FUTEX_WAIT, 0, &t10ms, NULL, 0);
	{
		int *touched = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		touched[0] = 0;
		mprotect(touched, 4096, PROT_READ);
		/* Linux: "a RO anonymous page will never change": EFAULT */
		SYSCALL_CASE(-1, EFAULT, "futex WAIT (shared) written-then-read-only anon word -> EFAULT",
			     SYS_futex, touched, FUTEX_WAIT, 0, &t10ms, NULL, 0);
	}
	SYSCALL_CASE(-1, ETIMEDOUT, "futex WAIT|PRIVATE read-only zero word -> ETIMEDOUT", SYS_futex,
		     ro, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &t10ms, NULL, 0);
	SYSCALL_CASE(-1, EFAULT, "futex WAIT kernel word -> EFAULT", SYS_futex, KPTR, FUTEX_WAIT, 0,
		     &t10ms, NULL, 0);
	SYSCALL_CASE(0, 0, "futex WAKE|PRIVATE unmapped word -> 0", SYS_futex, hole,
		     FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
	SYSCALL_CASE(-1, EFAULT, "futex WAKE (shared) unmapped word -> EFAULT", SYS_futex, hole,
		     FUTEX_WAKE, 1, NULL, NULL, 0);
	SYSCALL_CASE(-1, EFAULT, "futex WAKE (shared) PROT_NONE word -> EFAULT", SYS_futex, none,
		     FUTEX_WAKE, 1, NULL, NULL, 0);
	SYSCALL_CASE(0, 0, "futex WAKE|PRIVATE PROT_NONE word -> 0", SYS_futex, none,
		     FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
	SYSCALL_CASE(-1, EFAULT, "futex WAKE|PRIVATE non-canonical -> EFAULT", SYS_futex, NONCANON,
		     FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
	SYSCALL_CASE(0, 0, "futex WAKE nr 0 -> 0", SYS_futex, &w, FUTEX_WAKE, 0, NULL, NULL, 0);
	SYSCALL_CASE(0, 0, "futex WAKE nr -1 -> 0 (no waiters)", SYS_futex, &w, FUTEX_WAKE, -1, NULL,
		     NULL, 0);
	SYSCALL_CASE(-1, EINVAL, "futex WAIT_BITSET bitset 0 -> EINVAL", SYS_futex, &w,
		     FUTEX_WAIT_BITSET, 5, NULL, NULL, 0);
	SYSCALL_CASE(-1, EINVAL, "futex WAKE_BITSET bitset 0 -> EINVAL", SYS_futex, &w,
		     FUTEX_WAKE_BITSET, 1, NULL, NULL, 0);
	struct timespec past = { 1, 0 };
	SYSCALL_CASE(-1, ETIMEDOUT, "futex WAIT_BITSET absolute monotonic 1s -> ETIMEDOUT", SYS_futex,
		     &w, FUTEX_WAIT_BITSET, 5, &past, NULL, ~0u);
	SYSCALL_CASE(-1, ETIMEDOUT, "futex WAIT_BITSET|CLOCK_REALTIME absolute 1970 -> ETIMEDOUT",
		     SYS_futex, &w, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 5, &past, NULL, ~0u);
	SYSCALL_CASE(-1, EAGAIN, "futex WAIT_BITSET value differs, past deadline -> EAGAIN",
		     SYS_futex, &w, FUTEX_WAIT_BITSET, 6, &past, NULL, ~0u);
	SYSCALL_CASE(-1, ENOSYS, "futex WAKE|CLOCK_REALTIME -> ENOSYS", SYS_futex, &w,
		     FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0);
	SYSCALL_CASE(-1, ENOSYS, "futex op 99 -> ENOSYS", SYS_futex, &w, 99, 1, NULL, NULL, 0);
	SYSCALL_CASE(-1, EAGAIN, "futex CMP_REQUEUE val3 differs -> EAGAIN", SYS_futex, &w,
		     FUTEX_CMP_REQUEUE, 1, 1, &fb, 4);
	SYSCALL_CASE(0, 0, "futex CMP_REQUEUE onto the same word -> 0", SYS_futex, &w,
		     FUTEX_CMP_REQUEUE, 1, 1, &w, 5);
	SYSCALL_CASE(-1, EINVAL, "futex CMP_REQUEUE nr_wake -1 -> EINVAL", SYS_futex, &w,
		     FUTEX_CMP_REQUEUE, -1, 1, &fb, 5);
	SYSCALL_CASE(-1, EINVAL, "futex CMP_REQUEUE nr_requeue -1 -> EINVAL", SYS_futex, &w,
		     FUTEX_CMP_REQUEUE, 1, -1, &fb, 5);
	SYSCALL_CASE(-1, EFAULT, "futex CMP_REQUEUE uaddr2 kernel -> EFAULT", SYS_futex, &w,
		     FUTEX_CMP_REQUEUE, 1, 1, KPTR, 5);
	SYSCALL_CASE(0, 0, "futex CMP_REQUEUE|PRIVATE uaddr2 unmapped -> 0", SYS_futex, &w,
		     FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, 1, hole, 5);
	SYSCALL_CASE(-1, EFAULT, "futex CMP_REQUEUE (shared) uaddr2 unmapped -> EFAULT", SYS_futex,
		     &w, FUTEX_CMP_REQUEUE, 1, 1, hole, 5);
	SYSCALL_CASE(-1, EFAULT, "futex CMP_REQUEUE uaddr unmapped -> EFAULT", SYS_futex, hole,
		     FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, 1, &fb, 5);
	SYSCALL_CASE(-1, EFAULT, "futex WAKE_OP uaddr2 read-only -> EFAULT", SYS_futex, &w,
		     FUTEX_WAKE_OP, 1, 1, ro, 0);
	SYSCALL_CASE(-1, EFAULT, "futex WAKE_OP uaddr2 unmapped -> EFAULT", SYS_futex, &w,
		     FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, 1, hole, 0);
	/* op 7 is no operation Linux knows */
	int w2 = 0;
	SYSCALL_CASE(-1, ENOSYS, "futex WAKE_OP with op 7 -> ENOSYS", SYS_futex, &w,
		     FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, 1, &w2, (7 << 28));
	SYSCALL_CASE(-1, ENOSYS, "futex WAKE_OP with cmp 6 -> ENOSYS", SYS_futex, &w,
		     FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, 1, &w2, (6 << 24));
	/* SET w2 = 0x7ff with shift flag: 1 << 11 (oparg sign-extended first?) */
	w2 = 0;
	syscall(SYS_futex, &w, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 0, 0, &w2,
		(8 << 28) | (0 << 28) | (3 << 12));
	tap_eq(w2, 8, "futex WAKE_OP SET|OPARG_SHIFT oparg 3 -> word becomes 8");
	w2 = 0;
	syscall(SYS_futex, &w, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 0, 0, &w2,
		(8 << 28) | (0 << 28) | (40 << 12));
	tap_eq(w2, 1u << 8, "futex WAKE_OP SET|OPARG_SHIFT oparg 40 -> masked to 8 (1<<8)");
	w2 = 10;
	syscall(SYS_futex, &w, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 0, 0, &w2,
		(1 << 28) | (0xfff << 12));
	tap_eq(w2, 9, "futex WAKE_OP ADD oparg 0xfff (sign-extended -1) -> 9");

	/* CMP_REQUEUE with three real waiters */
	fa = 1;
	fb = 2;
	pthread_t t[4];
	struct waiter ws[3];
	ready = 0;
	for (int i = 0; i < 3; i++) {
		ws[i] = (struct waiter){ &fa, 1, 0, i };
		results[i] = 99;
		pthread_create(&t[i], NULL, wait_thread, &ws[i]);
	}
	wait_ready(3);
	long r = syscall(SYS_futex, &fa, FUTEX_CMP_REQUEUE, 1, 1, &fb, 1);
	tap_eq(r, 2, "CMP_REQUEUE(wake 1, requeue 1) with 3 waiters -> 2");
	msleep(50);
	r = syscall(SYS_futex, &fa, FUTEX_WAKE, 10, NULL, NULL, 0);
	tap_eq(r, 1, "then WAKE on the first word finds 1");
	r = syscall(SYS_futex, &fb, FUTEX_WAKE, 10, NULL, NULL, 0);
	tap_eq(r, 1, "and WAKE on the second word finds the requeued 1");
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	tap_ok(results[0] == 0 && results[1] == 0 && results[2] == 0,
	       "all three waiters returned 0 (%ld %ld %ld)", results[0], results[1], results[2]);

	/* REQUEUE with nr_requeue 0 (val2 = 0): nothing moves */
	ready = 0;
	for (int i = 0; i < 2; i++) {
		ws[i] = (struct waiter){ &fa, 1, 0, i };
		pthread_create(&t[i], NULL, wait_thread, &ws[i]);
	}
	wait_ready(2);
	r = syscall(SYS_futex, &fa, FUTEX_REQUEUE, 0, 0, &fb, 0);
	tap_eq(r, 0, "REQUEUE(wake 0, requeue 0) with 2 waiters -> 0");
	r = syscall(SYS_futex, &fb, FUTEX_WAKE, 10, NULL, NULL, 0);
	tap_eq(r, 0, "nothing was moved to the second word");
	r = syscall(SYS_futex, &fa, FUTEX_WAKE, 10, NULL, NULL, 0);
	tap_eq(r, 2, "both still on the first word");
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);

	/* bitsets */
	ready = 0;
	ws[0] = (struct waiter){ &fa, 1, 1, 0 };
	ws[1] = (struct waiter){ &fa, 1, 2, 1 };
	ws[2] = (struct waiter){ &fa, 1, 6, 2 };
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, wait_thread, &ws[i]);
	wait_ready(3);
	r = syscall(SYS_futex, &fa, FUTEX_WAKE_BITSET, 10, NULL, NULL, 4);
	tap_eq(r, 1, "WAKE_BITSET 4 wakes only the waiter whose bitset has bit 2");
	r = syscall(SYS_futex, &fa, FUTEX_WAKE_BITSET, 10, NULL, NULL, 1);
	tap_eq(r, 1, "WAKE_BITSET 1 wakes only the bitset-1 waiter");
	r = syscall(SYS_futex, &fa, FUTEX_WAKE, 10, NULL, NULL, 0);
	tap_eq(r, 1, "plain WAKE wakes the rest (1)");
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);

	/* a private waiter is not woken by a shared wake, and vice versa */
	ready = 0;
	ws[0] = (struct waiter){ &fa, 1, 0, 0 };
	pthread_create(&t[0], NULL, wait_thread, &ws[0]);
	wait_ready(1);
	r = syscall(SYS_futex, &fa, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 10, NULL, NULL, 0);
	tap_eq(r, 0, "a private WAKE does not reach a shared waiter");
	r = syscall(SYS_futex, &fa, FUTEX_WAKE, 10, NULL, NULL, 0);
	tap_eq(r, 1, "a shared WAKE does");
	pthread_join(t[0], NULL);
}

/* ---- robust mutex held by a non-leader thread of a killed process ------- */

struct shared {
	pthread_mutex_t m;
	int held;
};
static struct shared *sh;

static void *holder(void *a)
{
	(void)a;
	pthread_mutex_lock(&sh->m);
	__atomic_store_n(&sh->held, 1, __ATOMIC_SEQ_CST);
	futex_wake(&sh->held, 100);
	for (;;)
		pause();
	return NULL;
}

static int robust_child(void *how)
{
	pthread_t t;
	pthread_create(&t, NULL, holder, NULL);
	if ((intptr_t)how == 1) {
		while (!__atomic_load_n(&sh->held, __ATOMIC_SEQ_CST))
			futex_wait(&sh->held, 0);
		syscall(SYS_exit_group, 0); /* the leader ends the process */
	}
	for (;;)
		pause();
	return 0;
}

static void robust_cases(void)
{
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t at;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);

	for (int how = 0; how < 2; how++) {
		memset(sh, 0, sizeof *sh);
		pthread_mutex_init(&sh->m, &at);
		pid_t c = spawn(robust_child, (void *)(intptr_t)how);
		while (!__atomic_load_n(&sh->held, __ATOMIC_SEQ_CST))
			futex_wait(&sh->held, 0);
		if (how == 0)
			kill(c, SIGKILL);
		int st = reap(c);
		tap_status(st, how == 0 ? KILLED(SIGKILL) : EXITED(0), "robust: holder's process %s",
			   how == 0 ? "SIGKILLed" : "exit_group from the leader");
		int r = pthread_mutex_lock(&sh->m);
		tap_eq(r, EOWNERDEAD, "robust: a non-leader holder's mutex comes back EOWNERDEAD (%s)",
		       how == 0 ? "SIGKILL" : "exit_group");
		if (r == EOWNERDEAD)
			pthread_mutex_consistent(&sh->m);
		pthread_mutex_unlock(&sh->m);
		pthread_mutex_destroy(&sh->m);
	}

	SYSCALL_CASE(-1, EINVAL, "set_robust_list len 23 -> EINVAL", SYS_set_robust_list, NULL, 23);
	void *head;
	size_t len;
	SYSCALL_CASE(-1, EFAULT, "get_robust_list(0, unmapped head_ptr) -> EFAULT",
		     SYS_get_robust_list, 0, hole, &len);
	SYSCALL_CASE(-1, EFAULT, "get_robust_list(0, &head, read-only len_ptr) -> EFAULT",
		     SYS_get_robust_list, 0, &head, ro);
	SYSCALL_CASE(-1, ESRCH, "get_robust_list(no such tid) -> ESRCH", SYS_get_robust_list,
		     getpid() + 100000, &head, &len);
	SYSCALL_CASE(0, 0, "get_robust_list(own tid) -> 0", SYS_get_robust_list, tid(), &head, &len);
	tap_eq(len, 24, "its length is 24");
}

/* ---- poll and select ----------------------------------------------------- */

static int wp[2];
static void *late_writer(void *a)
{
	(void)a;
	msleep(50);
	write(wp[1], "z", 1);
	return NULL;
}

static void poll_cases(void)
{
	int p[2];
	if (pipe(p) || pipe(wp))
		bail("pipe");

	/* a writer thread wakes an infinite poll */
	pthread_t t;
	pthread_create(&t, NULL, late_writer, NULL);
	struct pollfd pf[3] = { { wp[0], POLLIN, 0x55 }, { -5, POLLIN, 0x55 }, { p[0], POLLIN, 0x55 } };
	long r = syscall(SYS_poll, pf, 3, -1);
	pthread_join(t, NULL);
	tap_ok(r == 1 && pf[0].revents == POLLIN && pf[1].revents == 0 && pf[2].revents == 0,
	       "poll(-1) woken by a writer thread: 1, POLLIN; negative fd's revents cleared (%ld %#x %#x %#x)",
	       r, pf[0].revents, pf[1].revents, pf[2].revents);
	char c;
	read(wp[0], &c, 1);

	/* hangups and errors */
	int q[2];
	pipe(q);
	close(q[1]);
	struct pollfd h = { q[0], 0, 0 };
	r = syscall(SYS_poll, &h, 1, 0);
	tap_ok(r == 1 && h.revents == POLLHUP, "poll events=0 on a widowed read end: POLLHUP (%#x)",
	       h.revents);
	close(q[0]);
	pipe(q);
	close(q[0]);
	h = (struct pollfd){ q[1], POLLOUT, 0 };
	r = syscall(SYS_poll, &h, 1, 0);
	tap_ok(r == 1 && h.revents == (POLLOUT | POLLERR),
	       "poll POLLOUT on a write end without readers: POLLOUT|POLLERR (%#x)", h.revents);
	h = (struct pollfd){ q[1], POLLIN, 0 };
	r = syscall(SYS_poll, &h, 1, 0);
	tap_ok(r == 1 && h.revents == POLLERR, "poll POLLIN on that write end: POLLERR (%#x)",
	       h.revents);
	close(q[1]);
	h = (struct pollfd){ q[1], POLLIN, 0 };
	r = syscall(SYS_poll, &h, 1, 0);
	tap_ok(r == 1 && h.revents == POLLNVAL, "poll on a closed fd: POLLNVAL (%#x)", h.revents);
	h = (struct pollfd){ p[1], POLLIN, 0 };
	r = syscall(SYS_poll, &h, 1, 0);
	tap_ok(r == 0 && h.revents == 0, "poll POLLIN on a writable write end: 0 (%#x)", h.revents);

	/* user memory */
	SYSCALL_CASE(0, 0, "poll(NULL, 0, 0) -> 0", SYS_poll, NULL, 0, 0);
	SYSCALL_CASE(-1, EFAULT, "poll(NULL, 1, 0) -> EFAULT", SYS_poll, NULL, 1, 0);
	SYSCALL_CASE(-1, EFAULT, "poll(kernel, 1, 0) -> EFAULT", SYS_poll, KPTR, 1, 0);
	SYSCALL_CASE(-1, EINVAL, "poll(fds, 1<<30, 0) -> EINVAL", SYS_poll, pf, 1 << 30, 0);
	/* an array whose 2nd entry is on the unmapped page */
	char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(two + 4096, 4096);
	struct pollfd *edge = (struct pollfd *)(two + 4096 - sizeof(struct pollfd));
	*edge = (struct pollfd){ p[1], POLLOUT, 0 };
	SYSCALL_CASE(-1, EFAULT, "poll array running into an unmapped page -> EFAULT", SYS_poll, edge,
		     2, 0);
	SYSCALL_CASE(1, 0, "poll array ending on the last mapped byte -> 1", SYS_poll, edge, 1, 0);
	/* a read-only array with something ready: the revents write fails */
	struct pollfd *rop = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*rop = (struct pollfd){ p[1], POLLOUT, 0 };
	mprotect(rop, 4096, PROT_READ);
	SYSCALL_CASE(-1, EFAULT, "poll read-only array, fd ready -> EFAULT", SYS_poll, rop, 1, 0);

	/* ppoll: time left written back; sigsetsize checked */
	struct timespec ts = { 0, 20000000 };
	struct pollfd e = { p[0], POLLIN, 0 };
	r = syscall(SYS_ppoll, &e, 1, &ts, NULL, 8);
	tap_ok(r == 0 && ts.tv_sec == 0 && ts.tv_nsec == 0, "ppoll 20ms timeout -> 0, time left {0,0} (%ld.%09ld)",
	       (long)ts.tv_sec, ts.tv_nsec);
	sigset_t ss;
	sigemptyset(&ss);
	ts = (struct timespec){ 0, 0 };
	SYSCALL_CASE(-1, EINVAL, "ppoll sigsetsize 4 -> EINVAL", SYS_ppoll, &e, 1, &ts, &ss, 4);
	SYSCALL_CASE(-1, EFAULT, "ppoll sigmask unmapped -> EFAULT", SYS_ppoll, &e, 1, &ts, hole, 8);
	SYSCALL_CASE(-1, EFAULT, "ppoll timeout unmapped -> EFAULT", SYS_ppoll, &e, 1, hole, NULL, 8);
	struct timespec badts = { 0, -1 };
	SYSCALL_CASE(-1, EINVAL, "ppoll tv_nsec -1 -> EINVAL", SYS_ppoll, &e, 1, &badts, NULL, 8);
	SYSCALL_CASE(0, 0, "ppoll(NULL sigmask, sigsetsize 4) -> 0 (size unchecked without a mask)",
		     SYS_ppoll, &e, 1, &ts, NULL, 4);

	/* select: bits past nfds */
	{
		unsigned long set[4] = { 0, 0, 0, 0 };
		set[0] = (1UL << p[1]) | (1UL << 40);
		set[1] = 1UL << 3; /* fd 67 */
		struct timeval tv = { 0, 0 };
		r = syscall(SYS_select, p[1] + 1, NULL, set, NULL, &tv);
		tap_ok(r == 1, "select write set with fd %d -> 1 (%ld)", p[1], r);
		tap_eq(set[0], 1UL << p[1], "select: bits of the first word past nfds come back cleared");
		tap_eq(set[1], 1UL << 3, "select: words past nfds are left alone");
	}
	{
		unsigned long set[2] = { 1UL << p[0], 0 };
		struct timeval tv = { 0, 1000000 + 20000 }; /* 1.02 s written as usec */
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		tv = (struct timeval){ 0, 1000000 };
		r = syscall(SYS_select, p[0] + 1, set, NULL, NULL, &tv);
		clock_gettime(CLOCK_MONOTONIC, &b);
		long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
		tap_ok(r == 0 && ms >= 990 && set[0] == 0,
		       "select tv_usec 1000000 is one second: 0 after %ld ms, set cleared", ms);
		tv = (struct timeval){ 0, -1 };
		SYSCALL_CASE(-1, EINVAL, "select tv_usec -1 -> EINVAL", SYS_select, 1, NULL, NULL, NULL,
			     &tv);
		tv = (struct timeval){ -1, 0 };
		SYSCALL_CASE(-1, EINVAL, "select tv_sec -1 -> EINVAL", SYS_select, 1, NULL, NULL, NULL,
			     &tv);
		tv = (struct timeval){ 0, 0 };
		SYSCALL_CASE(-1, EINVAL, "select nfds -1 -> EINVAL", SYS_select, -1, NULL, NULL, NULL,
			     &tv);
		unsigned long big[16] = { 0 };
		big[15] = 1UL << 63; /* fd 1023, never open */
		SYSCALL_CASE(0, 0, "select nfds 1024 with fd 1023 (past the table) -> 0", SYS_select,
			     1024, big, NULL, NULL, &tv);
		tap_eq(big[15], 1UL << 63, "select leaves the bit of fd 1023 (past the table) alone");
		unsigned long bad[1] = { 1UL << 50 };
		SYSCALL_CASE(-1, EBADF, "select with closed fd 50 in the read set -> EBADF", SYS_select,
			     51, bad, NULL, NULL, &tv);
		SYSCALL_CASE(-1, EFAULT, "select read set unmapped -> EFAULT", SYS_select, 1, hole, NULL,
			     NULL, &tv);
		SYSCALL_CASE(0, 0, "select nfds 0 with an unmapped set -> 0", SYS_select, 0, hole, NULL,
			     NULL, &tv);
		SYSCALL_CASE(-1, EFAULT, "select timeout unmapped -> EFAULT", SYS_select, 1, NULL, NULL,
			     NULL, hole);
		/* pselect6's sixth argument is a {sigset *, size} pair */
		struct timespec z = { 0, 0 };
		struct { void *ss; size_t len; } sm = { &ss, 4 };
		SYSCALL_CASE(-1, EINVAL, "pselect6 sigset size 4 -> EINVAL", SYS_pselect6, 1, NULL, NULL,
			     NULL, &z, &sm);
		sm = (typeof(sm)){ hole, 8 };
		SYSCALL_CASE(-1, EFAULT, "pselect6 sigset pointer unmapped -> EFAULT", SYS_pselect6, 1,
			     NULL, NULL, NULL, &z, &sm);
		SYSCALL_CASE(-1, EFAULT, "pselect6 pair unmapped -> EFAULT", SYS_pselect6, 1, NULL, NULL,
			     NULL, &z, hole);
		sm = (typeof(sm)){ NULL, 4 };
		SYSCALL_CASE(0, 0, "pselect6 pair {NULL, 4} -> 0", SYS_pselect6, 1, NULL, NULL, NULL, &z,
			     &sm);
	}
}

int main(void)
{
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* far from anything mapped, and never reused by a later mmap */
	hole = (void *)0x10000000000UL;
	unsigned char vec;
	if (mincore(hole, 4096, &vec) != -1 || errno != ENOMEM)
		bail("the hole at 1 TiB is mapped");

	futex_cases();
	robust_cases();
	poll_cases();
	return done_testing();
}

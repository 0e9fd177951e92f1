/* user/sigpending.c — blocked signals wait: a signal the process blocks
 * (rt_sigprocmask) is kept pending, shows in rt_sigpending, does not
 * interrupt a sleep, and takes effect only when unblocked; SIGKILL and
 * SIGSTOP cannot be blocked. Also: a blocked signal that is ignored still
 * waits (it may not be ignored when it is unblocked), setting SIG_IGN
 * throws a pending one away, the lowest-numbered pending signal is the one
 * that acts first, a child inherits the mask but not the pending set, and
 * rt_sigaction and rt_sigprocmask make their change before they fail on a
 * bad old-value pointer, as Linux does.
 *
 * Each scenario runs in a child and is judged by how the child ends: the
 * signal that killed it, or exit 0 (any other exit code is the number of
 * the first check that failed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "child.h"

#define CHECK(n, cond) do { if (!(cond)) return (n); } while (0)
#define BIT(sig) (1ul << ((sig) - 1))

struct k_sigaction {
	unsigned long handler, flags, restorer, mask;
};

static long mask_op(int how, unsigned long set)
{
	return syscall(SYS_rt_sigprocmask, how, &set, NULL, 8);
}

static unsigned long mask_now(void)
{
	unsigned long old = ~0ul;

	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &old, 8);
	return old;
}

static unsigned long pending_now(void)
{
	unsigned long set = ~0ul;

	if (syscall(SYS_rt_sigpending, &set, 8))
		return ~0ul;
	return set;
}

static long set_handler(int sig, unsigned long handler)
{
	struct k_sigaction act = { handler, 0, 0, 0 };

	return syscall(SYS_rt_sigaction, sig, &act, NULL, 8);
}

static unsigned long handler_now(int sig)
{
	struct k_sigaction old = { 99, 0, 0, 0 };

	syscall(SYS_rt_sigaction, sig, NULL, &old, 8);
	return old.handler;
}

/* ---- scenarios ------------------------------------------------------------- */

/* Blocked SIGTERM to self: pending, alive; unblocked: dead. */
static int block_then_unblock(void *unused)
{
	(void)unused;
	CHECK(1, mask_op(SIG_BLOCK, BIT(SIGTERM)) == 0);
	CHECK(2, kill(getpid(), SIGTERM) == 0);
	CHECK(3, pending_now() == BIT(SIGTERM));
	mask_op(SIG_UNBLOCK, BIT(SIGTERM));
	return 4; /* still alive: wrong */
}

/* SIGKILL and SIGSTOP are left out of the mask without an error. */
static int kill_unblockable(void *unused)
{
	(void)unused;
	CHECK(1, mask_op(SIG_SETMASK, BIT(SIGKILL) | BIT(SIGSTOP) | BIT(SIGTERM)) == 0);
	CHECK(2, mask_now() == BIT(SIGTERM));
	CHECK(3, mask_op(SIG_BLOCK, ~0ul) == 0);
	CHECK(4, mask_now() == (~0ul & ~(BIT(SIGKILL) | BIT(SIGSTOP))));
	kill(getpid(), SIGKILL);
	return 5;
}

/* A blocked, ignored signal still waits; unblocked, it is thrown away. */
static int ignored_waits(void *unused)
{
	(void)unused;
	CHECK(1, set_handler(SIGUSR1, (unsigned long)SIG_IGN) == 0);
	CHECK(2, mask_op(SIG_BLOCK, BIT(SIGUSR1)) == 0);
	CHECK(3, kill(getpid(), SIGUSR1) == 0);
	CHECK(4, pending_now() == BIT(SIGUSR1));
	CHECK(5, mask_op(SIG_UNBLOCK, BIT(SIGUSR1)) == 0);
	CHECK(6, pending_now() == 0);
	/* SIGCHLD's default action is to ignore it: the same. */
	CHECK(7, mask_op(SIG_BLOCK, BIT(SIGCHLD)) == 0 && kill(getpid(), SIGCHLD) == 0);
	CHECK(8, pending_now() == BIT(SIGCHLD));
	CHECK(9, mask_op(SIG_UNBLOCK, BIT(SIGCHLD)) == 0 && pending_now() == 0);
	return 0;
}

/* SIG_IGN set while a signal is pending discards it. */
static int ignore_discards(void *unused)
{
	(void)unused;
	CHECK(1, mask_op(SIG_BLOCK, BIT(SIGUSR2)) == 0 && kill(getpid(), SIGUSR2) == 0);
	CHECK(2, pending_now() == BIT(SIGUSR2));
	CHECK(3, set_handler(SIGUSR2, (unsigned long)SIG_IGN) == 0);
	CHECK(4, pending_now() == 0);
	CHECK(5, set_handler(SIGUSR2, (unsigned long)SIG_DFL) == 0);
	CHECK(6, mask_op(SIG_UNBLOCK, BIT(SIGUSR2)) == 0);
	return 0;
}

/* Two pending: the lower number acts first. */
static int lowest_first(void *unused)
{
	(void)unused;
	CHECK(1, mask_op(SIG_BLOCK, BIT(SIGINT) | BIT(SIGTERM)) == 0);
	CHECK(2, kill(getpid(), SIGTERM) == 0 && kill(getpid(), SIGINT) == 0);
	CHECK(3, pending_now() == (BIT(SIGINT) | BIT(SIGTERM)));
	mask_op(SIG_SETMASK, 0);
	return 4;
}

/* A child gets the mask, not the pending signals. */
static int fork_inherits_mask(void *unused)
{
	(void)unused;
	CHECK(1, mask_op(SIG_BLOCK, BIT(SIGTERM)) == 0 && kill(getpid(), SIGTERM) == 0);
	pid_t kid = fork();
	if (kid == 0)
		_exit(mask_now() == BIT(SIGTERM) && pending_now() == 0 ? 0 : 1);
	CHECK(2, reap(kid) == EXITED(0));
	CHECK(3, pending_now() == BIT(SIGTERM));
	return 0;
}

/* A signal another process sends to a blocked sleeper neither wakes it
 * nor kills it; unblocking does. The pipes: the child says "blocked", the
 * parent sends SIGTERM and then "go". */
static void sleeper_case(void)
{
	int up[2], down[2];
	char c;

	if (pipe(up) || pipe(down))
		bail("pipe");
	fflush(stdout);
	pid_t kid = fork();
	if (kid == 0) {
		mask_op(SIG_BLOCK, BIT(SIGTERM));
		if (write(up[1], "b", 1) != 1 || read(down[0], &c, 1) != 1)
			_exit(1);
		if (pending_now() != BIT(SIGTERM))
			_exit(2);
		mask_op(SIG_UNBLOCK, BIT(SIGTERM));
		_exit(3);
	}
	int ok = read(up[0], &c, 1) == 1 && kill(kid, SIGTERM) == 0;
	usleep(20000); /* a sleeper the signal would wake had time to die */
	ok = ok && write(down[1], "g", 1) == 1;
	tap_status(ok ? reap(kid) : -1, KILLED(SIGTERM),
		   "SIGTERM from another process to a blocked sleeper waits until unblocked");
	close(up[0]), close(up[1]), close(down[0]), close(down[1]);
}

/* ---- calls in the test process itself --------------------------------------- */

static void failed_but_done(void)
{
	struct k_sigaction act = { (unsigned long)SIG_IGN, 0, 0, 0 };
	unsigned long set = BIT(SIGUSR2), old = mask_now();

	errno = 0;
	long r = syscall(SYS_rt_sigaction, SIGUSR1, &act, (void *)1, 8);
	tap_syscall(r, errno, -1, EFAULT, handler_now(SIGUSR1) == (unsigned long)SIG_IGN ? NULL :
		    "the new action was not installed", "rt_sigaction(SIG_IGN, bad oact) -> EFAULT, installed");
	set_handler(SIGUSR1, (unsigned long)SIG_DFL);

	errno = 0;
	r = syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, (void *)1, 8);
	tap_syscall(r, errno, -1, EFAULT, mask_now() & BIT(SIGUSR2) ? NULL : "the mask did not change",
		    "rt_sigprocmask(SIG_BLOCK, bad oset) -> EFAULT, mask changed");
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old, NULL, 8);
}

static void arg_order(void)
{
	struct k_sigaction old;
	unsigned long set = 0;

	SYSCALL_CASE(-1, EFAULT, "rt_sigaction(SIGKILL, bad act) -> EFAULT (act is read first)",
	     SYS_rt_sigaction, SIGKILL, (void *)1, NULL, 8);
	SYSCALL_CASE(-1, EINVAL, "rt_sigaction(SIGKILL, act) -> EINVAL", SYS_rt_sigaction, SIGKILL, &old, NULL, 8);
	SYSCALL_CASE(0, 0, "rt_sigaction(SIGKILL, NULL, oact) -> 0", SYS_rt_sigaction, SIGKILL, NULL, &old, 8);
	SYSCALL_CASE(-1, EINVAL, "rt_sigaction(65) -> EINVAL", SYS_rt_sigaction, 65, NULL, &old, 8);
	SYSCALL_CASE(-1, EINVAL, "rt_sigaction(sigsetsize 4) -> EINVAL", SYS_rt_sigaction, SIGUSR1, NULL, &old, 4);
	SYSCALL_CASE(-1, EFAULT, "rt_sigprocmask(bad how, bad set) -> EFAULT (set is read first)",
	     SYS_rt_sigprocmask, 7, (void *)1, NULL, 8);
	SYSCALL_CASE(-1, EINVAL, "rt_sigprocmask(bad how) -> EINVAL", SYS_rt_sigprocmask, 7, &set, NULL, 8);
	SYSCALL_CASE(0, 0, "rt_sigprocmask(bad how, NULL set) -> 0", SYS_rt_sigprocmask, 7, NULL, NULL, 8);
	SYSCALL_CASE(-1, EINVAL, "rt_sigpending(sigsetsize 9) -> EINVAL", SYS_rt_sigpending, &set, 9);
	SYSCALL_CASE(-1, EFAULT, "rt_sigpending(NULL) -> EFAULT", SYS_rt_sigpending, NULL, 8);
	set = ~0ul;
	SYSCALL_CASE(0, 0, "rt_sigpending(sigsetsize 4) -> 0", SYS_rt_sigpending, &set, 4);
	tap_eq(set >> 32, 0xffffffff, "rt_sigpending(sigsetsize 4) wrote only 4 bytes");
}

int main(void)
{
	/* A shell without job control starts a background command with SIGINT
	 * and SIGQUIT ignored, and exec keeps that (POSIX); the cases need
	 * SIGINT's default action. */
	signal(SIGINT, SIG_DFL);
	child_case(block_then_unblock, NULL, KILLED(SIGTERM),
		   "blocked SIGTERM to self: pending, then fatal when unblocked");
	child_case(kill_unblockable, NULL, KILLED(SIGKILL),
		   "SIGKILL and SIGSTOP cannot be blocked");
	child_case(ignored_waits, NULL, EXITED(0),
		   "a blocked ignored signal waits, and is dropped when unblocked");
	child_case(ignore_discards, NULL, EXITED(0), "SIG_IGN discards a pending signal");
	child_case(lowest_first, NULL, KILLED(SIGINT), "SIGINT acts before SIGTERM");
	child_case(fork_inherits_mask, NULL, EXITED(0), "fork: mask inherited, pending not");
	sleeper_case();
	failed_but_done();
	arg_order();
	return done_testing();
}

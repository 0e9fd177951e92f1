/* user/bk9_mqlimits.c — POSIX message queue limits, and which error wins
 * when a call breaks two rules. Ideas from LTP's mq_open/mq_timedsend
 * errno tests, written fresh. Runs without CAP_SYS_RESOURCE, so the
 * unprivileged limits hold (msg_max 10, msgsize_max 8192, queues_max 256,
 * RLIMIT_MSGQUEUE 819200 bytes). Each rule was first seen on Linux:
 *  - an existing queue: O_EXCL's EEXIST comes before any look at the
 *    attributes, and without O_EXCL bad attributes are ignored.
 *  - maxmsg * msgsize that overflows is EINVAL, not a huge queue.
 *  - a send: the priority (EINVAL), then the descriptor (EBADF), then the
 *    length (EMSGSIZE), then the buffer (EFAULT), and only then a full
 *    queue (EAGAIN); a receive: the descriptor, the length, then empty.
 *  - a zero-length message is a message.
 *  - creating and removing queues many times leaks neither a queue slot
 *    nor the creator's bytes: 600 rounds succeed, with queues of 90 KiB.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <mqueue.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "child.h"

#define CAP_SYS_RESOURCE 24
#define Q "bk9_lim"

static long q_open(const char *name, int flags, long maxmsg, long msgsize)
{
	struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
	return syscall(SYS_mq_open, name, flags, 0600, &a);
}

static long curmsgs(int q)
{
	struct mq_attr a;
	return syscall(SYS_mq_getsetattr, q, NULL, &a) ? -1 : a.mq_curmsgs;
}

static void open_cases(void)
{
	syscall(SYS_mq_unlink, Q);
	int q = (int)q_open(Q, O_CREAT | O_RDWR, 3, 16);
	tap_ok(q >= 0, "create a queue of 3 x 16");
	SYSCALL_CASE(-1, EEXIST, "O_CREAT|O_EXCL, existing, maxmsg 0 -> EEXIST (not EINVAL)",
		     SYS_mq_open, Q, O_CREAT | O_EXCL | O_RDWR, 0600,
		     &(struct mq_attr){ .mq_maxmsg = 0, .mq_msgsize = 16 });
	long r = q_open(Q, O_CREAT | O_RDWR, 0, -5);
	struct mq_attr a = { 0 };
	tap_ok(r >= 0 && mq_getattr((int)r, &a) == 0 && a.mq_maxmsg == 3 && a.mq_msgsize == 16,
	       "O_CREAT, existing, bad attributes -> opened, the queue's own attributes");
	if (r >= 0)
		close((int)r);
	SYSCALL_CASE(-1, EEXIST, "O_CREAT|O_EXCL, existing, access mode 3 -> EEXIST (before EINVAL)",
		     SYS_mq_open, Q, O_CREAT | O_EXCL | 3, 0600, NULL);
	close(q);
	syscall(SYS_mq_unlink, Q);

	SYSCALL_CASE(-1, EINVAL, "create with maxmsg 0 -> EINVAL", SYS_mq_open, Q, O_CREAT | O_RDWR, 0600,
		     &(struct mq_attr){ .mq_maxmsg = 0, .mq_msgsize = 16 });
	SYSCALL_CASE(-1, EINVAL, "create with msgsize -1 -> EINVAL", SYS_mq_open, Q, O_CREAT | O_RDWR, 0600,
		     &(struct mq_attr){ .mq_maxmsg = 1, .mq_msgsize = -1 });
	SYSCALL_CASE(-1, EINVAL, "create with maxmsg 11 (msg_max 10) -> EINVAL", SYS_mq_open, Q,
		     O_CREAT | O_RDWR, 0600, &(struct mq_attr){ .mq_maxmsg = 11, .mq_msgsize = 16 });
	SYSCALL_CASE(-1, EINVAL, "create with msgsize 8193 -> EINVAL", SYS_mq_open, Q,
		     O_CREAT | O_RDWR, 0600, &(struct mq_attr){ .mq_maxmsg = 1, .mq_msgsize = 8193 });
	SYSCALL_CASE(-1, EINVAL, "create with msgsize LONG_MAX (product overflows) -> EINVAL", SYS_mq_open, Q,
		     O_CREAT | O_RDWR, 0600, &(struct mq_attr){ .mq_maxmsg = 10, .mq_msgsize = LONG_MAX });
	SYSCALL_CASE(-1, EINVAL, "create with maxmsg LONG_MAX -> EINVAL", SYS_mq_open, Q,
		     O_CREAT | O_RDWR, 0600, &(struct mq_attr){ .mq_maxmsg = LONG_MAX, .mq_msgsize = 1 });
	SYSCALL_CASE(-1, ENOENT, "... none of them made the queue", SYS_mq_unlink, Q);
}

static void order_cases(void)
{
	char buf[64];
	unsigned prio = 99;

	syscall(SYS_mq_unlink, Q);
	int q = (int)q_open(Q, O_CREAT | O_RDWR | O_NONBLOCK, 2, 16);
	int ro = (int)syscall(SYS_mq_open, Q, O_RDONLY | O_NONBLOCK, 0, NULL);
	int wo = (int)syscall(SYS_mq_open, Q, O_WRONLY | O_NONBLOCK, 0, NULL);
	if (q < 0 || ro < 0 || wo < 0)
		bail("mq_open");
	SYSCALL_CASE(0, 0, "send a zero-length message -> 0", SYS_mq_timedsend, q, buf, 0, 5, NULL);
	tap_eq(curmsgs(q), 1, "... it is queued");
	SYSCALL_CASE(0, 0, "receive it -> length 0", SYS_mq_timedreceive, q, buf, 16, &prio, NULL);
	tap_eq(prio, 5, "... with its priority");
	SYSCALL_CASE(0, 0, "send with a NULL buffer and length 0 -> 0", SYS_mq_timedsend, q, NULL, 0, 0, NULL);
	SYSCALL_CASE(0, 0, "... and receive it -> 0", SYS_mq_timedreceive, q, buf, 16, NULL, NULL);

	mq_send(q, "1", 1, 0);
	mq_send(q, "2", 1, 0);
	SYSCALL_CASE(-1, EINVAL, "full, O_NONBLOCK, prio 32768 -> EINVAL (before EAGAIN)",
		     SYS_mq_timedsend, q, "x", 1, 32768, NULL);
	SYSCALL_CASE(-1, EINVAL, "prio 32768 on a read-only descriptor -> EINVAL (before EBADF)",
		     SYS_mq_timedsend, ro, "x", 1, 32768, NULL);
	SYSCALL_CASE(-1, EBADF, "read-only descriptor, too long, bad buffer -> EBADF",
		     SYS_mq_timedsend, ro, (void *)8, 17, 0, NULL);
	SYSCALL_CASE(-1, EMSGSIZE, "full, 17 bytes into 16, bad buffer -> EMSGSIZE",
		     SYS_mq_timedsend, q, (void *)8, 17, 0, NULL);
	SYSCALL_CASE(-1, EFAULT, "full, bad buffer -> EFAULT (before EAGAIN)",
		     SYS_mq_timedsend, q, (void *)8, 1, 0, NULL);
	SYSCALL_CASE(-1, EAGAIN, "full, good buffer -> EAGAIN", SYS_mq_timedsend, q, "x", 1, 0, NULL);
	struct timespec far = { LONG_MAX, 0 };
	SYSCALL_CASE(-1, EAGAIN, "full, O_NONBLOCK, deadline tv_sec LONG_MAX -> EAGAIN",
		     SYS_mq_timedsend, q, "x", 1, 0, &far);
	SYSCALL_CASE(-1, EBADF, "receive on a write-only descriptor -> EBADF",
		     SYS_mq_timedreceive, wo, buf, 16, NULL, NULL);
	SYSCALL_CASE(-1, EMSGSIZE, "receive into 15 bytes, bad buffer -> EMSGSIZE",
		     SYS_mq_timedreceive, q, (void *)8, 15, NULL, NULL);
	tap_eq(curmsgs(q), 2, "... the refused calls moved nothing");
	SYSCALL_CASE(1, 0, "receive ...", SYS_mq_timedreceive, q, buf, 16, NULL, NULL);
	SYSCALL_CASE(1, 0, "... and again", SYS_mq_timedreceive, q, buf, 16, NULL, NULL);
	SYSCALL_CASE(-1, EMSGSIZE, "empty, O_NONBLOCK, 15 bytes -> EMSGSIZE (before EAGAIN)",
		     SYS_mq_timedreceive, q, buf, 15, NULL, NULL);
	SYSCALL_CASE(-1, EAGAIN, "empty, O_NONBLOCK, deadline tv_sec LONG_MAX -> EAGAIN",
		     SYS_mq_timedreceive, q, buf, 16, NULL, &far);

	int p[2];
	if (pipe(p))
		bail("pipe");
	struct mq_attr a;
	SYSCALL_CASE(-1, EBADF, "mq_getsetattr on a pipe -> EBADF", SYS_mq_getsetattr, p[0], NULL, &a);
	SYSCALL_CASE(-1, EBADF, "mq_timedsend on a pipe -> EBADF", SYS_mq_timedsend, p[1], "x", 1, 0, NULL);
	SYSCALL_CASE(-1, EBADF, "mq_notify on a pipe -> EBADF", SYS_mq_notify, p[0], NULL);
	close(p[0]);
	close(p[1]);
	close(ro);
	close(wo);
	close(q);
	syscall(SYS_mq_unlink, Q);
}

/* 600 rounds of: create a 10 x 8192 queue, send, unlink, close. */
static void churn_cases(void)
{
	int i, fails = 0;

	for (i = 0; i < 600 && fails == 0; i++) {
		int q = (int)q_open(Q, O_CREAT | O_EXCL | O_RDWR, 10, 8192);
		if (q < 0 || mq_send(q, "churn", 5, 1) || syscall(SYS_mq_unlink, Q) || close(q))
			fails++;
	}
	if (!tap_ok(fails == 0, "600 rounds of create, send, unlink, close of a 10 x 8192 queue"))
		tap_diag("round %d failed: %s", i - 1, tap_errname(errno));

	/* Close first, unlink last: the queue lives until the unlink. */
	fails = 0;
	for (i = 0; i < 300 && fails == 0; i++) {
		int q = (int)q_open(Q, O_CREAT | O_EXCL | O_RDWR, 10, 8192);
		if (q < 0 || close(q) || syscall(SYS_mq_unlink, Q))
			fails++;
	}
	if (!tap_ok(fails == 0, "300 rounds of create, close, unlink"))
		tap_diag("round %d failed: %s", i - 1, tap_errname(errno));
}

int main(void)
{
	if (drop_capability(CAP_SYS_RESOURCE))
		bail("capset");
	open_cases();
	order_cases();
	churn_cases();
	return done_testing();
}

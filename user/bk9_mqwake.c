/* user/bk9_mqwake.c — POSIX message queues between processes that sleep:
 * who is woken, what happens to a sleeper that dies or is stopped, and
 * that a message is given to exactly one receiver. Ideas from LTP's
 * open_posix_testsuite mq_timedreceive/mq_timedsend "blocks until" cases,
 * written fresh. Each rule was first seen on Linux:
 *  - a receiver killed while it sleeps takes nothing: the next send's
 *    message stays queued for whoever comes next.
 *  - a receiver stopped (SIGSTOP) and continued (SIGCONT) while it sleeps
 *    goes on sleeping (the call restarts; no handler ran) and gets the
 *    message sent afterwards.
 *  - two sleeping receivers and two sends: each gets one, none twice.
 *  - a receiver with a deadline in the future that a send beats returns
 *    the message, not ETIMEDOUT.
 *  - a queue unlinked while a process sleeps on it still wakes it.
 *  - a sender sleeping on a full queue is woken by a receive in another
 *    process, and its message lands behind the ones already queued of
 *    the same priority.
 */
#define _GNU_SOURCE
#include <mqueue.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "child.h"
#include "clock.h"

#define QNAME "bk9_wake"

static int q;

static struct timespec in_ms(long ms)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += ms % 1000 * 1000000;
	t.tv_sec += ms / 1000 + t.tv_nsec / 1000000000;
	t.tv_nsec %= 1000000000;
	return t;
}

static long curmsgs(void)
{
	struct mq_attr a;

	return mq_getattr(q, &a) ? -1 : a.mq_curmsgs;
}

/* A fresh queue of maxmsg slots of 64 bytes. */
static void fresh(long maxmsg)
{
	struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = 64 };

	if (q > 0)
		close(q);
	mq_unlink(QNAME);
	q = mq_open(QNAME, O_CREAT | O_RDWR, 0600, &a);
	if (q < 0)
		bail("mq_open");
}

/* Receives one message; exits 0 if it is "m<tag>" where tag = arg. */
static int receive_tagged(void *arg)
{
	char buf[64];
	long n = mq_receive(q, buf, sizeof buf, NULL);
	return n == 2 && buf[0] == 'm' ? 10 + buf[1] - '0' : 1;
	(void)arg;
}

/* Receives with a deadline 3 s away: exit 0 if "early" came before it. */
static int receive_deadline(void *arg)
{
	char buf[64];
	struct timespec t = in_ms(3000);
	long n = mq_timedreceive(q, buf, sizeof buf, NULL, &t);
	(void)arg;
	return n == 5 && !memcmp(buf, "early", 5) ? 0 : n < 0 ? 2 : 1;
}

static int send_when_room(void *arg)
{
	(void)arg;
	return mq_send(q, "late", 4, 3) ? 1 : 0;
}

static void killed_waiter(void)
{
	char buf[64];

	fresh(4);
	pid_t pid = spawn(receive_tagged, NULL);
	sleep_ms(100);
	kill(pid, SIGKILL);
	tap_status(reap(pid), KILLED(SIGKILL), "a receiver killed while it sleeps");
	tap_ok(mq_send(q, "m1", 2, 0) == 0, "send after the sleeper died");
	tap_eq(curmsgs(), 1, "... the message stays queued (the dead took nothing)");
	long n = mq_receive(q, buf, sizeof buf, NULL);
	tap_ok(n == 2 && !memcmp(buf, "m1", 2), "... and the next receive gets it");
}

static void stopped_waiter(void)
{
	fresh(4);
	pid_t pid = spawn(receive_tagged, NULL);
	sleep_ms(100);
	kill(pid, SIGSTOP);
	int st = 0;
	tap_ok(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st),
	       "a sleeping receiver stopped by SIGSTOP");
	kill(pid, SIGCONT);
	tap_ok(waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st), "... and continued");
	sleep_ms(100);
	tap_ok(waitpid(pid, &st, WNOHANG) == 0, "... it has not returned: it sleeps again");
	tap_eq(curmsgs(), 0, "... with the queue still empty");
	mq_send(q, "m2", 2, 0);
	tap_status(reap(pid), EXITED(12), "... and the message sent afterwards wakes it");
}

static void two_waiters(void)
{
	fresh(4);
	pid_t a = spawn(receive_tagged, NULL);
	pid_t b = spawn(receive_tagged, NULL);
	sleep_ms(150);
	tap_ok(mq_send(q, "m3", 2, 0) == 0 && mq_send(q, "m4", 2, 0) == 0,
	       "two sends while two children sleep to receive");
	int sa = reap(a), sb = reap(b);
	tap_ok((sa == EXITED(13) && sb == EXITED(14)) || (sa == EXITED(14) && sb == EXITED(13)),
	       "... each child got one of the two messages");
	if (!(sa == EXITED(13) && sb == EXITED(14)))
		tap_diag("first child: %s, second: %s", status_name(sa), status_name(sb));
	tap_eq(curmsgs(), 0, "... and nothing is left");
}

static void deadline_beaten(void)
{
	fresh(4);
	pid_t pid = spawn(receive_deadline, NULL);
	sleep_ms(100);
	mq_send(q, "early", 5, 0);
	tap_status(reap(pid), EXITED(0), "a send before a receiver's deadline gives it the message");
}

static void unlinked_while_waiting(void)
{
	fresh(4);
	pid_t pid = spawn(receive_tagged, NULL);
	sleep_ms(100);
	tap_ok(mq_unlink(QNAME) == 0, "unlink the queue while a child sleeps on it");
	mqd_t again = mq_open(QNAME, O_RDWR);
	tap_ok(again == -1 && errno == ENOENT, "... the name is gone (ENOENT)");
	mq_send(q, "m5", 2, 0);
	tap_status(reap(pid), EXITED(15), "... a send through our descriptor still wakes it");
}

static void sender_waits(void)
{
	char buf[64];
	unsigned prio;

	fresh(2);
	mq_send(q, "a", 1, 3);
	mq_send(q, "b", 1, 3);
	pid_t pid = spawn(send_when_room, NULL);
	sleep_ms(100);
	tap_eq(curmsgs(), 2, "a child's send sleeps on the full queue");
	long n = mq_receive(q, buf, sizeof buf, &prio);
	tap_ok(n == 1 && buf[0] == 'a', "receive the first message");
	tap_status(reap(pid), EXITED(0), "... which wakes the child's send");
	n = mq_receive(q, buf, sizeof buf, &prio);
	tap_ok(n == 1 && buf[0] == 'b', "... the older message of the same priority comes first");
	n = mq_receive(q, buf, sizeof buf, &prio);
	tap_ok(n == 4 && !memcmp(buf, "late", 4) && prio == 3, "... then the child's");
}

int main(void)
{
	killed_waiter();
	stopped_waiter();
	two_waiters();
	deadline_beaten();
	unlinked_while_waiting();
	sender_waits();
	close(q);
	mq_unlink(QNAME);
	return done_testing();
}

/* user/bk9_mqpoll.c — waiting on a POSIX message queue without receiving:
 * poll and select on a queue descriptor, and mq_notify's registration as
 * the processes around it fork, close and sleep. Ideas from gVisor's mq
 * tests (poll on a queue) and LTP's mq_notify cases, written fresh. Each
 * rule was first seen on Linux:
 *  - poll: an empty queue is POLLOUT|POLLWRNORM, a full one
 *    POLLIN|POLLRDNORM, one in between both; a poll sleeping on an empty
 *    queue is woken by another process's send, and select agrees.
 *  - a child closing the descriptor it inherited does not end its
 *    parent's registration (Linux's flush ends only the closer's own).
 *  - a message handed straight to a sleeping receiver fires no
 *    notification: the registration stays for the next message.
 */
#define _GNU_SOURCE
#include <mqueue.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>

#include "child.h"
#include "clock.h"

#define QNAME "bk9_poll"
#define IN (POLLIN | POLLRDNORM)
#define OUT (POLLOUT | POLLWRNORM)

static int q;

static void fresh(long maxmsg)
{
	struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = 32 };

	if (q > 0)
		close(q);
	mq_unlink(QNAME);
	q = mq_open(QNAME, O_CREAT | O_RDWR, 0600, &a);
	if (q < 0)
		bail("mq_open");
}

static int revents(int timeout_ms)
{
	struct pollfd p = { .fd = q, .events = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM };
	int r = poll(&p, 1, timeout_ms);

	return r < 0 ? -1 : r == 0 ? 0 : p.revents;
}

static void revents_case(int got, int want, const char *name)
{
	if (!tap_ok(got == want, "%s -> %#x", name, want))
		tap_diag("got %#x%s%s", got, got == -1 ? ", " : "", got == -1 ? tap_errname(errno) : "");
}

static int send_later(void *arg)
{
	sleep_ms(150);
	return mq_send(q, arg, strlen(arg), 0) ? 1 : 0;
}

static void poll_cases(void)
{
	char buf[32];

	fresh(2);
	revents_case(revents(0), OUT, "poll an empty queue");
	mq_send(q, "a", 1, 0);
	revents_case(revents(0), IN | OUT, "poll a queue with one of two slots used");
	mq_send(q, "b", 1, 0);
	revents_case(revents(0), IN, "poll a full queue");
	mq_receive(q, buf, sizeof buf, NULL);
	mq_receive(q, buf, sizeof buf, NULL);

	struct pollfd p = { .fd = q, .events = POLLIN };
	pid_t pid = spawn(send_later, "w");
	int r = poll(&p, 1, 5000);
	tap_ok(r == 1 && p.revents == POLLIN, "poll(POLLIN) on an empty queue is woken by a child's send");
	tap_status(reap(pid), EXITED(0), "... the child sent");
	tap_ok(mq_receive(q, buf, sizeof buf, NULL) == 1 && buf[0] == 'w', "... and the message is there");

	fd_set rd;
	struct timeval tv = { 5, 0 };
	FD_ZERO(&rd);
	FD_SET(q, &rd);
	pid = spawn(send_later, "s");
	r = select(q + 1, &rd, NULL, NULL, &tv);
	tap_ok(r == 1 && FD_ISSET(q, &rd), "select for reading is woken by a child's send");
	reap(pid);
	mq_receive(q, buf, sizeof buf, NULL);

	fd_set wr;
	FD_ZERO(&wr);
	FD_SET(q, &wr);
	tv = (struct timeval){ 0, 0 };
	tap_ok(select(q + 1, NULL, &wr, NULL, &tv) == 1 && FD_ISSET(q, &wr),
	       "select for writing: an empty queue is ready");
	int wo = mq_open(QNAME, O_WRONLY);
	p = (struct pollfd){ .fd = wo, .events = POLLIN };
	tap_ok(poll(&p, 1, 0) == 0, "poll(POLLIN) on a write-only descriptor of an empty queue: nothing");
	close(wo);
}

static const char *status_line(void)
{
	static char buf[128];
	long n = pread(q, buf, sizeof buf - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static bool registered_to(pid_t pid)
{
	char want[32];

	snprintf(want, sizeof want, "NOTIFY_PID:%-6d", pid);
	return strstr(status_line(), want) != NULL;
}

static int close_inherited(void *arg)
{
	(void)arg;
	return close(q) ? 1 : 0;
}

static int send_one(void *arg)
{
	return mq_send(q, arg, 1, 0) ? 1 : 0;
}

static int receive_one(void *arg)
{
	char buf[32];
	(void)arg;
	return mq_receive(q, buf, sizeof buf, NULL) == 1 ? 0 : 1;
}

static bool usr1_pending(void)
{
	sigset_t s;

	sigpending(&s);
	return sigismember(&s, SIGUSR1);
}

/* Setting SIG_IGN discards a pending signal (POSIX): a way to take it
 * that needs no sigwait. */
static void take_usr1(void)
{
	signal(SIGUSR1, SIG_IGN);
	signal(SIGUSR1, SIG_DFL);
}

static void notify_cases(void)
{
	char buf[32];
	sigset_t s;
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };

	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	fresh(4);
	tap_ok(mq_notify(q, &ev) == 0, "register for SIGUSR1");
	child_case(close_inherited, NULL, EXITED(0), "a child closes its inherited descriptor");
	tap_ok(registered_to(getpid()), "... our registration stays");
	child_case(send_one, "x", EXITED(0), "a child sends into the empty queue");
	tap_ok(usr1_pending(), "... SIGUSR1 came to us");
	tap_ok(registered_to(0), "... and the registration is used up");
	take_usr1();
	mq_receive(q, buf, sizeof buf, NULL);

	tap_ok(mq_notify(q, &ev) == 0, "register again");
	pid_t pid = spawn(receive_one, NULL);
	sleep_ms(150);
	mq_send(q, "y", 1, 0);
	tap_status(reap(pid), EXITED(0), "a sleeping child receives the message we send");
	tap_ok(!usr1_pending(), "... no SIGUSR1: the queue never held it");
	tap_ok(registered_to(getpid()), "... our registration is still there");
	mq_send(q, "z", 1, 0);
	tap_ok(usr1_pending(), "the next message into the empty queue sends it");
	take_usr1();
	mq_receive(q, buf, sizeof buf, NULL);
}

int main(void)
{
	poll_cases();
	notify_cases();
	close(q);
	mq_unlink(QNAME);
	return done_testing();
}

/* user/mqdemo.c — POSIX message queues at work: a producer (the parent)
 * and a consumer (a child) share the queue "/mqdemo" through <mqueue.h>.
 *
 * The producer queues five messages of three priorities while the consumer
 * waits for a go-ahead on a pipe; the consumer then takes them in priority
 * order (urgent 30, normal 10, low 1), oldest first within a priority. Then
 * the queue is empty and the consumer sleeps in mq_receive until the
 * producer sends one more, and a "quit" of priority 0 ends it. Each side
 * prints what it sent or received; the consumer checks the order it saw
 * and the program exits 0 only if it was the one expected.
 */
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QNAME "/mqdemo"
#define MSGSIZE 64

static const struct { const char *text; unsigned prio; } batch[] = {
	{ "low: tidy the logs", 1 },
	{ "urgent: disk full", 30 },
	{ "normal: nightly report", 10 },
	{ "urgent: fan failed", 30 },
	{ "normal: backup done", 10 },
};

/* The order the consumer must see them in, the late message and "quit" last. */
static const char *expected[] = {
	"urgent: disk full", "urgent: fan failed", "normal: nightly report",
	"normal: backup done", "low: tidy the logs", "late: wake up", "quit",
};

static int consume(mqd_t q, int go)
{
	char buf[MSGSIZE + 1], c;
	unsigned prio;
	int bad = 0;

	if (read(go, &c, 1) != 1)
		return 2;
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		ssize_t n = mq_receive(q, buf, MSGSIZE, &prio);
		if (n < 0)
			return 3;
		buf[n] = '\0';
		printf("consumer: received \"%s\" (priority %u)\n", buf, prio);
		if (strcmp(buf, expected[i])) {
			printf("consumer: expected \"%s\"\n", expected[i]);
			bad = 1;
		}
	}
	return bad;
}

static int produce(mqd_t q, const char *text, unsigned prio)
{
	if (mq_send(q, text, strlen(text), prio))
		return -1;
	printf("producer: sent \"%s\" (priority %u)\n", text, prio);
	return 0;
}

int main(void)
{
	struct mq_attr attr = { .mq_maxmsg = 8, .mq_msgsize = MSGSIZE };
	struct timespec pause = { 0, 200 * 1000000 };
	int go[2], status, err = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	mq_unlink(QNAME);
	mqd_t q = mq_open(QNAME, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
	if (q == (mqd_t)-1 || pipe(go)) {
		perror("mqdemo: setup");
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0)
		_exit(consume(q, go[0]));
	for (size_t i = 0; i < sizeof(batch) / sizeof(batch[0]); i++)
		err |= produce(q, batch[i].text, batch[i].prio);
	printf("producer: %d messages queued; consumer, go\n", (int)(sizeof(batch) / sizeof(batch[0])));
	err |= write(go[1], "g", 1) != 1;
	nanosleep(&pause, NULL); /* the consumer drains the queue and waits */
	err |= produce(q, "late: wake up", 1); /* after "low" even if that is still queued */
	err |= produce(q, "quit", 0);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		err = 1;
	mq_close(q);
	mq_unlink(QNAME);
	printf("mqdemo: %s\n", err ? "FAILED" : "messages arrived in priority order");
	return err;
}

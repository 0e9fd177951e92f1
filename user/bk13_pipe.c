/* user/bk13_pipe.c — pipes under wake-ups: signals into blocked reads and
 * writes, closes while others sleep, many writers, poll, and the timers
 * that wake sleepers (setitimer, alarm, nanosleep).
 *
 * Linux's rules matched: a blocked pipe read or write interrupted by a
 * handler without SA_RESTART fails EINTR if nothing moved, else returns
 * the bytes moved; with SA_RESTART the call resumes. Writes of at most
 * PIPE_BUF (4096) bytes never interleave. Last writer closing wakes
 * readers with 0; last reader closing makes writers fail EPIPE (SIGPIPE).
 * Sleeps never end early by CLOCK_MONOTONIC.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "child.h"
#include "bk13.h"

static volatile int hits;
static void on_sig(int s) { (void)s; hits++; }

static void handle(int sig, int flags)
{
	struct sigaction sa = { .sa_handler = on_sig, .sa_flags = flags };

	sigaction(sig, &sa, NULL);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void arm_ms(int ms)
{
	struct itimerval it = { .it_value = { ms / 1000, ms % 1000 * 1000 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static void interrupts(void)
{
	int p[2];
	char buf[PG * 32];

	pipe(p);
	handle(SIGALRM, 0);
	arm_ms(50);
	double t0 = now();
	TRY(read(p[0], buf, 10), -1, EINTR, "blocked read, no SA_RESTART: EINTR");
	tap_ok(now() - t0 >= 0.049, "itimer did not fire early (%.3f s)", now() - t0);
	alarm(1);
	t0 = now();
	TRY(read(p[0], buf, 10), -1, EINTR, "alarm() into blocked read: EINTR");
	tap_ok(now() - t0 >= 0.5, "alarm waited about a second (%.3f s)", now() - t0);
	/* A full write: 64 KiB fit, then it blocks; the signal returns the count. */
	memset(buf, 'w', sizeof buf);
	arm_ms(50);
	TRY(write(p[1], buf, sizeof buf), 65536, 0, "blocked write returns bytes moved");
	arm_ms(50);
	TRY(write(p[1], buf, 1), -1, EINTR, "write into full pipe: EINTR");
	handle(SIGALRM, SA_RESTART);
	pid_t pid = fork();
	if (pid == 0) {
		usleep(150000);
		read_full(p[0], buf, 65536);
		_exit(0);
	}
	arm_ms(30);
	hits = 0;
	TRY(write(p[1], buf, 100), 100, 0, "SA_RESTART: write resumes after handler");
	tap_eq(hits, 1, "handler ran once");
	reap(pid);
	hits = 0;
	arm_ms(30);
	pid = fork();
	if (pid == 0) {
		usleep(150000);
		write(p[1], "xyz", 3);
		_exit(0);
	}
	TRY(read(p[0], buf, 200), 100, 0, "SA_RESTART read: the 100 left");
	TRY(read(p[0], buf, 10), 3, 0, "SA_RESTART: read resumes and gets data");
	tap_eq(hits, 1, "read's handler ran once");
	reap(pid);
	close(p[0]), close(p[1]);
}

static int sleeping_reader(void *a)
{
	int *p = a;
	char c;

	close(p[1]);
	return read(p[0], &c, 1) == 0 ? 0 : 1;
}

static int sleeping_writer(void *a)
{
	int *p = a;
	static char big[70000];

	signal(SIGPIPE, SIG_IGN);
	close(p[0]);
	long n = write(p[1], big, sizeof big);
	return n == 65536 ? 0 : n == -1 && errno == EPIPE ? 2 : 3;
}

static void closes(void)
{
	int p[2];
	pid_t k[4];

	pipe(p);
	for (int i = 0; i < 4; i++)
		k[i] = spawn(sleeping_reader, p);
	usleep(100000);
	close(p[1]);
	for (int i = 0; i < 4; i++)
		tap_status(reap(k[i]), 0, "reader %d woken with EOF by last close", i);
	close(p[0]);
	pipe(p);
	for (int i = 0; i < 3; i++)
		k[i] = spawn(sleeping_writer, p);
	usleep(100000);
	close(p[0]);
	int sum = 0;
	for (int i = 0; i < 3; i++) {
		int st = reap(k[i]);
		sum += WIFEXITED(st) ? WEXITSTATUS(st) : 100;
	}
	/* One writer filled the pipe and was cut short with 65536 or EPIPE;
	 * the others got EPIPE. None may sleep on or succeed fully. */
	tap_ok(sum >= 4 && sum <= 6, "writers woken by last reader's close (sum %d)", sum);
	close(p[1]);
	pipe(p);
	close(p[0]);
	pid_t c = fork();
	if (c == 0)
		_exit(write(p[1], "x", 1) == -1 ? 9 : 8);
	int st = reap(c);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "write with no reader: SIGPIPE");
	close(p[1]);
}

#define RECS 300
#define WRITERS 6

static void *thr_writer(void *a)
{
	int fd = (int)(long)a >> 8, id = (int)(long)a & 0xff;
	char rec[4096];

	for (int i = 0; i < RECS; i++) {
		memset(rec, 'A' + id, sizeof rec);
		rec[0] = (char)i;
		if (write(fd, rec, sizeof rec) != sizeof rec)
			return (void *)1;
	}
	return NULL;
}

static void many(void)
{
	int p[2];
	pthread_t t[WRITERS / 2];
	pid_t k[WRITERS / 2];
	int seen[WRITERS] = { 0 }, torn = 0;
	char rec[4096];

	pipe(p);
	for (int i = 0; i < WRITERS / 2; i++) {
		pthread_create(&t[i], NULL, thr_writer, (void *)(long)(p[1] << 8 | i));
		k[i] = fork();
		if (k[i] == 0)
			_exit(thr_writer((void *)(long)(p[1] << 8 | (i + WRITERS / 2))) != NULL);
	}
	for (int n = 0; n < RECS * WRITERS; n++) {
		if (read_full(p[0], rec, sizeof rec) != sizeof rec) {
			torn = -1;
			break;
		}
		int id = rec[1] - 'A';
		if (id < 0 || id >= WRITERS || (char)seen[id] != rec[0] ||
		    memchr(rec + 1, 'A' + id, 4095) == NULL)
			torn++;
		for (int j = 1; j < 4096 && id >= 0 && id < WRITERS; j++)
			if (rec[j] != 'A' + id) { torn++; break; }
		if (id >= 0 && id < WRITERS)
			seen[id]++;
	}
	tap_eq(torn, 0, "%d writers x %d PIPE_BUF records: none torn or out of order", WRITERS, RECS);
	for (int i = 0; i < WRITERS / 2; i++) {
		pthread_join(t[i], NULL);
		tap_status(reap(k[i]), 0, "writer process %d", i);
	}
	struct pollfd pf = { p[0], POLLIN, 0 };
	TRY(poll(&pf, 1, 0), 0, 0, "drained pipe: poll says nothing");
	pid_t c = fork();
	if (c == 0) {
		usleep(50000);
		write(p[1], "z", 1);
		_exit(0);
	}
	TRY(poll(&pf, 1, 5000), 1, 0, "poll woken by another's write");
	tap_eq(pf.revents, POLLIN, "revents POLLIN");
	read(p[0], rec, 1);
	reap(c);
	c = fork();
	if (c == 0) {
		close(p[1]);
		_exit(0);
	}
	reap(c);
	close(p[1]);
	pf.revents = 0;
	TRY(poll(&pf, 1, 1000), 1, 0, "poll after last writer closed");
	tap_eq(pf.revents, POLLHUP, "revents POLLHUP");
	close(p[0]);
}

static void nonblock(void)
{
	int p[2];
	static char buf[70000];

	pipe2(p, O_NONBLOCK);
	TRY(read(p[0], buf, 1), -1, EAGAIN, "nonblocking read of empty pipe");
	TRY(write(p[1], buf, 65536), 65536, 0, "fill 64 KiB");
	TRY(write(p[1], buf, 1), -1, EAGAIN, "full: EAGAIN");
	struct pollfd pf = { p[1], POLLOUT, 0 };
	TRY(poll(&pf, 1, 0), 0, 0, "full pipe not writable");
	TRY(read(p[0], buf, 4096), 4096, 0, "read one page");
	TRY(poll(&pf, 1, 0), 1, 0, "PIPE_BUF free: writable");
	TRY(write(p[1], buf, 5000), 4096, 0, "larger write: partial");
	TRY(write(p[1], buf, 10), -1, EAGAIN, "full again: EAGAIN");
	close(p[0]), close(p[1]);
}

static void sleeps(void)
{
	struct timespec req = { 0, 50 * 1000000 };
	double worst = 0;

	for (int i = 0; i < 5; i++) {
		double t0 = now();
		nanosleep(&req, NULL);
		double d = now() - t0;
		if (i == 0 || d < worst)
			worst = d;
	}
	tap_ok(worst >= 0.050, "nanosleep 50ms never short (shortest %.4f)", worst);
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	handle(SIGALRM, SA_RESTART);
	hits = 0;
	double t0 = now();
	setitimer(ITIMER_REAL, &it, NULL);
	while (hits < 5)
		pause();
	double d = now() - t0;
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
	tap_ok(d >= 0.099 && d < 2.0, "5 periods of 20ms took %.4f s", d);
	struct itimerval cur;
	getitimer(ITIMER_REAL, &cur);
	tap_ok(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0, "disarmed");
}

int main(void)
{
	interrupts();
	closes();
	many();
	nonblock();
	sleeps();
	return done_testing();
}

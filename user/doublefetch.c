/* user/doublefetch.c — the kernel reads a user struct once: a syscall copies
 * the struct (an iovec array, a pollfd array) into kernel memory when it
 * starts, validates the copy, and works on the copy only, however long it
 * sleeps. Another thread changes the struct while the call sleeps; the
 * answer must be the one for the struct as it was when the call was made,
 * the new values neither used nor able to turn a validated access into an
 * unvalidated one (a base that became a kernel address, a length that grew).
 *
 * The timed cases sleep in the kernel on purpose (an empty pipe, a full
 * one) so that the change lands between the fetch and the use on a one-CPU
 * kernel too; the flip loop then changes an iovec as fast as it can while
 * writev runs, where more than one CPU runs both at once (the host), and
 * every answer must be that of one of the states the iovec passes through.
 * The rule: docs/uaccess.md, "Read once". */
#include "tap.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define KERNEL_ADDR ((void *)0xffffffff80000000ul)
#define SMALL 8
#define BIG 64
#define FLIPS 20000

static int pipefd[2];
static struct iovec iov;
static char buf1[SMALL + BIG], buf2[BIG];
static struct pollfd pfd;
static int other[2]; /* a pipe whose write end is always writable */

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000 };
	nanosleep(&ts, NULL);
}

/* While the main thread sleeps in readv on the empty pipe: point its iovec
 * at another buffer, longer, then give it data. */
static void *move_iov_then_write(void *base)
{
	char data[BIG];
	pause_ms(100);
	iov.iov_base = base;
	iov.iov_len = BIG;
	memset(data, 'd', sizeof(data));
	if (write(pipefd[1], data, sizeof(data)) != sizeof(data))
		tap_diag("write: %s", strerror(errno));
	return NULL;
}

static bool untouched(const char *p, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return false;
	return true;
}

static void drain(void)
{
	char junk[BIG];
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	while (read(pipefd[0], junk, sizeof(junk)) > 0)
		;
	fcntl(pipefd[0], F_SETFL, 0);
}

/* readv with {buf1, SMALL}: SMALL bytes in buf1, nothing past them, and
 * nothing at the base the iovec has when the data comes. */
static void readv_case(void *moved_to, const char *what)
{
	pthread_t t;
	memset(buf1, '.', sizeof(buf1));
	memset(buf2, '.', sizeof(buf2));
	iov = (struct iovec){ buf1, SMALL };
	pthread_create(&t, NULL, move_iov_then_write, moved_to);
	ssize_t n = readv(pipefd[0], &iov, 1);
	pthread_join(t, NULL);
	tap_ok(n == SMALL && untouched(buf1, SMALL, 'd') && untouched(buf1 + SMALL, BIG, '.') &&
		       untouched(buf2, BIG, '.'),
	       "readv asleep while its iovec moves to %s: %zd bytes, where the iovec said at the call",
	       what, n);
	drain();
}

/* While the main thread sleeps in poll on the empty pipe's read end: point
 * its pollfd at a descriptor that is ready for writing, then make the
 * first one readable. */
static void *move_pollfd_then_write(void *unused)
{
	(void)unused;
	pause_ms(100);
	pfd = (struct pollfd){ other[1], POLLOUT, 0 };
	if (write(pipefd[1], "x", 1) != 1)
		tap_diag("write: %s", strerror(errno));
	return NULL;
}

static void poll_case(void)
{
	pthread_t t;
	pfd = (struct pollfd){ pipefd[0], POLLIN, 0 };
	pthread_create(&t, NULL, move_pollfd_then_write, NULL);
	int n = poll(&pfd, 1, 5000);
	pthread_join(t, NULL);
	tap_ok(n == 1 && pfd.revents == POLLIN,
	       "poll asleep while its pollfd changes: the pipe's POLLIN, as asked at the call "
	       "(got %d, revents %#x)", n, pfd.revents);
	drain();
}

static atomic_bool flipping;

/* The iovec's four states: a good base or a kernel one, a short length or
 * one no call accepts. */
static void *flip(void *unused)
{
	(void)unused;
	for (unsigned i = 0; atomic_load(&flipping); i++) {
		iov.iov_base = i & 1 ? KERNEL_ADDR : buf1;
		iov.iov_len = i & 2 ? (size_t)-1 : SMALL;
	}
	return NULL;
}

/* writev to /dev/null of the flipping iovec: SMALL (a good state), EFAULT
 * (a kernel base with a short length) or EINVAL (a length over SSIZE_MAX),
 * nothing else, and the kernel alive. */
static void flip_case(void)
{
	int fd = open("/dev/null", O_WRONLY);
	pthread_t t;
	int bad = 0, seen[3] = { 0 };
	iov = (struct iovec){ buf1, SMALL };
	atomic_store(&flipping, true);
	pthread_create(&t, NULL, flip, NULL);
	for (int i = 0; i < FLIPS; i++) {
		ssize_t n = writev(fd, &iov, 1);
		if (n == SMALL)
			seen[0]++;
		else if (n < 0 && errno == EFAULT)
			seen[1]++;
		else if (n < 0 && errno == EINVAL)
			seen[2]++;
		else if (bad++ == 0)
			tap_diag("writev gave %zd (%s)", n, n < 0 ? strerror(errno) : "bytes");
	}
	atomic_store(&flipping, false);
	pthread_join(t, NULL);
	close(fd);
	tap_diag("%d calls: %d wrote %d bytes, %d EFAULT, %d EINVAL", FLIPS, seen[0], SMALL,
		 seen[1], seen[2]);
	tap_ok(bad == 0, "writev while another thread flips its iovec: every answer is one "
			 "state's (%d others)", bad);
}

int main(void)
{
	if (pipe(pipefd) || pipe(other)) {
		perror("pipe");
		return 1;
	}
	readv_case(buf2, "another buffer");
	readv_case(KERNEL_ADDR, "a kernel address");
	poll_case();
	flip_case();
	printf("1..%d\n", tap_count);
	return tap_failed != 0;
}

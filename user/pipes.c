/* user/pipes.c — pipes between processes: data arrives whole and in order,
 * a full pipe blocks its writer until the reader drains it, the reader sees
 * EOF once every write end is closed, and writing with no reader left is
 * EPIPE plus SIGPIPE.
 *
 * Linux's pipe holds 16 pages (65536 bytes) by default; that number is
 * asserted because faultline follows Linux. Ordering between the two
 * sides is done with blocking pipe reads, never with sleeps. The bad-pointer
 * matrix for pipe/pipe2 lives in badptr2.c; here only NULL is tried.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>

#include "child.h"

#define CAPACITY 65536
#define BULK (4UL << 20)

static void make_pipe(int fds[2], int flags)
{
	if (pipe2(fds, flags))
		bail("pipe2");
}

static void close2(int fds[2]) { close(fds[0]), close(fds[1]); }

/* ---- ping-pong ------------------------------------------------------------ */

#define ROUNDS 100

static int p2c[2], c2p[2];

/* Returns every number it is sent plus one, until EOF. */
static int echo_plus_one(void *unused)
{
	unsigned n;

	(void)unused;
	close(p2c[1]), close(c2p[0]);
	while (read_full(p2c[0], &n, sizeof n) == sizeof n) {
		n++;
		if (write_full(c2p[1], &n, sizeof n) < 0)
			return 1;
	}
	return 0;
}

static void ping_pong(void)
{
	int good = 0;

	make_pipe(p2c, 0), make_pipe(c2p, 0);
	pid_t pid = spawn(echo_plus_one, NULL);
	close(p2c[0]), close(c2p[1]);
	for (unsigned i = 0; i < ROUNDS; i++) {
		unsigned n = i * 7;

		if (write_full(p2c[1], &n, sizeof n) < 0 || read_full(c2p[0], &n, sizeof n) != sizeof n)
			break;
		good += n == i * 7 + 1;
	}
	tap_eq(good, ROUNDS, "%d ping-pong round trips between parent and child", ROUNDS);
	close(p2c[1]); /* the child's EOF */
	tap_status(reap(pid), EXITED(0), "ping-pong child exits at EOF");
	close(c2p[0]);
}

/* ---- a 4 MiB stream --------------------------------------------------------- */

/* The stream's bytes: an LCG, so both sides can produce it independently. */
static uint32_t stream_next(uint32_t *s)
{
	*s = *s * 1103515245 + 12345;
	return *s >> 16;
}

static uint32_t fnv1a(uint32_t h, const unsigned char *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 16777619;
	return h;
}

static uint32_t expected_sum(void)
{
	uint32_t s = 1, h = 2166136261u;

	for (size_t i = 0; i < BULK; i++) {
		unsigned char b = stream_next(&s);
		h = fnv1a(h, &b, 1);
	}
	return h;
}

/* Writes the stream in chunks of odd, growing sizes (1 byte to > 64 KiB),
 * so that writes straddle every page boundary of the pipe. */
static int bulk_writer(void *fds_)
{
	int *fds = fds_;
	static unsigned char chunk[CAPACITY + 4096];
	uint32_t s = 1;
	size_t sent = 0;

	close(fds[0]);
	for (size_t n = 1; sent < BULK; n = n * 3 % sizeof chunk + 1) {
		if (n > BULK - sent)
			n = BULK - sent;
		for (size_t i = 0; i < n; i++)
			chunk[i] = stream_next(&s);
		if (write_full(fds[1], chunk, n) < 0)
			return 1;
		sent += n;
	}
	return 0;
}

static void bulk(void)
{
	static unsigned char buf[3000]; /* not a divisor of anything the writer uses */
	int fds[2];
	size_t total = 0;
	uint32_t h = 2166136261u;
	long r;

	make_pipe(fds, 0);
	pid_t pid = spawn(bulk_writer, fds);
	close(fds[1]);
	while ((r = read(fds[0], buf, sizeof buf)) > 0) {
		h = fnv1a(h, buf, r);
		total += r;
	}
	tap_eq(total, BULK, "4 MiB through a pipe: every byte arrives, then EOF");
	tap_eq(h, expected_sum(), "4 MiB through a pipe: checksum matches");
	tap_status(reap(pid), EXITED(0), "4 MiB writer exits normally");
	close(fds[0]);
}

/* ---- a full pipe ------------------------------------------------------------ */

/* Writes (or reads) an O_NONBLOCK pipe a page at a time until EAGAIN: the
 * bytes moved, or -1 if it stopped any other way. */
static long until_eagain(int fd, bool writing)
{
	static char page[4096];
	long total = 0, r;

	while ((r = writing ? write(fd, page, sizeof page) : read(fd, page, sizeof page)) > 0)
		total += r;
	return r == -1 && errno == EAGAIN ? total : -1;
}

static int status_fds[2];

/* A blocking write bigger than the pipe; reports what write returned. */
static int big_writer(void *fds_)
{
	int *fds = fds_;
	static const char buf[CAPACITY + 4096];
	long r;

	close(fds[0]), close(status_fds[0]);
	r = write(fds[1], buf, sizeof buf);
	return write(status_fds[1], &r, sizeof r) == sizeof r ? 0 : 1;
}

static void full_pipe(void)
{
	static char buf[CAPACITY + 4096];
	int fds[2];
	long r;

	make_pipe(fds, O_NONBLOCK);
	tap_eq(until_eagain(fds[1], true), CAPACITY, "O_NONBLOCK writes fill the pipe with %d bytes, then EAGAIN",
	       CAPACITY);
	errno = 0;
	r = write(fds[1], "x", 1);
	tap_syscall(r, errno, -1, EAGAIN, NULL, "1-byte write to the full pipe -> EAGAIN");
	r = read(fds[0], buf, 4096);
	tap_eq(r, 4096, "reader drains one page");
	r = write(fds[1], buf, 4096);
	tap_eq(r, 4096, "a page fits again after the drain");
	tap_eq(until_eagain(fds[0], false), CAPACITY,
	       "reader then drains exactly the capacity, then EAGAIN");
	close2(fds);

	/* A blocking writer of capacity + 4096 cannot finish before the reader
	 * takes something out; then it must finish whole (no short write). */
	make_pipe(fds, 0);
	make_pipe(status_fds, O_NONBLOCK);
	pid_t pid = spawn(big_writer, fds);
	close(fds[1]), close(status_fds[1]);
	long written = 0;
	errno = 0;
	r = read(status_fds[0], &written, sizeof written);
	tap_syscall(r, errno, -1, EAGAIN, NULL,
		    "a writer of %d bytes into a %d-byte pipe has not returned", CAPACITY + 4096,
		    CAPACITY);
	tap_eq(read_full(fds[0], buf, sizeof buf), CAPACITY + 4096,
	       "the reader drains it all, then sees EOF");
	fcntl(status_fds[0], F_SETFL, 0);
	tap_ok(read(status_fds[0], &written, sizeof written) == sizeof written &&
	       written == CAPACITY + 4096,
	       "the blocked write resumed and returned the full count");
	tap_status(reap(pid), EXITED(0), "blocked writer exits normally");
	close2(fds), close(status_fds[0]);
}

/* ---- EOF, EPIPE, SIGPIPE ------------------------------------------------------ */

static int write_one_then_exit(void *fds_)
{
	int *fds = fds_;

	close(fds[0]);
	return write(fds[1], "c", 1) == 1 ? 0 : 1;
}

static void eof(void)
{
	int fds[2], dup_w;
	char c[2];

	make_pipe(fds, 0);
	dup_w = dup(fds[1]);
	close(fds[1]);
	tap_eq(write(dup_w, "d", 1), 1, "a dup of the write end still writes");
	tap_eq(read(fds[0], c, 2), 1, "... and the reader gets the byte");
	pid_t pid = spawn(write_one_then_exit, (int[]){ fds[0], dup_w });
	close(dup_w); /* now only the child holds a write end */
	tap_ok(read(fds[0], c, 2) == 1 && c[0] == 'c', "the child's byte arrives");
	tap_eq(read(fds[0], c, 2), 0, "read -> 0 (EOF) once the last writer, the child, is gone");
	tap_status(reap(pid), EXITED(0), "that writer exits normally");
	close(fds[0]);
}

/* Writes to a pipe whose only read end it has closed; exits with the errno. */
static int write_no_reader(void *ignore)
{
	int fds[2];

	if (ignore && signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return 100;
	if (pipe(fds))
		return 101;
	close(fds[0]);
	return write(fds[1], "x", 1) == -1 ? errno : 102;
}

static void no_reader(void)
{
	/* SIGPIPE's default action ends the process before write returns. */
	child_case(write_no_reader, NULL, KILLED(SIGPIPE),
		   "write to a pipe without readers, default SIGPIPE action");
	/* Ignored, the signal is discarded and write fails with EPIPE; in a
	 * child, in case the kernel kills anyway. */
	child_case(write_no_reader, (void *)1, EXITED(EPIPE),
		   "write to a pipe without readers, SIGPIPE ignored: exits with errno EPIPE");
}

/* ---- pipe2 flags, ends, bad pointer ------------------------------------------ */

static void flags_and_ends(void)
{
	int fds[2], lowest = lowest_free_fd();
	long r;

	make_pipe(fds, 0);
	tap_ok(fds[0] == lowest && fds[1] == lowest + 1, "pipe takes the two lowest free fds");
	tap_eq(fcntl(fds[0], F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDONLY, "read end is O_RDONLY");
	tap_eq(fcntl(fds[1], F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_WRONLY, "write end is O_WRONLY");
	tap_ok(fcntl(fds[0], F_GETFD) == 0 && fcntl(fds[1], F_GETFD) == 0,
	       "plain pipe: neither end close-on-exec");
	errno = 0;
	r = write(fds[0], "x", 1);
	tap_syscall(r, errno, -1, EBADF, NULL, "write to the read end -> EBADF");
	r = read(fds[1], &r, 1);
	tap_syscall(r, errno, -1, EBADF, NULL, "read from the write end -> EBADF");
	r = lseek(fds[0], 0, SEEK_SET);
	tap_syscall(r, errno, -1, ESPIPE, NULL, "lseek on a pipe -> ESPIPE");
	close2(fds);

	make_pipe(fds, O_NONBLOCK | O_CLOEXEC);
	for (int i = 0; i < 2; i++) {
		const char *end = i ? "write end" : "read end";

		tap_ok(fcntl(fds[i], F_GETFL) & O_NONBLOCK, "pipe2(O_NONBLOCK|O_CLOEXEC): %s O_NONBLOCK", end);
		tap_eq(fcntl(fds[i], F_GETFD), FD_CLOEXEC, "pipe2(O_NONBLOCK|O_CLOEXEC): %s FD_CLOEXEC", end);
	}
	close2(fds);

	errno = 0;
	r = syscall(SYS_pipe2, fds, O_RDWR);
	tap_syscall(r, errno, -1, EINVAL, NULL, "pipe2 with a flag other than NONBLOCK/CLOEXEC/DIRECT -> EINVAL");
	r = syscall(SYS_pipe, NULL);
	tap_syscall(r, errno, -1, EFAULT, NULL, "pipe(NULL) -> EFAULT");
	tap_eq(lowest_free_fd(), lowest, "... and no descriptor leaked");
}

int main(void)
{
	ping_pong();
	bulk();
	full_pipe();
	eof();
	no_reader();
	flags_and_ends();
	return done_testing();
}

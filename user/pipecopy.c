/* user/pipecopy.c — what a pipe keeps when a copy faults, and how its
 * pages fill: the rules of Linux's fs/pipe.c, each found by running it.
 *
 * A Linux pipe is a ring of 16 buffers of one page each. A write whose
 * length is not a whole number of pages first appends its remainder
 * (length % 4096 bytes, the *first* ones) to the last buffer if that has
 * room ("merge"); the rest goes into fresh pages, 4096 bytes each. A piece
 * whose copy faults is dropped whole: the call returns the bytes of the
 * pieces before it, or EFAULT; the fresh page whose copy faulted takes no
 * slot (poll shows no data). A read copies buffer by buffer and consumes a
 * buffer (or the part of it that was asked for) only when that copy was
 * complete.
 *
 * Every pipe here but the last one is O_NONBLOCK, so a case that would wait
 * is EAGAIN and the contents are read back with drain(); the last has three
 * blocking writers, whose page-sized writes must each arrive whole. `edge` is the first byte of a
 * PROT_NONE page, with three good pages before it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "child.h"

#define PAGE 4096
#define SLOTS 16

static char *edge;
static char pattern[8 * PAGE]; /* what good writes send: byte i is (i * 7 + 1) */
static char out[20 * PAGE];    /* what drain() read */
static int fds[2];

static long got;
static int got_err;
#define RUN(expr) (errno = 0, got = (expr), got_err = errno)

static void fresh_pipe(void)
{
	if (pipe2(fds, O_NONBLOCK))
		bail("pipe2");
}

static void close_pipe(void) { close(fds[0]), close(fds[1]); }

static long wr(const void *buf, size_t n) { return syscall(SYS_write, fds[1], buf, n); }
static long rd(void *buf, size_t n) { return syscall(SYS_read, fds[0], buf, n); }

/* Reads the pipe until EAGAIN; the bytes read, into out. */
static long drain(void)
{
	long total = 0, r;

	while ((r = read(fds[0], out + total, sizeof out - total)) > 0)
		total += r;
	return r == -1 && errno == EAGAIN ? total : -1;
}

/* Writes `chunk`-byte pieces of zeros until EAGAIN: the bytes that fit. */
static long fill(size_t chunk)
{
	static const char zeros[2 * PAGE];
	long total = 0, r;

	while ((r = write(fds[1], zeros, chunk)) > 0)
		total += r;
	return r == -1 && errno == EAGAIN ? total : -1;
}

/* The pipe holds exactly `want` bytes, the first `head` of them `text`. */
static void holds(long want, const char *text, size_t head, const char *what)
{
	long n = drain();

	tap_eq(n, want, "%s: the pipe then holds %ld bytes", what, want);
	if (text && n == want)
		tap_ok(!memcmp(out, text, head), "%s: ... the right ones", what);
}

static void syscall_case(long want, int want_err, const char *what)
{
	char result[24];

	snprintf(result, sizeof result, "%ld", want);
	tap_syscall(got, got_err, want, want_err, NULL, "%s -> %s", what,
		    want == -1 ? tap_errname(want_err) : result);
}

/* ---- write -------------------------------------------------------------- */

static void write_faults(void)
{
	fresh_pipe();
	RUN(wr(edge - 1, 10));
	syscall_case(-1, EFAULT, "write(edge-1, 10), empty pipe");
	holds(0, NULL, 0, "write(edge-1, 10)");
	close_pipe();

	/* The first page is whole, the second faults: only the first counts. */
	fresh_pipe();
	RUN(wr(edge - PAGE - 100, PAGE + 200));
	syscall_case(PAGE, 0, "write(edge-4196, 4296), empty pipe");
	holds(PAGE, edge - PAGE - 100, PAGE, "write(edge-4196, 4296)");
	close_pipe();

	/* The remainder (10) merges into "hello" and faults: nothing more. */
	fresh_pipe();
	write(fds[1], "hello", 5);
	RUN(wr(edge - 1, 10));
	syscall_case(-1, EFAULT, "write(edge-1, 10) after \"hello\"");
	holds(5, "hello", 5, "write(edge-1, 10) after \"hello\"");
	close_pipe();

	/* The remainder (200) merges whole; the next page faults. */
	fresh_pipe();
	write(fds[1], "hello", 5);
	memcpy(edge - PAGE - 100, pattern, PAGE + 100);
	RUN(wr(edge - PAGE - 100, PAGE + 200));
	syscall_case(200, 0, "write(edge-4196, 4296) after \"hello\": the merged 200 bytes");
	holds(205, NULL, 0, "write(edge-4196, 4296) after \"hello\"");
	tap_ok(!memcmp(out, "hello", 5) && !memcmp(out + 5, pattern, 200),
	       "... \"hello\" and the first 200 bytes of the write");
	close_pipe();

	/* Pages of a long write that were copied whole stay. */
	fresh_pipe();
	RUN(wr(edge - 3 * PAGE, 3 * PAGE + 1));
	syscall_case(3 * PAGE, 0, "write(edge-12288, 12289), empty pipe: three pages");
	holds(3 * PAGE, NULL, 0, "write(edge-12288, 12289)");
	close_pipe();

	/* A bad pointer with length 0 is not touched. */
	fresh_pipe();
	RUN(wr(edge, 0));
	syscall_case(0, 0, "write(edge, 0)");
	close_pipe();
}

static void writev_faults(void)
{
	struct iovec four[4] = {
		{ pattern, 64 }, { edge, 64 }, { pattern + 64, 64 }, { pattern + 128, 64 },
	};
	struct iovec page_then_bad[2] = { { pattern, PAGE }, { edge, 64 } };
	struct iovec empty_bad[3] = { { pattern, 10 }, { edge, 0 }, { pattern + 10, 10 } };

	fresh_pipe();
	RUN(syscall(SYS_writev, fds[1], four, 4));
	syscall_case(-1, EFAULT, "writev {good 64, PROT_NONE 64, good 64, good 64}");
	holds(0, NULL, 0, "writev {good 64, PROT_NONE 64, good 64, good 64}");
	close_pipe();

	fresh_pipe();
	RUN(syscall(SYS_writev, fds[1], page_then_bad, 2));
	syscall_case(PAGE, 0, "writev {good 4096, PROT_NONE 64}");
	holds(PAGE, pattern, PAGE, "writev {good 4096, PROT_NONE 64}");
	close_pipe();

	fresh_pipe();
	RUN(syscall(SYS_writev, fds[1], empty_bad, 3));
	syscall_case(20, 0, "writev {good 10, PROT_NONE 0, good 10}");
	holds(20, pattern, 20, "writev {good 10, PROT_NONE 0, good 10}");
	close_pipe();
}

/* ---- read --------------------------------------------------------------- */

static void read_faults(void)
{
	struct iovec two[2] = { { out + 16 * PAGE, 10 }, { edge, 10 } };

	fresh_pipe();
	write(fds[1], "hello world", 11);
	edge[-1] = 0;
	RUN(rd(edge - 1, 10));
	syscall_case(-1, EFAULT, "read(edge-1, 10) of \"hello world\"");
	tap_eq(edge[-1], 'h', "... the byte before the edge was written");
	holds(11, "hello world", 11, "read(edge-1, 10) of \"hello world\"");
	close_pipe();

	/* Buffers [4096][100]: the first is copied out, the second faults. */
	fresh_pipe();
	write(fds[1], pattern, PAGE);
	write(fds[1], pattern + PAGE, 100);
	RUN(rd(edge - PAGE - 50, PAGE + 100));
	syscall_case(PAGE, 0, "read(edge-4146, 4196) of [4096][100]");
	holds(100, pattern + PAGE, 100, "read(edge-4146, 4196) of [4096][100]");
	close_pipe();

	/* Part of a buffer is consumed when that part was copied whole. */
	fresh_pipe();
	write(fds[1], pattern, PAGE);
	RUN(rd(edge - 10, 10));
	syscall_case(10, 0, "read(edge-10, 10) of [4096]");
	RUN(rd(edge - 10, 20));
	syscall_case(-1, EFAULT, "then read(edge-10, 20)");
	holds(PAGE - 10, pattern + 10, PAGE - 10, "read(edge-10, 20) of [4086]");
	close_pipe();

	/* [5][100]: readv {good 10, PROT_NONE 10} takes the 5, faults in the 100. */
	fresh_pipe();
	write(fds[1], pattern, PAGE);
	write(fds[1], pattern + PAGE, 100);
	read(fds[0], out, PAGE - 5);
	RUN(syscall(SYS_readv, fds[0], two, 2));
	syscall_case(5, 0, "readv {good 10, PROT_NONE 10} of [5][100]");
	holds(100, pattern + PAGE, 100, "readv {good 10, PROT_NONE 10} of [5][100]");
	close_pipe();

	fresh_pipe();
	write(fds[1], pattern, 100);
	RUN(syscall(SYS_readv, fds[0], two, 2));
	syscall_case(-1, EFAULT, "readv {good 10, PROT_NONE 10} of [100]");
	holds(100, pattern, 100, "readv {good 10, PROT_NONE 10} of [100]");
	close_pipe();
}

/* ---- slots -------------------------------------------------------------- */

static void slots(void)
{
	fresh_pipe();
	tap_eq(fill(100), 40 * 100 * SLOTS, "100-byte writes: 40 merge into each of 16 pages");
	close_pipe();

	/* [4096][904], then 904 merge and [4096], then [4096][904] again ... */
	fresh_pipe();
	tap_eq(fill(5000), 54096, "5000-byte writes fill 54096 bytes, the last one short");
	close_pipe();
	fresh_pipe();
	tap_eq(fill(3000), 48000, "3000-byte writes: one per page, 48000 bytes");
	close_pipe();

	/* A full ring takes no byte, even after a read made room in a page. */
	fresh_pipe();
	fill(PAGE);
	read(fds[0], out, 1);
	RUN(wr(pattern, 1));
	syscall_case(-1, EAGAIN, "16 full pages, 1 byte read: write 1 byte");
	read(fds[0], out, PAGE - 1);
	RUN(wr(pattern, 2 * PAGE));
	syscall_case(PAGE, 0, "one page freed: write 8192");
	close_pipe();

	/* The last page has room for 96: a write of 96 merges, of 97 waits. */
	fresh_pipe();
	tap_eq(fill(PAGE) + fill(100), 16 * PAGE, "4096-byte writes fill 16 pages");
	read(fds[0], out, PAGE);
	write(fds[1], pattern, 4000);
	RUN(wr(pattern, 97));
	syscall_case(-1, EAGAIN, "last page holds 4000, ring full: write 97");
	RUN(wr(pattern, 96));
	syscall_case(96, 0, "... write 96");
	close_pipe();

	/* The page a faulted write took is given back. */
	fresh_pipe();
	wr(edge - 1, 10);
	tap_eq(fill(PAGE), 16 * PAGE, "after a faulted write: 16 pages fit");
	close_pipe();
	fresh_pipe();
	wr(edge - 1, 10);
	write(fds[1], "abc", 3);
	tap_eq(fill(PAGE), 15 * PAGE, "after a faulted write and a 3-byte one: 15 more pages fit");
	holds(3 + 15 * PAGE, "abc", 3, "faulted write, then \"abc\", then 15 pages");
	close_pipe();
	fresh_pipe();
	wr(edge - 1, 10);
	RUN(rd(out, 10));
	syscall_case(-1, EAGAIN, "read after a faulted write");
	close_pipe();

	/* A faulted page in the middle of a long write: the pages before it. */
	fresh_pipe();
	fill(PAGE);
	read(fds[0], out, 2 * PAGE);
	RUN(wr(edge - PAGE, PAGE + 1));
	syscall_case(PAGE, 0, "2 free slots, last page full: write(edge-4096, 4097)");
	holds(15 * PAGE, NULL, 0, "2 free slots, then write(edge-4096, 4097)");
	close_pipe();
}

/* ---- PIPE_BUF atomicity between blocking writers ---------------------------- */

#define ROUNDS 300

static int writer_fds[2];

/* Writes ROUNDS pages of its own letter, each in one blocking write. */
static int letter_writer(void *letter)
{
	char page[PAGE];

	memset(page, (int)(intptr_t)letter, PAGE);
	close(writer_fds[0]);
	for (int i = 0; i < ROUNDS; i++)
		if (write(writer_fds[1], page, PAGE) != PAGE)
			return 1;
	return 0;
}

static void atomic_writers(void)
{
	static char stream[3 * ROUNDS * PAGE];
	long mixed = 0;

	if (pipe(writer_fds))
		bail("pipe");
	pid_t pids[3] = { spawn(letter_writer, (void *)'a'), spawn(letter_writer, (void *)'b'),
			  spawn(letter_writer, (void *)'c') };
	close(writer_fds[1]);
	long n = read_full(writer_fds[0], stream, sizeof stream);
	for (long at = 0; at + PAGE <= n; at += PAGE)
		mixed += memchr(stream + at, stream[at] == 'a' ? 'b' : 'a', PAGE) ||
			 memchr(stream + at, stream[at] == 'c' ? 'b' : 'c', PAGE);
	tap_eq(n, sizeof stream, "three blocking writers of %d pages each: every byte arrives", ROUNDS);
	tap_eq(mixed, 0, "... and every 4096-byte write arrives whole (PIPE_BUF)");
	for (int i = 0; i < 3; i++)
		tap_status(reap(pids[i]), EXITED(0), "writer %c exits normally", 'a' + i);
	close(writer_fds[0]);
}

/* A write without readers is EPIPE before the buffer is looked at. */
static void no_reader(void)
{
	signal(SIGPIPE, SIG_IGN);
	fresh_pipe();
	close(fds[0]);
	RUN(wr(edge - 1, 10));
	syscall_case(-1, EPIPE, "write(edge-1, 10) without readers");
	close(fds[1]);
}

int main(void)
{
	char *area = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (area == MAP_FAILED || mprotect(area + 3 * PAGE, PAGE, PROT_NONE))
		bail("mmap");
	edge = area + 3 * PAGE;
	for (size_t i = 0; i < sizeof pattern; i++)
		pattern[i] = (char)(i * 7 + 1);
	write_faults();
	writev_faults();
	read_faults();
	slots();
	atomic_writers();
	no_reader();
	return done_testing();
}

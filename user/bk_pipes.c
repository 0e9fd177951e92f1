/* user/bk_pipes.c — pipes and shared descriptors across fork: a large
 * transfer checked byte for byte through pages that are swapped, COW or
 * freshly mapped; writers racing on one shared file offset; the reader end
 * closed under a writer; a pipe buffer that fills; EOF only after the last
 * writer goes.
 *
 * Inspired by: xv6 usertests pipe1 (checksummed transfer between
 * processes), sharedfd (two processes writing through one offset) and
 * "killstatus"; LTP pipe02 (SIGPIPE), pipe07, pipe08 (EPIPE), pipe11 (many
 * readers), pipe13 (EOF after all writers close); gVisor pipe_test.cc
 * (Write/Read across fork, capacity checks with O_NONBLOCK).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "child.h"
#include "swap.h"

#define BIG (3 * MIB + 123)

static unsigned char byte_at(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 13));
}

static int big_writer(void *fds_)
{
	int *fds = fds_;
	unsigned char *p = map_anon(BIG);

	close(fds[0]);
	for (size_t i = 0; i < BIG; i++)
		p[i] = byte_at(i);
	madvise(p, BIG, MADV_PAGEOUT);
	/* odd-sized writes, one through writev with three pieces */
	size_t off = 0, chunk = 1;
	while (off < BIG) {
		size_t n = chunk < BIG - off ? chunk : BIG - off;
		if (chunk % 5 == 0 && n > 3) {
			struct iovec v[3] = { { p + off, 1 }, { p + off + 1, 1 }, { p + off + 2, n - 2 } };
			if (writev(fds[1], v, 3) != (long)n)
				return 1;
		} else if (write_full(fds[1], p + off, n) != (long)n) {
			return 1;
		}
		off += n;
		chunk = chunk * 3 + 1 > 200000 ? 1 : chunk * 3 + 1;
	}
	return 0;
}

static void big_transfer(void)
{
	int fds[2];

	if (pipe(fds))
		bail("pipe");
	pid_t pid = spawn(big_writer, fds);
	close(fds[1]);
	unsigned char *q = map_anon(BIG + PAGE);
	long got = read_full(fds[0], q, BIG + PAGE);
	tap_eq(got, BIG, "3 MiB + 123 bytes through a pipe, then EOF");
	size_t bad = 0;
	for (size_t i = 0; i < BIG && got == BIG; i++)
		bad += q[i] != byte_at(i);
	tap_eq(bad, 0, "every byte arrived, in order");
	tap_status(reap(pid), EXITED(0), "the writer");
	close(fds[0]);
	munmap(q, BIG + PAGE);
}

static int shared_writer(void *a)
{
	int fd = (int)(long)a >> 8;
	char c = (char)((long)a & 0xff);
	char buf[10];

	memset(buf, c, sizeof buf);
	for (int i = 0; i < 500; i++)
		if (write(fd, buf, sizeof buf) != sizeof buf)
			return 1;
	return 0;
}

static void sharedfd(char *dir)
{
	char path[96];
	struct stat st;

	snprintf(path, sizeof path, "%s/sharedfd", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		bail("open");
	pid_t a = spawn(shared_writer, (void *)((long)fd << 8 | 'a'));
	pid_t b = spawn(shared_writer, (void *)((long)fd << 8 | 'b'));
	shared_writer((void *)((long)fd << 8 | 'p'));
	tap_ok(reap(a) == EXITED(0) && reap(b) == EXITED(0), "three processes write through one descriptor");
	fstat(fd, &st);
	tap_eq(st.st_size, 15000, "one shared offset: nothing overwritten, size 15000");
	tap_eq(lseek(fd, 0, SEEK_CUR), 15000, "the shared offset is at the end");
	char *buf = map_anon(16 * PAGE);
	long n = pread(fd, buf, 16 * PAGE, 0);
	int count[3] = { 0 };
	for (long i = 0; i < n; i++)
		count[0] += buf[i] == 'a', count[1] += buf[i] == 'b', count[2] += buf[i] == 'p';
	tap_ok(n == 15000 && count[0] == 5000 && count[1] == 5000 && count[2] == 5000,
	       "5000 bytes from each writer");
	close(fd);
	unlink(path);
}

static int fill_then_write(void *fds_)
{
	int *fds = fds_;
	char buf[4096] = { 0 };

	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		long r = write(fds[1], buf, sizeof buf);
		if (r < 0)
			return errno == EPIPE ? 0 : 1;
	}
}

static void closed_reader(void)
{
	int fds[2];
	char buf[100];

	if (pipe(fds))
		bail("pipe");
	pid_t pid = spawn(fill_then_write, fds);
	close(fds[1]);
	tap_eq(read_full(fds[0], buf, sizeof buf), sizeof buf, "read a little from a blocked writer");
	close(fds[0]);
	tap_status(reap(pid), EXITED(0), "the blocked writer wakes with EPIPE when the reader closes");

	if (pipe(fds))
		bail("pipe");
	close(fds[0]);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		write(fds[1], "x", 1);
		_exit(0);
	}
	tap_status(reap(pid), KILLED(SIGPIPE), "write with no reader -> SIGPIPE");
	close(fds[1]);
}

static void capacity(void)
{
	int fds[2];
	char *buf = map_anon(MIB);
	long total = 0, r;

	if (pipe2(fds, O_NONBLOCK))
		bail("pipe2");
	while ((r = write(fds[1], buf, 4096)) > 0)
		total += r;
	tap_ok(r == -1 && errno == EAGAIN && total >= 4096, "a non-blocking pipe fills, then EAGAIN (%ld bytes)",
	       total);
	tap_try(write(fds[1], buf, 1), -1, EAGAIN, "even one byte -> EAGAIN");
	tap_eq(read(fds[0], buf, MIB), total, "one read drains all of it");
	tap_try(read(fds[0], buf, 1), -1, EAGAIN, "then EAGAIN");
	/* EOF only after the last writer closes, including a child's copy */
	int dupw = dup(fds[1]);
	close(fds[1]);
	tap_try(read(fds[0], buf, 1), -1, EAGAIN, "a dup of the write end keeps the pipe open");
	close(dupw);
	tap_try(read(fds[0], buf, 1), 0, 0, "last writer closed -> EOF");
	close(fds[0]);
	munmap(buf, MIB);
}

int main(void)
{
	char dir[64];

	snprintf(dir, sizeof dir, "/tmp/bk_pipes.%d", getpid());
	if (mkdir(dir, 0700))
		bail("mkdir");
	big_transfer();
	sharedfd(dir);
	closed_reader();
	capacity();
	rmdir(dir);
	return done_testing();
}

/* user/bk_iopartial.c — partial results of read/write/readv/writev/pread/
 * pwrite when the user buffer runs into a page the process may not touch.
 *
 * Inspired by: LTP readv02 / writev01..07 (an iovec whose base is bad after
 * good ones), LTP read02 / write03 (buffers that are not writable/readable),
 * gVisor test/syscalls/linux/readv.cc and write.cc (partial transfers into
 * a buffer that ends in an unmapped page), xv6 usertests copyin/copyout.
 * The rules checked are Linux's (found on the host): a regular file transfers
 * what fits before the bad byte and returns that count; a pipe read whose copy
 * faults returns EFAULT and consumes nothing; a pipe write whose copy
 * faults returns EFAULT and leaves nothing in the pipe.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "swap.h"

static char *buf;   /* pages 0,1 read-write, page 2 PROT_NONE, page 3 read-only */
static char *edge;  /* 100 bytes before the PROT_NONE page */
static char dir[64], path[96];

static void setup(void)
{
	buf = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		bail("mmap");
	if (mprotect(buf + 2 * PAGE, PAGE, PROT_NONE) || mprotect(buf + 3 * PAGE, PAGE, PROT_READ))
		bail("mprotect");
	edge = buf + 2 * PAGE - 100;
	snprintf(dir, sizeof dir, "/tmp/bk_iopartial.%d", getpid());
	if (mkdir(dir, 0700))
		bail("mkdir");
	snprintf(path, sizeof path, "%s/f", dir);
}

/* A fresh file holding 300 bytes 'A'+i%26. */
static int make_file(void)
{
	char data[300];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		bail("open");
	for (int i = 0; i < 300; i++)
		data[i] = 'A' + i % 26;
	if (write(fd, data, 300) != 300)
		bail("write");
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static void tmpfs_cases(void);

static void file_cases(void)
{
	int fd = make_file();
	struct iovec iov[3];
	char small[16];

	memset(buf, 0, 2 * PAGE);
	tap_try(syscall(SYS_read, fd, edge, 200), 100, 0, "read(file, 200 bytes, last 100 bad) -> 100");
	tap_ok(edge[0] == 'A' && edge[99] == 'A' + 99 % 26, "the 100 bytes that fit arrived");
	tap_eq(lseek(fd, 0, SEEK_CUR), 100, "file offset advanced by 100 only");
	tap_try(syscall(SYS_read, fd, buf + 2 * PAGE, 10), -1, EFAULT, "read(file, PROT_NONE) -> EFAULT");
	tap_try(syscall(SYS_read, fd, buf + 3 * PAGE, 10), -1, EFAULT, "read(file, PROT_READ) -> EFAULT");
	tap_eq(lseek(fd, 0, SEEK_CUR), 100, "offset unchanged by failed reads");
	tap_try(syscall(SYS_pread64, fd, edge, 200, 0), 100, 0, "pread(file, last 100 bad) -> 100");
	tap_try(syscall(SYS_pread64, fd, edge, 200, -1L), -1, EINVAL, "pread(negative offset) -> EINVAL");
	tap_try(syscall(SYS_pread64, fd, edge, 200, 1000), 0, 0, "pread past EOF -> 0 even with bad tail");
	tap_eq(lseek(fd, 0, SEEK_CUR), 100, "pread leaves offset");

	/* readv: good iovec, then one with a bad base, then good again */
	iov[0] = (struct iovec){ small, 10 };
	iov[1] = (struct iovec){ buf + 2 * PAGE, 10 };
	iov[2] = (struct iovec){ small + 10, 5 };
	lseek(fd, 0, SEEK_SET);
	tap_try(syscall(SYS_readv, fd, iov, 3), 10, 0, "readv(file, [good 10, bad 10, good 5]) -> 10");
	tap_eq(lseek(fd, 0, SEEK_CUR), 10, "readv moved the offset by 10");
	iov[0] = (struct iovec){ NULL, 0 };
	iov[1] = (struct iovec){ small, 4 };
	tap_try(syscall(SYS_readv, fd, iov, 2), 4, 0, "readv with a NULL zero-length first iovec -> 4");
	tap_try(syscall(SYS_readv, fd, buf + 2 * PAGE, 1), -1, EFAULT, "readv(iov array in PROT_NONE) -> EFAULT");
	tap_try(syscall(SYS_readv, fd, iov, -1), -1, EINVAL, "readv(iovcnt -1) -> EINVAL");
	tap_try(syscall(SYS_readv, fd, iov, 1025), -1, EINVAL, "readv(iovcnt 1025) -> EINVAL");
	iov[0] = (struct iovec){ small, 0x8000000000000000UL };
	iov[1] = (struct iovec){ small, 2 };
	tap_try(syscall(SYS_readv, fd, iov, 2), -1, EINVAL, "readv(a length with the sign bit) -> EINVAL");
	iov[0] = (struct iovec){ small, 0x7fffffffffffffffUL };
	tap_try(syscall(SYS_readv, fd, iov, 2), -1, EFAULT,
		"readv(huge length, clamped to MAX_RW_COUNT, buffer ends unmapped) -> EFAULT");

	/* write: the source runs into PROT_NONE */
	memset(edge, 'z', 100);
	lseek(fd, 0, SEEK_SET);
	tap_try(syscall(SYS_write, fd, edge, 200), 100, 0, "write(file, 200 bytes, last 100 bad) -> 100");
	tap_eq(lseek(fd, 0, SEEK_CUR), 100, "file offset advanced by 100");
	tap_try(syscall(SYS_pread64, fd, small, 2, 99), 2, 0, "pread back");
	tap_ok(small[0] == 'z' && small[1] == 'A' + 100 % 26, "bytes 99,100 are 'z' and the old data");
	tap_try(syscall(SYS_pwrite64, fd, buf + 2 * PAGE, 5, 0), -1, EFAULT, "pwrite from PROT_NONE -> EFAULT");
	tap_try(syscall(SYS_pwrite64, fd, buf + 3 * PAGE, 5, 0), 5, 0, "pwrite from PROT_READ -> 5");
	iov[0] = (struct iovec){ "hello", 5 };
	iov[1] = (struct iovec){ (void *)0x10, 5 };
	lseek(fd, 0, SEEK_SET);
	tap_try(syscall(SYS_writev, fd, iov, 2), 5, 0, "writev(file, [good 5, bad 5]) -> 5");
	tap_try(syscall(SYS_write, fd, (void *)0xffff800000000000UL, 0), -1, EFAULT,
		"write(kernel address, 0) -> EFAULT");
	tap_try(syscall(SYS_write, fd, NULL, 0), 0, 0, "write(NULL, 0) -> 0");
	struct stat st;
	fstat(fd, &st);
	tap_eq(st.st_size, 300, "file size still 300");
	close(fd);
	unlink(path);
	tmpfs_cases();
}

/* On tmpfs (the host's /tmp may be another filesystem, whose rules
 * differ): a write that faults part way past the end keeps what came
 * before it, across a page boundary of the file, and the gap reads as
 * zeros. */
static void tmpfs_cases(void)
{
	char shm[64], small[2];
	struct stat st;

	snprintf(shm, sizeof shm, "/dev/shm/bk_iopartial.%d", getpid());
	int fd = open(shm, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, buf, 300) != 300)
		bail("open /dev/shm");
	memset(edge, 'z', 100);
	tap_try(syscall(SYS_pwrite64, fd, edge, 200, PAGE - 50), 100, 0,
		"tmpfs: pwrite(200 bytes past the end across a page, last 100 bad) -> 100");
	fstat(fd, &st);
	tap_eq(st.st_size, PAGE + 50, "... the file grew by what was written");
	tap_try(syscall(SYS_pread64, fd, small, 2, PAGE + 49), 1, 0, "pread of the last byte");
	tap_ok(small[0] == 'z', "... it is the last byte written");
	tap_try(syscall(SYS_pread64, fd, small, 1, 300), 1, 0, "pread of the gap");
	tap_ok(small[0] == 0, "... reads as zero");
	close(fd);
	unlink(shm);
}

static void pipe_cases(void)
{
	int p[2];
	char got[256];
	struct iovec iov[2];

	if (pipe(p))
		bail("pipe");
	memset(edge, 'p', 100);
	/* Pipe write that faults halfway. */
	errno = 0;
	long r = syscall(SYS_write, p[1], edge, 200);
	int e = errno;
	tap_syscall(r, e, -1, EFAULT, NULL, "write(pipe, 200 bytes, last 100 bad) -> EFAULT");
	int n = fcntl(p[0], F_SETFL, O_NONBLOCK);
	(void)n;
	tap_try(read(p[0], got, sizeof got), -1, EAGAIN, "... and the pipe stays empty (the page is dropped)");

	/* Pipe read that faults: nothing consumed. */
	tap_try(write(p[1], "0123456789abcdefghij", 20), 20, 0, "write 20 bytes to pipe");
	tap_try(syscall(SYS_read, p[0], buf + 2 * PAGE - 10, 20), -1, EFAULT,
		"read(pipe, 20 into 10 good + bad) -> EFAULT");
	tap_try(syscall(SYS_read, p[0], buf + 2 * PAGE, 20), -1, EFAULT, "read(pipe, PROT_NONE) -> EFAULT");
	tap_try(read(p[0], got, sizeof got), 20, 0, "all 20 bytes still in the pipe");
	tap_ok(!memcmp(got, "0123456789abcdefghij", 20), "in order");

	/* readv from pipe with a bad second iovec */
	tap_try(write(p[1], "0123456789abcdefghij", 20), 20, 0, "write 20 bytes again");
	iov[0] = (struct iovec){ got, 10 };
	iov[1] = (struct iovec){ (void *)0x10, 10 };
	tap_try(syscall(SYS_readv, p[0], iov, 2), -1, EFAULT, "readv(pipe, [good 10, bad 10]) -> EFAULT");
	tap_try(read(p[0], got, sizeof got), 20, 0, "the 20 bytes are still there");
	iov[0] = (struct iovec){ "abcde", 5 };
	tap_try(syscall(SYS_writev, p[1], iov, 2), -1, EFAULT, "writev(pipe, [good 5, bad 10]) -> EFAULT");
	tap_try(read(p[0], got, sizeof got), -1, EAGAIN, "... and nothing went in");
	tap_try(syscall(SYS_write, p[1], buf + 3 * PAGE, 7), 7, 0, "write(pipe, from PROT_READ zero page) -> 7");
	tap_try(read(p[0], got, sizeof got), 7, 0, "7 zero bytes come out");
	tap_ok(!memcmp(got, "\0\0\0\0\0\0\0", 7), "they are zeros");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	setup();
	file_cases();
	pipe_cases();
	rmdir(dir);
	return done_testing();
}

/* user/bk9_procmem.c — /proc/PID/mem and /proc/self/mem at the edges of
 * the address space and of the target's life. Ideas from gVisor's
 * proc_pid_mem tests and LTP's proc tests, written fresh. Each rule was
 * first seen on Linux:
 *  - the file's offsets are unsigned: lseek(SEEK_SET) to a kernel address
 *    succeeds and returns it; reading there is EIO, and a read whose end
 *    would wrap past 2^64 is EOVERFLOW. pread/pwrite refuse a negative
 *    offset with EINVAL, as for any file. SEEK_END is EINVAL.
 *  - a read that runs from a mapped page into a hole is short.
 *  - our own read-only and PROT_NONE pages are written (forced); a
 *    read-only MAP_SHARED page is EIO.
 *  - a write to our page that a child shares copy-on-write leaves the
 *    child's copy alone.
 *  - a file opened on a child keeps reading 0 once the child has exited,
 *    zombie or reaped.
 *  - our file mapping's page past the file's end is EIO both ways, with
 *    no SIGBUS; the part of the last page past EOF reads zeros.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "child.h"

#define PAGE 4096
#define KADDR 0xffffffff80000000ul

static char *two;    /* two pages, the second then unmapped */
static char *ro;     /* PROT_READ private */
static char *none;   /* PROT_NONE */
static char *shro;   /* PROT_READ MAP_SHARED */
static char *cow;    /* private, shared with a child */

static long raw_lseek(int fd, unsigned long off, int whence)
{
	return syscall(SYS_lseek, fd, off, whence);
}

static void offset_cases(int fd)
{
	char buf[64];

	errno = 0;
	long r = raw_lseek(fd, KADDR, SEEK_SET);
	tap_ok(r == (long)KADDR, "lseek(SEEK_SET) to 0xffffffff80000000 -> that offset");
	if (r != (long)KADDR)
		tap_diag("got %#lx (%s)", r, tap_errname(errno));
	SYSCALL_CASE(-1, EIO, "read() there -> EIO", SYS_read, fd, buf, 16);
	raw_lseek(fd, -8192ul, SEEK_SET);
	SYSCALL_CASE(-1, EOVERFLOW, "read() of 16 KiB at 2^64 - 8 KiB -> EOVERFLOW", SYS_read, fd,
		     malloc(16384), 16384);
	SYSCALL_CASE(-1, EINVAL, "pread() at a negative offset -> EINVAL", SYS_pread64, fd, buf, 16, KADDR);
	SYSCALL_CASE(-1, EINVAL, "pwrite() at a negative offset -> EINVAL", SYS_pwrite64, fd, buf, 16, KADDR);
	SYSCALL_CASE(-1, EINVAL, "lseek(SEEK_END) -> EINVAL", SYS_lseek, fd, 0, SEEK_END);
	raw_lseek(fd, (uintptr_t)two, SEEK_SET);
	SYSCALL_CASE((long)(uintptr_t)two + 10, 0, "lseek(SEEK_CUR, +10) -> the address + 10",
		     SYS_lseek, fd, 10, SEEK_CUR);
	SYSCALL_CASE(0, 0, "read() of 0 bytes -> 0", SYS_read, fd, buf, 0);
}

static void span_cases(int fd)
{
	char *buf = malloc(2 * PAGE);

	memset(two, 't', PAGE);
	SYSCALL_CASE(100, 0, "pread of 200 bytes from 100 before a hole -> 100", SYS_pread64, fd, buf,
		     200, (uintptr_t)two + PAGE - 100);
	SYSCALL_CASE(-1, EIO, "pread starting in the hole -> EIO", SYS_pread64, fd, buf, 200,
		     (uintptr_t)two + PAGE);
	SYSCALL_CASE(100, 0, "pwrite of 200 bytes from 100 before a hole -> 100", SYS_pwrite64, fd,
		     "x", 200, (uintptr_t)two + PAGE - 100);
	SYSCALL_CASE(8, 0, "pwrite into our read-only page -> 8", SYS_pwrite64, fd, "forced!!", 8,
		     (uintptr_t)ro);
	tap_ok(!memcmp(ro, "forced!!", 8), "... the page has it");
	SYSCALL_CASE(4, 0, "pwrite into our PROT_NONE page -> 4", SYS_pwrite64, fd, "none", 4,
		     (uintptr_t)none);
	SYSCALL_CASE(4, 0, "pread from it -> 4", SYS_pread64, fd, buf, 4, (uintptr_t)none);
	tap_ok(!memcmp(buf, "none", 4), "... what we wrote");
	SYSCALL_CASE(-1, EIO, "pwrite into a read-only MAP_SHARED page -> EIO", SYS_pwrite64, fd, "s", 1,
		     (uintptr_t)shro);
	free(buf);
}

static void eof_cases(int fd)
{
	char buf[32];
	int f = open("/dev/shm/bk9_procmem", O_RDWR | O_CREAT | O_TRUNC, 0600);

	unlink("/dev/shm/bk9_procmem");
	if (f < 0 || pwrite(f, "file", 4, 0) != 4)
		bail("file");
	char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, f, 0);
	if (m == MAP_FAILED)
		bail("mmap file");
	SYSCALL_CASE(-1, EIO, "pread our file page past EOF -> EIO", SYS_pread64, fd, buf, 16,
		     (uintptr_t)m + PAGE);
	SYSCALL_CASE(-1, EIO, "pwrite it -> EIO", SYS_pwrite64, fd, buf, 16, (uintptr_t)m + PAGE);
	memset(buf, 1, sizeof buf);
	SYSCALL_CASE(32, 0, "pread 32 bytes of the 4-byte file's page -> 32", SYS_pread64, fd, buf, 32,
		     (uintptr_t)m);
	tap_ok(!memcmp(buf, "file", 4) && buf[4] == 0 && buf[31] == 0, "... its bytes, then zeros");
	munmap(m, 2 * PAGE);
	close(f);
}

static int cow_child(void *go_)
{
	int *go = go_;
	char c;

	close(go[1]);
	read(go[0], &c, 1);
	return cow[0] == 'p' && cow[PAGE - 1] == 'p' ? 0 : 1;
}

static void cow_cases(int fd)
{
	int go[2];

	if (pipe(go))
		bail("pipe");
	memset(cow, 'p', PAGE);
	pid_t pid = spawn(cow_child, go);
	close(go[0]);
	SYSCALL_CASE(4, 0, "pwrite into our page a child shares copy-on-write -> 4", SYS_pwrite64, fd,
		     "mine", 4, (uintptr_t)cow);
	tap_ok(!memcmp(cow, "minep", 5), "... our page has it");
	close(go[1]);
	tap_status(reap(pid), EXITED(0), "... the child's page does not");
}

static int wait_go(void *go_)
{
	int *go = go_;
	char c;

	close(go[1]);
	read(go[0], &c, 1);
	return 0;
}

static void exit_cases(void)
{
	char path[64], buf[16];
	int go[2];

	if (pipe(go))
		bail("pipe");
	memset(cow, 'q', 16);
	pid_t pid = spawn(wait_go, go);
	close(go[0]);
	snprintf(path, sizeof path, "/proc/%d/mem", pid);
	int fd = open(path, O_RDONLY);
	tap_ok(fd >= 0, "open a child's mem");
	SYSCALL_CASE(16, 0, "pread its page -> 16", SYS_pread64, fd, buf, 16, (uintptr_t)cow);
	close(go[1]);
	siginfo_t si;
	waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	SYSCALL_CASE(0, 0, "the child is a zombie: pread -> 0", SYS_pread64, fd, buf, 16, (uintptr_t)cow);
	reap(pid);
	SYSCALL_CASE(0, 0, "the child is reaped: pread -> 0", SYS_pread64, fd, buf, 16, (uintptr_t)cow);
	SYSCALL_CASE(-1, EBADF, "pwrite on the O_RDONLY file -> EBADF", SYS_pwrite64, fd, buf, 1,
		     (uintptr_t)cow);
	close(fd);
	SYSCALL_CASE(-1, ENOENT, "open the reaped child's mem -> ENOENT", SYS_open, path, O_RDONLY);
}

static char *map(int prot, int flags)
{
	char *p = mmap(NULL, PAGE, prot, flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bail("mmap");
	return p;
}

int main(void)
{
	two = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = map(PROT_READ, MAP_PRIVATE);
	none = map(PROT_NONE, MAP_PRIVATE);
	shro = map(PROT_READ, MAP_SHARED);
	cow = map(PROT_READ | PROT_WRITE, MAP_PRIVATE);
	/* The hole last: Linux would put a later mapping into it. */
	if (two == MAP_FAILED || munmap(two + PAGE, PAGE))
		bail("mmap");
	int fd = open("/proc/self/mem", O_RDWR);
	if (fd < 0)
		bail("open /proc/self/mem");
	offset_cases(fd);
	span_cases(fd);
	cow_cases(fd);
	eof_cases(fd);
	close(fd);
	exit_cases();
	return done_testing();
}

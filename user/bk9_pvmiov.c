/* user/bk9_pvmiov.c — process_vm_readv/writev with many and odd iovecs,
 * and writes into memory the target shares. Ideas from LTP's
 * process_vm_readv02/03 (many small iovecs, random splits) and gVisor's
 * process_vm tests, written fresh. Each rule was first seen on Linux:
 *  - 1024 iovecs on either side are fine, 1025 are EINVAL; a 1024 x 1-byte
 *    local side against one remote iovec moves every byte in order.
 *  - the transfer stops at the first remote iovec it cannot finish: the
 *    bytes before count, later good iovecs are not reached; zero-length
 *    remote iovecs are skipped whatever their address.
 *  - a local iovec the caller cannot write ends a read the same way.
 *  - a write into the target's MAP_SHARED page is seen by every process
 *    sharing it; into a page the target shares copy-on-write with us,
 *    only the target's copy changes.
 *  - a page of the target's file mapping past the file's end is EFAULT
 *    both ways, and nobody gets a SIGBUS; a write into its shared file
 *    page reaches the file.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "child.h"

#define PAGE 4096
#define NIOV 1024

static char *area;   /* 3 pages: 'A'.. in the target, the 4th page a hole */
static char *shared; /* one MAP_SHARED page */
static char *cow;    /* one private page, 'p' in both before the fork */
static char *ro;     /* a read-only page of ours */
static char *fmap;   /* MAP_SHARED of a 1-page file, 2 pages long */
static int ffd;
static struct iovec liov[NIOV + 1], riov[NIOV + 1];
static char small[NIOV + 1];

struct target {
	pid_t pid;
	int go;
};

/* The child fills area with its pattern, tells us, waits for EOF on go,
 * then exits 0 if its cow page is all 'x' (our write) and shared starts
 * "hello". */

static int target_body(int ready, int go)
{
	char c = 'r';

	for (int i = 0; i < 3 * PAGE; i++)
		area[i] = (char)('A' + i % 26);
	if (write(ready, &c, 1) != 1)
		return 90;
	while (read(go, &c, 1) > 0)
		;
	for (int i = 0; i < PAGE; i++)
		if (cow[i] != 'x')
			return 1;
	return memcmp(shared, "hello", 5) ? 2 : 0;
}

static struct target start(void)
{
	int ready[2], go[2];
	char c;

	if (pipe(ready) || pipe(go))
		bail("pipe");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		_exit(target_body(ready[1], go[0]));
	}
	close(ready[1]);
	close(go[0]);
	if (pid < 0 || read(ready[0], &c, 1) != 1)
		bail("target");
	close(ready[0]);
	return (struct target){ pid, go[1] };
}

static int finish(struct target *t)
{
	close(t->go);
	return reap(t->pid);
}

static long pvm(bool wr, pid_t pid, const struct iovec *l, unsigned long nl,
		const struct iovec *r, unsigned long nr)
{
	return syscall(wr ? SYS_process_vm_writev : SYS_process_vm_readv, pid, l, nl, r, nr, 0);
}

static bool pattern_at(const char *p, size_t off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (char)('A' + (off + i) % 26))
			return false;
	return true;
}

static void count_cases(pid_t pid)
{
	struct iovec one = { area, NIOV };

	for (int i = 0; i <= NIOV; i++)
		liov[i] = (struct iovec){ small + i, 1 };
	memset(small, 0, sizeof small);
	tap_eq(pvm(false, pid, liov, NIOV, &one, 1), NIOV, "1024 local iovecs of 1 byte -> 1024");
	tap_ok(pattern_at(small, 0, NIOV), "... each byte in its place");
	one.iov_len = NIOV + 1;
	SYSCALL_CASE(-1, EINVAL, "1025 local iovecs -> EINVAL", SYS_process_vm_readv, pid, liov, NIOV + 1,
		     &one, 1, 0);

	for (int i = 0; i <= NIOV; i++)
		riov[i] = (struct iovec){ area + 3 * i, 2 };
	char buf[2 * NIOV + 2];
	struct iovec big = { buf, sizeof buf };
	tap_eq(pvm(false, pid, &big, 1, riov, NIOV), 2 * NIOV, "1024 remote iovecs of 2 bytes -> 2048");
	bool ok = true;
	for (int i = 0; i < NIOV; i++)
		ok = ok && pattern_at(buf + 2 * i, 3 * i, 2);
	tap_ok(ok, "... gathered in order");
	SYSCALL_CASE(-1, EINVAL, "1025 remote iovecs -> EINVAL", SYS_process_vm_readv, pid, &big, 1,
		     riov, NIOV + 1, 0);
}

static void partial_cases(pid_t pid)
{
	char buf[600];
	struct iovec l = { buf, sizeof buf };
	struct iovec r[3] = { { area, 100 }, { area + 3 * PAGE, 100 }, { area + 200, 100 } };

	tap_eq(pvm(false, pid, &l, 1, r, 3), 100, "good, hole, good remote iovecs -> 100 (stops at the hole)");
	r[1] = (struct iovec){ (void *)0xffff800000000000ul, 0 };
	tap_eq(pvm(false, pid, &l, 1, r, 3), 200, "good, zero-length kernel address, good -> 200");
	tap_ok(pattern_at(buf, 0, 100) && pattern_at(buf + 100, 200, 100), "... the two pieces in order");
	r[0] = (struct iovec){ area + 3 * PAGE - 10, 100 };
	tap_eq(pvm(false, pid, &l, 1, r, 1), 10, "an iovec that runs into the hole -> 10");
	r[0] = (struct iovec){ area + 3 * PAGE, 100 };
	SYSCALL_CASE(-1, EFAULT, "an iovec in the hole -> EFAULT", SYS_process_vm_readv, pid, &l, 1, r, 1, 0);

	struct iovec ls[3] = { { buf, 50 }, { ro, 50 }, { buf + 100, 50 } };
	r[0] = (struct iovec){ area, 150 };
	tap_eq(pvm(false, pid, ls, 3, r, 1), 50, "read into good, read-only, good local iovecs -> 50");
	ls[0] = (struct iovec){ ro, 50 };
	SYSCALL_CASE(-1, EFAULT, "read into a read-only local iovec first -> EFAULT",
		     SYS_process_vm_readv, pid, ls, 3, r, 1, 0);
	ls[0] = (struct iovec){ buf, 0 };
	ls[1] = (struct iovec){ NULL, 0 };
	ls[2] = (struct iovec){ buf, 0 };
	SYSCALL_CASE(0, 0, "local iovecs all of length 0 -> 0", SYS_process_vm_readv, pid, ls, 3, r, 1, 0);
}

static void eof_cases(pid_t pid)
{
	char buf[16] = "into the file";
	struct iovec l = { buf, 16 }, r = { fmap + PAGE, 16 };

	SYSCALL_CASE(-1, EFAULT, "read the target's file page past EOF -> EFAULT",
		     SYS_process_vm_readv, pid, &l, 1, &r, 1, 0);
	SYSCALL_CASE(-1, EFAULT, "write it -> EFAULT", SYS_process_vm_writev, pid, &l, 1, &r, 1, 0);
	r.iov_base = fmap + PAGE - 8;
	SYSCALL_CASE(8, 0, "read 16 bytes from 8 before EOF's page end -> 8", SYS_process_vm_readv,
		     pid, &l, 1, &r, 1, 0);
	r.iov_base = fmap + 100;
	memcpy(buf, "into the file", 14); /* the read above overwrote it */
	SYSCALL_CASE(16, 0, "write 16 bytes into the target's shared file page -> 16",
		     SYS_process_vm_writev, pid, &l, 1, &r, 1, 0);
	char back[16] = "";
	long n = pread(ffd, back, 16, 100);
	if (!tap_ok(n == 16 && !memcmp(back, "into the file", 13), "... the file has them"))
		tap_diag("pread -> %ld, \"%.16s\"", n, back);
}

static void write_cases(struct target *t)
{
	struct iovec l = { "hello", 5 }, r = { shared, 5 };

	tap_eq(pvm(true, t->pid, &l, 1, &r, 1), 5, "write into the target's MAP_SHARED page -> 5");
	tap_ok(!memcmp(shared, "hello", 5), "... we share it, so we see it");
	char *x = malloc(PAGE);
	memset(x, 'x', PAGE);
	l = (struct iovec){ x, PAGE };
	r = (struct iovec){ cow, PAGE };
	tap_eq(pvm(true, t->pid, &l, 1, &r, 1), PAGE, "write a page into the target's copy-on-write page");
	bool ours = true;
	for (int i = 0; i < PAGE; i++)
		ours = ours && cow[i] == 'p';
	tap_ok(ours, "... our copy of the page is unchanged");
	r = (struct iovec){ ro, 10 };
	l.iov_len = 10;
	SYSCALL_CASE(-1, EFAULT, "write into the target's read-only page -> EFAULT",
		     SYS_process_vm_writev, t->pid, &l, 1, &r, 1, 0);
	tap_status(finish(t), EXITED(0), "the target saw 'x' in its page and \"hello\" in the shared one");
	free(x);
}

/* We write into our own page that a child shares copy-on-write. */
static int cow_child(void *go_)
{
	int *go = go_;
	char c;

	close(go[1]);
	read(go[0], &c, 1);
	for (int i = 0; i < PAGE; i++)
		if (cow[i] != 'p')
			return 1;
	return 0;
}

static void self_cases(void)
{
	int go[2];

	if (pipe(go))
		bail("pipe");
	memset(cow, 'p', PAGE);
	pid_t pid = spawn(cow_child, go);
	close(go[0]);
	struct iovec l = { "self", 4 }, r = { cow, 4 };
	tap_eq(pvm(true, getpid(), &l, 1, &r, 1), 4, "write into our own page a child shares -> 4");
	tap_ok(!memcmp(cow, "selfp", 5), "... our page has it");
	close(go[1]);
	tap_status(reap(pid), EXITED(0), "... the child's copy does not");
}

int main(void)
{
	area = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cow = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED || shared == MAP_FAILED || cow == MAP_FAILED || ro == MAP_FAILED ||
	    munmap(area + 3 * PAGE, PAGE))
		bail("mmap");
	memset(cow, 'p', PAGE);
	ffd = open("/dev/shm/bk9_pvmiov", O_RDWR | O_CREAT | O_TRUNC, 0600);
	unlink("/dev/shm/bk9_pvmiov");
	if (ffd < 0 || ftruncate(ffd, PAGE))
		bail("file");
	fmap = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ffd, 0);
	if (fmap == MAP_FAILED)
		bail("mmap file");
	struct target t = start();
	count_cases(t.pid);
	partial_cases(t.pid);
	eof_cases(t.pid);
	write_cases(&t);
	self_cases();
	return done_testing();
}

/* user/pvm.c — copying between address spaces: process_vm_readv,
 * process_vm_writev and /proc/PID/mem.
 *
 * Every case reads or writes a *target*: a child forked after the areas
 * below were mapped, so it has them at the same addresses. It prepares its
 * memory (setup), says it is ready, waits for the parent's word and then
 * exits with what its check found (0: all as expected). The parent prints
 * the TAP lines.
 *
 * The rules are Linux's (mm/process_vm_access.c, fs/proc/base.c mem_rw):
 * flags first (EINVAL), then the local iovec (more than 1024: EINVAL; an
 * unreadable array or a segment that is not user memory: EFAULT), and a
 * local total of 0 returns 0 before anything else is looked at; then the
 * remote iovec, and a remote total of 0 returns 0 before the pid is looked
 * up; then the pid (ESRCH, a zombie too) and the ptrace rule (EPERM). A
 * transfer stops at the first page of the target it may not touch and at the
 * first local fault; the bytes before count, EFAULT if there are none. The
 * target's protections hold: a write into its read-only page is EFAULT.
 * /proc/PID/mem forces (FOLL_FORCE): a write into a private read-only page
 * works and lands in the target's own copy; an address with nothing mapped
 * is EIO.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "child.h"
#include "swap.h"

#define NPAGES 4
#define KERNEL_ADDR 0xffff800000000000UL
#define UIO_MAXIOV 1024

static char *area;  /* NPAGES pages, RW; the page after them is unmapped */
static char *fresh; /* 2 pages nobody touches before a case does */
static char *swp;   /* 2 pages a target pushes out to swap */
static char *hole;  /* an unmapped page */
static char *lbuf;  /* the parent's: 2 pages, the second PROT_NONE */
static char *gone;  /* the parent's: one page it unmapped */
static int ffd;     /* FILE_PATH, open (and unlinked) */
static char *fmap;  /* a private read-only mapping of it */
static char *wo;    /* a PROT_WRITE-only page */
static char *ro;    /* a private page procmem() makes read-only */
static char *sh;    /* a shared read-only page */

#define FILE_PATH "/tmp/pvm-file"
#define FILE_TEXT "the file's own bytes"

/* ---- targets ---------------------------------------------------------------- */

struct target {
	pid_t pid;
	int go;    /* write end: closing it lets the target go on */
	char note; /* what setup() said */
};

/* The target forks, runs setup(), hands its byte to the parent, waits, and
 * exits with check()'s result. */
static struct target start(char (*setup)(void), int (*check)(void))
{
	int ready[2], go[2];
	char c;

	if (pipe(ready) || pipe(go))
		bail("pipe");
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		c = setup ? setup() : 0;
		if (write(ready[1], &c, 1) != 1)
			_exit(90);
		while (read(go[0], &c, 1) > 0)
			;
		_exit(check ? check() : 0);
	}
	close(ready[1]);
	close(go[0]);
	struct target t = { pid, go[1], 0 };
	if (read(ready[0], &t.note, 1) != 1)
		bail("the target never got ready");
	close(ready[0]);
	return t;
}

/* Let the target run its check; its status word. */
static int finish(struct target *t)
{
	close(t->go);
	return reap(t->pid);
}

static long pvm(bool write, pid_t pid, const struct iovec *l, unsigned long nl,
		const struct iovec *r, unsigned long nr, unsigned long flags)
{
	return syscall(write ? SYS_process_vm_writev : SYS_process_vm_readv, pid, l, nl, r, nr,
		       flags);
}

/* One buffer on each side. */
static long pvm1(bool write, pid_t pid, void *local, void *remote, size_t len)
{
	struct iovec l = { local, len }, r = { remote, len };
	return pvm(write, pid, &l, 1, &r, 1, 0);
}

static bool all(const char *p, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return false;
	return true;
}

/* ---- what targets do ------------------------------------------------------------ */

static const char msg[] = "written by the parent";

static char fill_c(void)
{
	memset(area, 'c', NPAGES * PAGE);
	return 0;
}

/* The parent wrote msg across the boundary of pages 0 and 1. */
static int check_msg(void)
{
	return memcmp(area + PAGE - 5, msg, sizeof msg) == 0 && all(area, 'P', PAGE - 5) ? 0 : 1;
}

static char edge_setup(void)
{
	memset(area, 'e', NPAGES * PAGE);
	return (char)mprotect(area + 2 * PAGE, PAGE, PROT_NONE);
}

/* The parent wrote 'W' over [PAGE + 100, 2 PAGE): the edge stopped it. */
static int check_edge(void)
{
	return all(area + PAGE + 100, 'W', PAGE - 100) && all(area, 'e', PAGE + 100) &&
			       mprotect(area + 2 * PAGE, PAGE, PROT_READ) == 0 &&
			       all(area + 2 * PAGE, 'e', PAGE)
		       ? 0
		       : 1;
}

/* The parent wrote lbuf's last 96 bytes (all 'L') to the start of area. */
static int check_local_edge(void)
{
	return all(area, 'L', 96) && area[96] == 'P' ? 0 : 1;
}

static int check_fresh(void)
{
	return memcmp(fresh + PAGE + 7, "demand", 6) == 0 && all(fresh, 0, PAGE) ? 0 : 1;
}

/* Pages out swp (filled with the pattern); the note is 1 if it stayed. */
static char swap_setup(void)
{
	unsigned char vec[2];

	for (size_t i = 0; i < 2; i++)
		fill_page(swp + i * PAGE, i, 7);
	if (madvise(swp, 2 * PAGE, MADV_PAGEOUT) || mincore(swp, 2 * PAGE, vec))
		return 2;
	return (vec[0] | vec[1]) & 1;
}

static int check_swap(void)
{
	return page_ok(swp, 0, 7) && memcmp(swp + PAGE + 64, "swapped", 7) == 0 ? 0 : 1;
}

/* COW: the target's child G shares area with it; only the target may see
 * the parent's write. G waits on gpipe and exits 0 if area is untouched. */
static int gpipe[2];
static pid_t grandchild;

static char cow_setup(void)
{
	char c;

	memset(area, 'T', NPAGES * PAGE);
	if (pipe(gpipe))
		return 1;
	grandchild = fork();
	if (grandchild == 0) {
		close(gpipe[1]);
		while (read(gpipe[0], &c, 1) > 0)
			;
		_exit(all(area, 'T', NPAGES * PAGE) ? 0 : 1);
	}
	close(gpipe[0]);
	return grandchild < 0;
}

static int check_cow(void)
{
	close(gpipe[1]);
	int g = reap(grandchild);
	bool mine = memcmp(area + 10, "COW", 3) == 0 && all(area, 'T', 10);
	return (mine ? 0 : 1) | (g == 0 ? 0 : 2);
}

static char ro_setup(void)
{
	memset(area, 'r', PAGE);
	return (char)mprotect(area, PAGE, PROT_READ);
}

/* /proc/PID/mem forced "forced" into the read-only page at 30. */
static int check_forced(void)
{
	return memcmp(area + 30, "forced", 6) == 0 && all(area, 'r', 30) ? 0 : 1;
}

/* ... and "forced" into its private read-only mapping of the file. */
static int check_forced_file(void)
{
	return memcmp(fmap, "forced", 6) == 0 && memcmp(fmap + 6, FILE_TEXT + 6, 8) == 0 ? 0 : 1;
}

/* An unprivileged caller against root's process (the parent): the errno
 * of each try, as bits: 1 readv not EPERM, 2 writev not EPERM, 4 the open
 * of /proc/PPID/mem not EACCES. */
static int unprivileged(void *arg)
{
	char buf[8], path[32];
	int bad = 0;

	(void)arg;
	if (setgid(1000) || setuid(1000))
		return 64;
	errno = 0;
	bad |= pvm1(false, getppid(), buf, area, 8) != -1 || errno != EPERM;
	errno = 0;
	bad |= (pvm1(true, getppid(), buf, area, 8) != -1 || errno != EPERM) << 1;
	snprintf(path, sizeof path, "/proc/%d/mem", (int)getppid());
	errno = 0;
	bad |= (open(path, O_RDONLY) != -1 || errno != EACCES) << 2;
	return bad;
}

static char become_1000(void)
{
	memset(area, 'u', PAGE);
	return (char)(setgid(1000) || setuid(1000));
}

static int exit_now(void *arg)
{
	(void)arg;
	return 0;
}

/* ---- the cases ---------------------------------------------------------------- */

static void reads(void)
{
	static char buf[NPAGES * PAGE];
	char a[10], b[5000];
	struct target t = start(fill_c, NULL);

	tap_try(pvm1(false, t.pid, buf, area, sizeof buf), (long)sizeof buf, 0,
		"process_vm_readv of 4 pages -> 16384");
	tap_ok(all(buf, 'c', sizeof buf), "... they hold the target's bytes, not ours");
	struct iovec l[2] = { { a, 10 }, { b, 5000 } }, r = { area + 100, 5010 };
	tap_try(pvm(false, t.pid, l, 2, &r, 1, 0), 5010, 0, "two local iovecs, one remote -> 5010");
	tap_ok(all(a, 'c', 10) && all(b, 'c', 5000), "... both filled");
	struct iovec l1 = { buf, 300 };
	struct iovec rh[3] = { { area, 100 }, { hole, 100 }, { area + 200, 100 } };
	tap_try(pvm(false, t.pid, &l1, 1, rh, 3, 0), 100, 0,
		"remote iovecs with an unmapped one in the middle -> 100 (stops at the hole)");
	tap_try(pvm1(false, t.pid, buf, hole, 10), -1, EFAULT, "remote unmapped address -> EFAULT");
	tap_try(pvm1(false, t.pid, buf, (void *)KERNEL_ADDR, 10), -1, EFAULT,
		"remote kernel address -> EFAULT");
	tap_try(pvm1(false, t.pid, buf, area + NPAGES * PAGE - 50, 100), 50, 0,
		"remote range running off the end of the area -> 50");
	memset(buf, 'x', sizeof buf);
	tap_try(pvm1(false, getpid(), buf + 8, buf, 8), 8, 0, "process_vm_readv of oneself -> 8");
	tap_try(pvm1(false, getpid(), buf, wo, 8), -1, EFAULT,
		"readv of a PROT_WRITE-only page -> EFAULT (it needs PROT_READ)");
	tap_try(pvm1(true, getpid(), buf, wo, 8), 8, 0, "writev into it -> 8");
	tap_status(finish(&t), 0, "target ends normally");
}

static void writes(void)
{
	struct target t = start(NULL, check_msg);

	tap_try(pvm1(true, t.pid, (void *)msg, area + PAGE - 5, sizeof msg), (long)sizeof msg, 0,
		"process_vm_writev across a page boundary, into pages shared copy-on-write with us");
	tap_ok(all(area, 'P', 2 * PAGE), "... our own copy did not change");
	tap_status(finish(&t), 0, "the target sees the bytes (exit 0)");
}

static void edges(void)
{
	static char buf[2 * PAGE];
	struct target t = start(edge_setup, check_edge);

	tap_ok(t.note == 0, "target made page 2 PROT_NONE");
	tap_try(pvm1(false, t.pid, buf, area + PAGE + 100, 2 * PAGE), PAGE - 100, 0,
		"readv across the target's PROT_NONE edge -> 3996");
	tap_ok(all(buf, 'e', PAGE - 100), "... the bytes before it");
	tap_try(pvm1(false, t.pid, buf, area + 2 * PAGE, 10), -1, EFAULT,
		"readv starting in a PROT_NONE page -> EFAULT");
	memset(buf, 'W', 2 * PAGE);
	tap_try(pvm1(true, t.pid, buf, area + PAGE + 100, 2 * PAGE), PAGE - 100, 0,
		"writev across the target's PROT_NONE edge -> 3996");
	struct iovec l = { buf, 2 * PAGE };
	struct iovec r[2] = { { area + 2 * PAGE - 8, 8 }, { area + 2 * PAGE, 8 } };
	tap_try(pvm(true, t.pid, &l, 1, r, 2, 0), 8, 0,
		"writev: second remote iovec in the PROT_NONE page -> 8");
	tap_status(finish(&t), 0, "target saw exactly the bytes before the edge");

	t = start(NULL, check_local_edge);
	tap_try(pvm1(false, t.pid, lbuf + PAGE - 96, area, 200), 96, 0,
		"readv into a local buffer running into PROT_NONE -> 96");
	tap_ok(all(lbuf + PAGE - 96, 'P', 96), "... the bytes that fit");
	memset(lbuf + PAGE - 96, 'L', 96);
	tap_try(pvm1(true, t.pid, lbuf + PAGE - 96, area, 200), 96, 0,
		"writev from a local buffer running into PROT_NONE -> 96");
	tap_try(pvm1(true, t.pid, lbuf + PAGE, area, 10), -1, EFAULT,
		"writev from a PROT_NONE local buffer -> EFAULT");
	tap_try(pvm1(false, t.pid, gone, area, 10), -1, EFAULT,
		"readv into an unmapped local buffer -> EFAULT");
	tap_try(pvm1(false, t.pid, (void *)KERNEL_ADDR, area, 10), -1, EFAULT,
		"readv into a kernel address -> EFAULT");
	tap_status(finish(&t), 0, "target saw the 96 bytes and no more");
}

static void faults_in(void)
{
	char buf[PAGE];
	struct target t = start(NULL, check_fresh);

	memset(buf, 1, sizeof buf);
	tap_try(pvm1(false, t.pid, buf, fresh, PAGE), PAGE, 0, "readv of a page never touched -> 4096");
	tap_ok(all(buf, 0, PAGE), "... zeros");
	tap_try(pvm1(true, t.pid, "demand", fresh + PAGE + 7, 6), 6, 0,
		"writev into a page never touched -> 6");
	tap_status(finish(&t), 0, "the target sees it there");

	t = start(swap_setup, check_swap);
	if (have_swap() && on_faultline())
		tap_ok(t.note == 0, "the target's pages are out in swap");
	else
		tap_skip("no swap, or Linux counts the swap cache as resident",
			 "the target's pages are out in swap");
	tap_try(pvm1(false, t.pid, buf, swp, PAGE), PAGE, 0, "readv of a swapped-out page -> 4096");
	tap_ok(page_ok(buf, 0, 7), "... it holds what the target wrote");
	tap_try(pvm1(true, t.pid, "swapped", swp + PAGE + 64, 7), 7, 0,
		"writev into a swapped-out page -> 7");
	tap_status(finish(&t), 0, "the target sees its page and the new bytes");

	t = start(cow_setup, check_cow);
	tap_ok(t.note == 0, "target forked a child sharing its pages");
	tap_try(pvm1(true, t.pid, "COW", area + 10, 3), 3, 0,
		"writev into a page the target shares copy-on-write with its child -> 3");
	tap_status(finish(&t), 0, "only the target sees it; its child still has the old bytes");

	t = start(ro_setup, check_forced);
	tap_ok(t.note == 0, "target made page 0 read-only");
	tap_try(pvm1(true, t.pid, "no", area + 30, 2), -1, EFAULT,
		"writev into the target's read-only page -> EFAULT");
	tap_try(pvm1(false, t.pid, buf, area, 30), 30, 0, "readv of it -> 30");
	tap_ok(all(buf, 'r', 30), "... its bytes");
	char path[32];
	snprintf(path, sizeof path, "/proc/%d/mem", (int)t.pid);
	int fd = open(path, O_RDWR);
	tap_ok(fd >= 0, "open %s O_RDWR", "/proc/PID/mem");
	tap_try(pwrite(fd, "forced", 6, (off_t)(uintptr_t)(area + 30)), 6, 0,
		"pwrite to /proc/PID/mem into the read-only page -> 6 (FOLL_FORCE)");
	tap_ok(all(area, 'P', PAGE), "... our copy of that page is unchanged");
	close(fd);
	tap_status(finish(&t), 0, "the target sees the forced write");

	t = start(NULL, check_forced_file);
	snprintf(path, sizeof path, "/proc/%d/mem", (int)t.pid);
	fd = open(path, O_RDWR);
	tap_try(pwrite(fd, "forced", 6, (off_t)(uintptr_t)fmap), 6, 0,
		"pwrite to /proc/PID/mem into a private read-only file mapping -> 6");
	close(fd);
	tap_status(finish(&t), 0, "the target sees it in its copy of the page");
	tap_ok(pread(ffd, buf, sizeof FILE_TEXT, 0) == sizeof FILE_TEXT &&
		       memcmp(buf, FILE_TEXT, sizeof FILE_TEXT) == 0 &&
		       memcmp(fmap, FILE_TEXT, sizeof FILE_TEXT) == 0,
	       "the file and our mapping of it still hold the old bytes");
}

static void arguments(void)
{
	char buf[16];
	struct iovec ok = { buf, 8 }, rok = { area, 8 }, zero = { buf, 0 };
	struct iovec neg = { buf, (size_t)-1 };
	static struct iovec many[UIO_MAXIOV + 1];
	pid_t dead = spawn(exit_now, NULL);
	reap(dead);

	for (int i = 0; i <= UIO_MAXIOV; i++)
		many[i] = (struct iovec){ buf, 0 };
	many[0].iov_len = 8;
	SYSCALL_CASE(-1, EINVAL, "flags 1 -> EINVAL", SYS_process_vm_readv, getpid(), &ok, 1, &rok, 1, 1);
	SYSCALL_CASE(-1, EINVAL, "flags 1 comes before a bad local iovec and a dead pid",
		     SYS_process_vm_writev, dead, NULL, 1, NULL, 1, 1);
	SYSCALL_CASE(-1, EINVAL, "1025 local iovecs -> EINVAL", SYS_process_vm_readv, getpid(), many,
		     UIO_MAXIOV + 1, &rok, 1, 0);
	SYSCALL_CASE(8, 0, "1024 local iovecs -> 8", SYS_process_vm_readv, getpid(), many, UIO_MAXIOV,
		     &rok, 1, 0);
	SYSCALL_CASE(-1, EINVAL, "1025 remote iovecs -> EINVAL", SYS_process_vm_readv, getpid(), &ok, 1,
		     many, UIO_MAXIOV + 1, 0);
	SYSCALL_CASE(8, 0, "1024 remote iovecs -> 8", SYS_process_vm_readv, getpid(), &ok, 1, many,
		     UIO_MAXIOV, 0);
	SYSCALL_CASE(-1, EFAULT, "local iovec array at NULL -> EFAULT", SYS_process_vm_readv, getpid(),
		     NULL, 1, &rok, 1, 0);
	SYSCALL_CASE(-1, EFAULT, "remote iovec array at NULL -> EFAULT", SYS_process_vm_readv, getpid(),
		     &ok, 1, NULL, 1, 0);
	SYSCALL_CASE(-1, EFAULT, "a bad remote array comes before a dead pid", SYS_process_vm_readv,
		     dead, &ok, 1, (void *)KERNEL_ADDR, 1, 0);
	SYSCALL_CASE(-1, EINVAL, "a local length negative as ssize_t -> EINVAL", SYS_process_vm_readv,
		     getpid(), &neg, 1, &rok, 1, 0);
	SYSCALL_CASE(-1, EINVAL, "a remote length negative as ssize_t -> EINVAL", SYS_process_vm_readv,
		     getpid(), &ok, 1, &neg, 1, 0);
	SYSCALL_CASE(0, 0, "local total 0 -> 0, before the remote array, its count and the pid",
		     SYS_process_vm_readv, dead, &zero, 1, NULL, UIO_MAXIOV + 1, 0);
	SYSCALL_CASE(0, 0, "no local iovecs -> 0", SYS_process_vm_writev, dead, NULL, 0, NULL, 1, 0);
	SYSCALL_CASE(0, 0, "remote total 0 -> 0, before the pid", SYS_process_vm_readv, dead, &ok, 1,
		     many + 1, 3, 0);
	SYSCALL_CASE(0, 0, "no remote iovecs -> 0", SYS_process_vm_readv, dead, &ok, 1, NULL, 0, 0);
	SYSCALL_CASE(-1, ESRCH, "a reaped pid -> ESRCH", SYS_process_vm_readv, dead, &ok, 1, &rok, 1, 0);
	SYSCALL_CASE(-1, ESRCH, "pid 0 -> ESRCH", SYS_process_vm_readv, 0, &ok, 1, &rok, 1, 0);
	SYSCALL_CASE(-1, ESRCH, "pid -1 -> ESRCH", SYS_process_vm_writev, -1, &ok, 1, &rok, 1, 0);
	SYSCALL_CASE(8, 0, "liovcnt is an unsigned int inside: 2^32 + 1 is 1", SYS_process_vm_readv,
		     getpid(), &ok, (1UL << 32) + 1, &rok, 1, 0);

	/* A zombie has no memory left to copy: ESRCH, as a process that is gone;
	 * so is opening its /proc/PID/mem (Linux 6.18's mm_access). */
	pid_t z = spawn(exit_now, NULL);
	siginfo_t si;
	waitid(P_PID, z, &si, WEXITED | WNOWAIT);
	SYSCALL_CASE(-1, ESRCH, "a zombie -> ESRCH", SYS_process_vm_readv, z, &ok, 1, &rok, 1, 0);
	char path[32];
	snprintf(path, sizeof path, "/proc/%d/mem", (int)z);
	tap_try(open(path, O_RDONLY), -1, ESRCH, "open /proc/PID/mem of a zombie -> ESRCH");
	reap(z);
}

static void permissions(void)
{
	char buf[8];

	child_case(unprivileged, NULL, EXITED(0),
		   "uid 1000 against root's process: readv, writev EPERM, /proc/PID/mem EACCES");
	struct target t = start(become_1000, NULL);
	tap_ok(t.note == 0, "target is uid 1000 now");
	tap_try(pvm1(false, t.pid, buf, area, 8), 8, 0, "root reads another uid's process -> 8");
	tap_ok(all(buf, 'u', 8), "... its bytes");
	tap_status(finish(&t), 0, "target ends normally");
}

static void procmem(void)
{
	char buf[200], path[32];
	struct target t = start(NULL, check_msg);

	snprintf(path, sizeof path, "/proc/%d/mem", (int)t.pid);
	int fd = open(path, O_RDWR);
	tap_ok(fd >= 0, "open /proc/PID/mem O_RDWR");
	off_t a = (off_t)(uintptr_t)area;
	tap_try(pread(fd, buf, 100, a), 100, 0, "pread at an address -> 100");
	tap_ok(all(buf, 'P', 100), "... the target's bytes");
	tap_try(pwrite(fd, msg, sizeof msg, a + PAGE - 5), (long)sizeof msg, 0,
		"pwrite across a page boundary -> 22");
	tap_try(lseek(fd, a + PAGE - 5, SEEK_SET), a + PAGE - 5, 0, "lseek to an address returns it");
	tap_try(read(fd, buf, sizeof msg), (long)sizeof msg, 0, "read from there");
	tap_ok(memcmp(buf, msg, sizeof msg) == 0, "... reads back the write");
	tap_try(lseek(fd, 0, SEEK_CUR), a + PAGE - 5 + (off_t)sizeof msg, 0, "... and moved the offset");
	tap_try(lseek(fd, 0, SEEK_END), -1, EINVAL, "SEEK_END -> EINVAL");
	tap_try(pread(fd, buf, 10, (off_t)(uintptr_t)hole), -1, EIO, "pread of an unmapped address -> EIO");
	tap_try(pwrite(fd, "x", 1, (off_t)(uintptr_t)hole), -1, EIO, "pwrite there -> EIO");
	tap_try(pread(fd, buf, 100, a + NPAGES * PAGE - 50), 50, 0,
		"pread running off the end of the mapping -> 50");
	tap_try(pread(fd, NULL, 10, a), -1, EFAULT, "pread into NULL -> EFAULT");
	tap_try(pread(fd, buf, 0, (off_t)(uintptr_t)hole), 0, 0, "pread of 0 bytes -> 0");
	tap_ok(all(area, 'P', 2 * PAGE), "our own pages did not change");
	tap_status(finish(&t), 0, "the target sees the pwrite");
	tap_try(pread(fd, buf, 10, a), 0, 0, "pread after the target is gone -> 0");
	close(fd);

	memset(ro, 'o', PAGE);
	mprotect(ro, PAGE, PROT_READ);
	fd = open("/proc/self/mem", O_RDWR);
	tap_ok(fd >= 0, "open /proc/self/mem O_RDWR");
	tap_try(pwrite(fd, "self", 4, (off_t)(uintptr_t)ro + 8), 4, 0,
		"pwrite into our own read-only page -> 4 (FOLL_FORCE)");
	tap_ok(memcmp(ro + 8, "self", 4) == 0 && all(ro, 'o', 8), "... it is there");
	tap_try(pread(fd, buf, 12, (off_t)(uintptr_t)ro), 12, 0, "pread of it -> 12");
	tap_ok(memcmp(buf, "ooooooooself", 12) == 0, "... the same bytes");
	mprotect(ro, PAGE, PROT_NONE);
	tap_try(pread(fd, buf, 4, (off_t)(uintptr_t)ro + 8), 4, 0, "pread of a PROT_NONE page -> 4 (forced)");
	tap_try(pwrite(fd, "none", 4, (off_t)(uintptr_t)ro), 4, 0, "pwrite into it -> 4 (forced)");
	mprotect(ro, PAGE, PROT_READ);
	tap_ok(memcmp(ro, "noneoooo", 8) == 0, "... it is there");
	tap_try(pwrite(fd, "x", 1, (off_t)(uintptr_t)sh), -1, EIO,
		"pwrite into a read-only *shared* page -> EIO (force breaks only private pages)");
	tap_try(pread(fd, buf, 1, (off_t)(uintptr_t)sh), 1, 0, "pread of it -> 1");
	close(fd);
}

int main(void)
{
	ffd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (ffd < 0 || write(ffd, FILE_TEXT, sizeof FILE_TEXT) != sizeof FILE_TEXT)
		bail(FILE_PATH);
	fmap = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, ffd, 0);
	if (fmap == MAP_FAILED || unlink(FILE_PATH))
		bail("mmap " FILE_PATH);
	wo = mmap(NULL, PAGE, PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sh = mmap(NULL, PAGE, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (wo == MAP_FAILED || ro == MAP_FAILED || sh == MAP_FAILED)
		bail("mmap");
	/* After this only lbuf (3 pages) is mapped: the one-page holes stay holes. */
	char *m = mmap(NULL, (NPAGES + 1 + 2 + 2 + 1) * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		bail("mmap");
	area = m;
	munmap(m + NPAGES * PAGE, PAGE);
	fresh = m + (NPAGES + 1) * PAGE;
	swp = fresh + 2 * PAGE;
	hole = swp + 2 * PAGE;
	munmap(hole, PAGE);
	memset(area, 'P', NPAGES * PAGE);
	lbuf = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (lbuf == MAP_FAILED || mprotect(lbuf + PAGE, PAGE, PROT_NONE))
		bail("mmap");
	gone = lbuf + 2 * PAGE;
	munmap(gone, PAGE);

	reads();
	writes();
	edges();
	faults_in();
	arguments();
	permissions();
	procmem();
	return done_testing();
}

/* user/isolation.c — the two promises of a kernel about memory, tested where
 * faultline once broke them: processes are isolated, and no data is lost.
 *
 * Each case is an input that went wrong, kept as a regression test, plus
 * its neighbours of the same kind (issue 8, part A):
 *  - copy-on-write after a page was read-only at fork and made writable
 *    later (mprotect must not hand a shared frame back writable), both
 *    directions, also through swap;
 *  - a write after a swap-in followed by mprotect and a second page-out
 *    (the swap cache's copy must never be trusted once the page changed);
 *  - MADV_DONTNEED on MAP_SHARED memory drops the mapping, never the data;
 *  - reads of untouched memory larger than RAM (the shared zero page);
 *  - huge PROT_NONE reservations are cheap to map, change and unmap;
 *  - a child that exhausts memory inside a system call dies alone.
 * Linux is the reference: the same binary passes there. On faultline it runs
 * on the small swap machine (64 MiB, two swap disks), so pages really move.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "swap.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

static int p2c[2], c2p[2];
static void send_byte(int fd) { if (write(fd, "x", 1) != 1) _exit(120); }
static void wait_byte(int fd) { char c; if (read(fd, &c, 1) != 1) _exit(121); }

static char *map_page(int flags)
{
	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bail("mmap");
	return p;
}

/* ---- copy-on-write of a page that was read-only at fork ------------------ */

enum when { PLAIN, OUT_BEFORE_FORK, BACK_BEFORE_FORK, OUT_AFTER_FORK };
static const char *const when_name[] = {
	"resident", "paged out at fork", "paged out and read back before fork",
	"paged out after fork",
};

/* The page holds 'p' and is read-only at fork. The writer side makes it
 * writable and writes 'W'; the other side must still read 'p'. */
static void cow_case(enum when when, bool parent_writes)
{
	char *p = map_page(MAP_PRIVATE);
	const char *who = parent_writes ? "parent" : "child";

	p[0] = 'p';
	mprotect(p, PAGE, PROT_READ);
	if (when != PLAIN)
		madvise(p, PAGE, MADV_PAGEOUT);
	if (when == BACK_BEFORE_FORK)
		(void)*(volatile char *)p;
	if (pipe(p2c) || pipe(c2p))
		bail("pipe");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (!parent_writes) {
			mprotect(p, PAGE, PROT_READ | PROT_WRITE);
			p[0] = 'W';
			send_byte(c2p[1]);
			wait_byte(p2c[0]);
			_exit(p[0] == 'W' ? 0 : 2);
		}
		wait_byte(p2c[0]);
		_exit(p[0] == 'p' ? 0 : 1);
	}
	if (when == OUT_AFTER_FORK)
		madvise(p, PAGE, MADV_PAGEOUT);
	if (parent_writes) {
		mprotect(p, PAGE, PROT_READ | PROT_WRITE);
		p[0] = 'W';
		send_byte(p2c[1]);
		tap_status(reap(pid), EXITED(0), "COW (%s): the parent's write after mprotect is not "
			   "seen by the child", when_name[when]);
		tap_ok(p[0] == 'W', "COW (%s): the parent keeps its own write", when_name[when]);
	} else {
		wait_byte(c2p[0]);
		tap_ok(p[0] == 'p', "COW (%s): the %s's write after mprotect is not seen by the parent",
		       when_name[when], who);
		send_byte(p2c[1]);
		tap_status(reap(pid), EXITED(0), "COW (%s): the child keeps its own write",
			   when_name[when]);
	}
	close(p2c[0]), close(p2c[1]), close(c2p[0]), close(c2p[1]);
	munmap(p, PAGE);
}

/* ---- no write is lost after swap ------------------------------------------ */

/* Pushes the page out, reads it back (a clean copy stays in swap), writes
 * 'B', changes the protection as given, pushes it out again: 'B' must come
 * back, in user mode and through the kernel's copy (write to a pipe). */
static void lost_write_case(int prot1, int prot2, const char *what)
{
	char *d = map_page(MAP_PRIVATE), got = 0;
	int fds[2];

	d[0] = 'A';
	madvise(d, PAGE, MADV_PAGEOUT);
	(void)*(volatile char *)d;
	d[0] = 'B';
	mprotect(d, PAGE, prot1);
	if (prot2)
		mprotect(d, PAGE, prot2);
	madvise(d, PAGE, MADV_PAGEOUT);
	if (pipe(fds))
		bail("pipe");
	tap_ok(write(fds[1], d, 1) == 1 && read(fds[0], &got, 1) == 1 && got == 'B',
	       "swap, write, %s, swap: the kernel's copy reads the newest data", what);
	madvise(d, PAGE, MADV_PAGEOUT);
	tap_ok(d[0] == 'B', "swap, write, %s, swap: a user read sees the newest data", what);
	close(fds[0]), close(fds[1]);
	munmap(d, PAGE);
}

/* The same through a read() into the page (a kernel write after swap-in). */
static void lost_kernel_write_case(void)
{
	char *d = map_page(MAP_PRIVATE);
	int fds[2];

	d[0] = 'A';
	madvise(d, PAGE, MADV_PAGEOUT);
	(void)*(volatile char *)d;
	if (pipe(fds) || write(fds[1], "K", 1) != 1)
		bail("pipe");
	tap_ok(read(fds[0], d, 1) == 1, "read() into a page read back from swap");
	mprotect(d, PAGE, PROT_READ);
	madvise(d, PAGE, MADV_PAGEOUT);
	tap_ok(d[0] == 'K', "swap, read() into it, mprotect, swap: the kernel's write survives");
	close(fds[0]), close(fds[1]);
	munmap(d, PAGE);
}

/* ---- MADV_DONTNEED on shared memory --------------------------------------- */

static void dontneed_shared(void)
{
	char *s = map_page(MAP_SHARED);

	memset(s, 3, PAGE);
	tap_try(madvise(s, PAGE, MADV_DONTNEED), 0, 0, "MADV_DONTNEED on MAP_SHARED memory -> 0");
	tap_ok(s[0] == 3 && s[PAGE - 1] == 3, "MADV_DONTNEED keeps shared memory's contents");
	if (pipe(p2c) || pipe(c2p))
		bail("pipe");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		madvise(s, PAGE, MADV_DONTNEED);
		s[1] = 7;
		send_byte(c2p[1]);
		wait_byte(p2c[0]);
		_exit(s[2] == 9 && s[0] == 3 ? 0 : 1);
	}
	wait_byte(c2p[0]);
	tap_ok(s[1] == 7, "after the child's MADV_DONTNEED its writes still reach the parent");
	s[2] = 9;
	send_byte(p2c[1]);
	tap_status(reap(pid), EXITED(0), "... and the parent's writes still reach the child");
	close(p2c[0]), close(p2c[1]), close(c2p[0]), close(c2p[1]);
	munmap(s, PAGE);
}

/* ---- the shared zero page -------------------------------------------------- */

/* 200 MiB never written: every read finds zeros and costs no memory, on a
 * machine with 64 MiB of RAM. One write then gives that page alone a frame. */
static void zero_page(void)
{
	const size_t len = 200 * MIB;
	const volatile uint64_t *z = mmap(NULL, len, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint64_t sum = 0;
	long before = proc_value("/proc/vmstat", "zero_page_maps");

	if (z == MAP_FAILED)
		bail("mmap 200 MiB");
	for (size_t off = 0; off < len; off += PAGE)
		sum |= z[off / 8] | z[(off + PAGE - 8) / 8];
	tap_ok(sum == 0, "reading 200 MiB of untouched memory finds zeros");
	if (before < 0)
		tap_skip("Linux has no zero_page_maps counter", "/proc/vmstat counts the zero-page maps");
	else
		tap_ok(proc_value("/proc/vmstat", "zero_page_maps") - before >= (long)(len / PAGE),
		       "/proc/vmstat counts the zero-page maps");
	((uint64_t *)z)[PAGE / 8] = 42;
	tap_ok(z[PAGE / 8] == 42 && z[0] == 0 && z[2 * PAGE / 8] == 0,
	       "a write after the read gives that page its own frame, its neighbours stay zero");
	munmap((void *)z, len);
}

/* ---- huge reservations ------------------------------------------------------ */

/* A 4 TiB PROT_NONE reservation (what allocators and language runtimes
 * make) is mapped, partly re-protected, touched far apart and unmapped, many
 * times over: the kernel's cost must follow what is mapped, not the range. */
static void huge_reservations(void)
{
	const size_t big = 4UL << 40, gib = 1UL << 30;
	int ok = 1;

	for (int round = 0; round < 20 && ok; round++) {
		char *r = mmap(NULL, big, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (r == MAP_FAILED) {
			ok = 0;
			break;
		}
		ok &= mprotect(r, big / 2, PROT_READ) == 0;
		for (size_t off = 0; off < big / 2 && ok; off += 64 * gib)
			ok &= *(volatile char *)(r + off) == 0;
		ok &= mprotect(r, big, PROT_NONE) == 0;
		ok &= munmap(r, big) == 0;
	}
	tap_ok(ok, "20 rounds of mmap/mprotect/touch/munmap of a 4 TiB PROT_NONE reservation");
}

/* Many rounds of map, touch, fork, exit: each costs the same as the first. */
static void map_and_fork(void)
{
	int bad = 0;

	for (int round = 0; round < 400 && !bad; round++) {
		char *p = map_page(MAP_PRIVATE);
		p[0] = (char)round;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0)
			_exit(p[0] == (char)round ? 0 : 1);
		bad |= reap(pid) != EXITED(0);
		if (round % 2)
			munmap(p, PAGE);
	}
	tap_ok(!bad, "400 rounds of map, touch, fork and exit");
}

/* ---- running out of memory inside a system call ---------------------------- */

/* A child locks its memory as it faults in (mlockall with MCL_ONFAULT, so
 * no page can go to swap) and reads 512 MiB of /dev/zero into it: on
 * faultline's small machine far more than RAM, so the OOM killer runs while
 * the kernel's copy is faulting pages in. Linux lets it finish (plenty of
 * RAM there); faultline must kill the child, and only the child: never its
 * parent, never init. */
static void oom_in_syscall(void)
{
	const size_t len = 512 * MIB;
	char *keep = map_page(MAP_PRIVATE);

	memset(keep, 0x5c, PAGE);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				 -1, 0);
		int fd = open("/dev/zero", O_RDONLY);
		if (buf == MAP_FAILED || fd < 0 || mlockall(MCL_CURRENT | MCL_ONFAULT))
			_exit(3);
		for (size_t off = 0; off < len; off += 64 * MIB)
			if (read(fd, buf + off, 64 * MIB) < 0)
				_exit(4);
		_exit(0);
	}
	int st = reap(pid);
	tap_ok(st == EXITED(0) || st == KILLED(SIGKILL),
	       "a child exhausting memory in read() ends alone (%s)", status_name(st));
	tap_ok(keep[0] == 0x5c && keep[PAGE - 1] == 0x5c, "the parent lives on with its memory intact");
	munmap(keep, PAGE);
}

int main(void)
{
	for (enum when w = PLAIN; w <= OUT_AFTER_FORK; w++) {
		cow_case(w, true);
		cow_case(w, false);
	}
	lost_write_case(PROT_READ, 0, "mprotect(PROT_READ)");
	lost_write_case(PROT_READ, PROT_READ | PROT_WRITE, "PROT_READ then PROT_READ|PROT_WRITE");
	lost_write_case(PROT_NONE, PROT_READ, "PROT_NONE then PROT_READ");
	lost_kernel_write_case();
	dontneed_shared();
	zero_page();
	huge_reservations();
	map_and_fork();
	oom_in_syscall();
	return done_testing();
}

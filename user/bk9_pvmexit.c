/* user/bk9_pvmexit.c — process_vm_readv and /proc/PID/mem against targets
 * that come and go: many targets at once, a stopped one, our parent, and
 * targets that exit while we read them over and over. Ideas from LTP's
 * process_vm01 (bad pids) and gVisor's process_vm_read/write tests,
 * written fresh. Each rule was first seen on Linux:
 *  - pid 0, -1 and one that never existed are ESRCH.
 *  - each of 16 children is read by its own pid and gives its own bytes.
 *  - a target stopped by SIGSTOP is read and written like a running one;
 *    a child may read its parent.
 *  - while a target exits, every read either moves everything or fails:
 *    process_vm_readv with ESRCH, a /proc/PID/mem file with 0 bytes. A
 *    transfer never returns bytes that are not the target's.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#include "child.h"

#define PAGE 4096
#define LEN (16 * PAGE)
#define NKIDS 16

static char *area; /* LEN bytes: a child fills it with its own letter */

static long readv1(pid_t pid, void *local, void *remote, size_t n)
{
	struct iovec l = { local, n }, r = { remote, n };

	return syscall(SYS_process_vm_readv, pid, &l, 1, &r, 1, 0);
}

static bool all(const char *p, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return false;
	return true;
}

static int gos[NKIDS], ngo; /* the write ends we hold: a new child closes them */

/* A child that fills area with c, says so on ready, and waits for EOF on
 * go (which comes only once no other child holds its write end either). */
static pid_t holder(char c, int *go_w)
{
	int ready[2], go[2];
	char x;

	if (pipe(ready) || pipe(go))
		bail("pipe");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		for (int i = 0; i < ngo; i++)
			close(gos[i]);
		memset(area, c, LEN);
		write(ready[1], &c, 1);
		while (read(go[0], &x, 1) > 0)
			;
		_exit(all(area, c, LEN) ? 0 : 1);
	}
	close(ready[1]);
	close(go[0]);
	if (pid < 0 || read(ready[0], &x, 1) != 1)
		bail("holder");
	close(ready[0]);
	*go_w = gos[ngo++] = go[1];
	return pid;
}

static void pid_cases(void)
{
	char buf[8];

	SYSCALL_CASE(-1, ESRCH, "pid 0 -> ESRCH", SYS_process_vm_readv, 0,
		     &(struct iovec){ buf, 8 }, 1, &(struct iovec){ area, 8 }, 1, 0);
	SYSCALL_CASE(-1, ESRCH, "pid -1 -> ESRCH", SYS_process_vm_readv, -1,
		     &(struct iovec){ buf, 8 }, 1, &(struct iovec){ area, 8 }, 1, 0);
	SYSCALL_CASE(-1, ESRCH, "pid INT_MAX -> ESRCH", SYS_process_vm_readv, INT_MAX,
		     &(struct iovec){ buf, 8 }, 1, &(struct iovec){ area, 8 }, 1, 0);
}

static void many_cases(void)
{
	pid_t pid[NKIDS];
	int go[NKIDS];
	char *buf = malloc(LEN);
	bool ok = true;

	for (int i = 0; i < NKIDS; i++)
		pid[i] = holder('A' + i, &go[i]);
	for (int i = NKIDS - 1; i >= 0; i--) {
		memset(buf, 0, LEN);
		ok = ok && readv1(pid[i], buf, area, LEN) == LEN && all(buf, 'A' + i, LEN);
	}
	tap_ok(ok, "16 children at once: each pid gives its own 64 KiB");
	kill(pid[3], SIGSTOP);
	int st;
	waitpid(pid[3], &st, WUNTRACED);
	tap_ok(readv1(pid[3], buf, area, LEN) == LEN && all(buf, 'D', LEN), "a stopped child is read");
	struct iovec l = { "D", 1 }, r = { area + 100, 1 };
	tap_eq(syscall(SYS_process_vm_writev, pid[3], &l, 1, &r, 1, 0), 1, "... and written");
	kill(pid[3], SIGCONT);
	int bad = 0;
	for (int i = 0; i < NKIDS; i++) {
		close(go[i]);
		bad += reap(pid[i]) != EXITED(0);
	}
	tap_eq(bad, 0, "every child still holds only its own letter");
	free(buf);
}

static int read_parent(void *unused)
{
	char buf[64];
	(void)unused;
	return readv1(getppid(), buf, area, 64) == 64 && all(buf, 'P', 64) ? 0 : 1;
}

/* The child lives about `us` microseconds, then exits. */
static int live_briefly(void *us)
{
	struct timespec t = { 0, *(long *)us * 1000 };

	nanosleep(&t, NULL);
	return 0;
}

static void exit_race_cases(void)
{
	char *buf = malloc(LEN);
	int full = 0, esrch = 0, odd = 0, zero = 0, fodd = 0;

	for (long round = 0; round < 30; round++) {
		long us = 200 + round * 300;
		pid_t pid = spawn(live_briefly, &us);
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/mem", pid);
		int fd = open(path, O_RDONLY);
		for (;;) {
			memset(buf, 0, LEN);
			errno = 0;
			long r = readv1(pid, buf, area, LEN);
			if (r == LEN && all(buf, 'P', LEN))
				full++;
			else if (r == -1 && errno == ESRCH)
				esrch++;
			else if (odd++ == 0)
				tap_diag("round %ld: process_vm_readv -> %ld (%s)", round, r, tap_errname(errno));
			long f = fd < 0 ? 0 : pread(fd, buf, LEN, (long)area);
			if (f == 0)
				zero++;
			else if ((f != LEN || !all(buf, 'P', LEN)) && fodd++ == 0)
				tap_diag("round %ld: pread -> %ld (%s)", round, f, tap_errname(errno));
			if (r < 0 || f == 0)
				break;
		}
		if (fd >= 0)
			close(fd);
		reap(pid);
	}
	tap_ok(odd == 0, "30 targets exiting: process_vm_readv moved all or was ESRCH (%d full, %d ESRCH)",
	       full, esrch);
	if (odd)
		tap_diag("%d partial or wrong transfers", odd);
	tap_ok(fodd == 0, "... /proc/PID/mem read all of it or 0 bytes (%d at 0)", zero);
	if (fodd)
		tap_diag("%d partial or wrong reads", fodd);
	free(buf);
}

int main(void)
{
	area = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		bail("mmap");
	memset(area, 'P', LEN);
	pid_cases();
	many_cases();
	child_case(read_parent, NULL, EXITED(0), "a child reads its parent's bytes");
	exit_race_cases();
	return done_testing();
}

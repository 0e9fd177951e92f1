/* user/acctfile.c — faultline's resource counters,
 * /proc/sys/debug/accounting (kernel/accounting.h), which the runner
 * compares before and after every program: each counter moves with what it
 * counts and comes back when that is freed, and a file left in the ramfs is
 * named as a leftover, not counted. Linux has no such file: there the one
 * case is that it is absent. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define ACCT "/proc/sys/debug/accounting"

static char text[4096];

static void slurp(void)
{
	int fd = open(ACCT, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
	text[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/* The counter's value in the last reading, or LONG_MIN if it has none. */
static long value(const char *name)
{
	size_t len = strlen(name);
	for (char *line = text; *line; line = strchr(line, '\n') + 1) {
		if (strncmp(line, name, len) == 0 && line[len] == ' ')
			return atol(line + len + 1);
		if (!strchr(line, '\n'))
			break;
	}
	return -0x7fffffffffffffffl - 1;
}

static const char *const names[] = { "frames", "heap", "swap_slots", "procs", "mms", "inodes",
				     "page_tables", "fd_tables", "files", "pipes", "vmas",
				     "shmem_objects", "sighands", "next_ino" };
#define N (sizeof(names) / sizeof(names[0]))

static void snapshot(long *v)
{
	slurp();
	for (size_t i = 0; i < N; i++)
		v[i] = value(names[i]);
}

/* Each counter in 'moved' is its delta in 'by' away from before. */
static void expect_moved(const long *before, const char *what, const char *moved[], const long *by)
{
	long now[N];
	snapshot(now);
	for (size_t i = 0; i < N; i++)
		for (size_t j = 0; moved[j]; j++)
			if (strcmp(names[i], moved[j]) == 0)
				tap_ok(now[i] - before[i] == by[j], "%s: %s %+ld (%ld -> %ld)", what, names[i],
				       by[j], before[i], now[i]);
}

static void back(const long *before, const char *what)
{
	long now[N];
	snapshot(now);
	int differ = 0;
	for (size_t i = 0; i < N - 1; i++) /* next_ino only grows */
		if (now[i] != before[i]) {
			tap_diag("%s: %ld -> %ld", names[i], before[i], now[i]);
			differ++;
		}
	tap_ok(!differ, "%s: every counter back", what);
}

int main(void)
{
	if (!on_faultline()) {
		tap_ok(open(ACCT, O_RDONLY) < 0 && errno == ENOENT, "Linux: no " ACCT);
		return done_testing();
	}
	long before[N];
	snapshot(before);
	for (size_t i = 0; i < N; i++)
		tap_ok(before[i] != -0x7fffffffffffffffl - 1, "%s is a counter", names[i]);

	int p[2];
	tap_ok(pipe(p) == 0, "pipe");
	expect_moved(before, "pipe", (const char *[]){ "pipes", "files", NULL }, (long[]){ 1, 2 });
	close(p[0]);
	close(p[1]);
	back(before, "closed both ends");

	pid_t pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	expect_moved(before, "fork",
		     (const char *[]){ "procs", "mms", "fd_tables", "sighands", NULL },
		     (long[]){ 1, 1, 1, 1 });
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	back(before, "child killed and reaped");

	void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	expect_moved(before, "mmap", (const char *[]){ "vmas", NULL }, (long[]){ 1 });
	munmap(m, 4096);
	back(before, "munmap");

	char num[32];
	int fd = open(ACCT, O_WRONLY);
	int len = snprintf(num, sizeof(num), "%ld\n", before[N - 1]);
	tap_ok(fd >= 0 && write(fd, num, (size_t)len) == len, "write next_ino %ld: list files from there", before[N - 1]);
	close(fd);
	fd = open("/tmp/acctfile.left", O_CREAT | O_WRONLY | O_TRUNC, 0600);
	tap_ok(fd >= 0 && write(fd, "12345", 5) == 5 && close(fd) == 0, "make /tmp/acctfile.left, 5 bytes");
	slurp();
	tap_ok(strstr(text, "\nleftover /tmp/acctfile.left 5\n") != NULL, "... listed as a leftover");
	before[N - 1] = value("next_ino"); /* it took an inode number */
	back(before, "a file in the ramfs is no leak");
	unlink("/tmp/acctfile.left");
	slurp();
	tap_ok(!strstr(text, "acctfile.left"), "unlinked: no longer listed");
	fd = open(ACCT, O_WRONLY);
	tap_ok(fd >= 0 && write(fd, "0\n", 2) == 2, "write 0: no listing");
	close(fd);
	return done_testing();
}

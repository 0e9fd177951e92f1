/* user/sbin/runner.c — the ring-3 test runner: run as /init by the test
 * harness, or as the shell's `runtests` command (/bin/runtests on the
 * release ISO), it runs every
 * program named in /etc/expect.txt (copied from user/expect.txt) from /bin,
 * one at a time, with fork + execve + wait4, kills any that outlives its
 * time limit, and prints one TAP line per program saying whether it ended
 * the way expect.txt says (exit code, or the signal that must kill it), and
 * how long it ran. An argument, if given, is that time limit in seconds
 * (tests/inject gives a short one: under fault injection a program whose
 * thread was never made may wait for it for ever). A program that crashes is reported with its signal and
 * the run goes on. The last line says how many passed and failed.
 * The programs' own TAP lines pass straight through to the console.
 *
 * It is infrastructure, not a test: it lives apart from the programs in user/ so the
 * host run (tests/run-linux) does not treat it as one. When it exits, the
 * kernel checks that every frame and heap byte came back (kernel/init.c).
 *
 * As init on faultline it checks each program the same way, and more
 * closely: it reads the kernel's resource counters
 * (/proc/sys/debug/accounting) before the program and again once the
 * program and every process it left behind are gone, prints a line
 * "# accounting: NAME BEFORE -> AFTER after PROGRAM" for each counter that
 * is not back (tests/run fails the run on it) and marks the program not ok;
 * files the program left in the ramfs are named, not counted. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../swap.h" /* meminfo_kb, have_swap */

#define TIME_LIMIT_MS 120000

static long time_limit_ms = TIME_LIMIT_MS;
#define POLL_MS 10

struct expectation {
	char name[64], kind[16], value[16];
};

static const char *const signames[] = {
	[SIGSEGV] = "SIGSEGV", [SIGILL] = "SIGILL", [SIGFPE] = "SIGFPE",
	[SIGBUS] = "SIGBUS", [SIGPIPE] = "SIGPIPE", [SIGKILL] = "SIGKILL", [SIGTRAP] = "SIGTRAP",
};

static int signal_number(const char *name)
{
	for (size_t i = 0; i < sizeof(signames) / sizeof(signames[0]); i++)
		if (signames[i] && strcmp(signames[i], name) == 0)
			return (int)i;
	return -1;
}

/* The status a program must end with, as wait4 reports it. */
static int wanted_status(const struct expectation *e)
{
	if (strcmp(e->kind, "signal") == 0)
		return signal_number(e->value);
	if (strcmp(e->kind, "exit") == 0)
		return atoi(e->value) << 8;
	return 0; /* tap: all cases passed, exit 0 */
}

/* The limit is kept by the clock, not by counting polls: a poll may
 * sleep much longer than POLL_MS on a busy machine. */
static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&t, NULL);
}

/* Run one program; its wait status, or -1 if it could not be started. */
/* Whether pid has ended (its wait status in *status). Every other child
 * that ended meanwhile, an orphan the program left, is reaped too, at once,
 * as a Linux init reaps: a zombie left until the program ends would hold
 * its memory while the program measures what came back (bk12_exhaust). */
static bool reaped(pid_t pid, int *status)
{
	int st;
	for (pid_t w; (w = waitpid(-1, &st, WNOHANG)) > 0;)
		if (w == pid) {
			*status = st;
			return true;
		}
	return false;
}

static int run(const char *name)
{
	char path[128];
	snprintf(path, sizeof(path), "/bin/%s", name);
	char *argv[] = { (char *)name, NULL };
	char *envp[] = { "BIN_DIR=/bin", "HOME=/", NULL };
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(127);
	}
	if (pid < 0)
		return -1;
	int status = 0;
	for (long start = now_ms(); !reaped(pid, &status);) {
		if (now_ms() - start >= time_limit_ms) {
			printf("# %s: still running after %ld s, killing it\n", name, time_limit_ms / 1000);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		sleep_ms(POLL_MS);
	}
	return status;
}

/* As init, the runner inherits every orphan the programs leave behind, and
 * must reap them as any init does: a zombie nobody waits for would hold its
 * kernel memory past the suite's leak check. Between programs, the dead
 * ones; at the end, all, after a grace period for those still running. */
static void reap_orphans(bool all)
{
	for (long start = now_ms();;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (!all || waitpid(-1, NULL, WNOHANG) < 0)
			return;
		if (now_ms() - start >= time_limit_ms) {
			printf("# orphans still running after %ld s, killing them\n", time_limit_ms / 1000);
			kill(-1, SIGKILL);
			while (wait(NULL) > 0)
				;
			return;
		}
		sleep_ms(POLL_MS);
	}
}

/* ---- the kernel's accounting ---- */

#define ACCT_PATH "/proc/sys/debug/accounting"
#define MAX_COUNTERS 32

struct counters {
	int n;
	char name[MAX_COUNTERS][24];
	long value[MAX_COUNTERS];
	unsigned long next_ino;
	char leftovers[2048]; /* the file's `leftover PATH BYTES` lines */
};

/* The counters now, parsed into c with open/read only: no malloc, so the
 * runner's own memory is the same at every reading. False if the kernel
 * has no such file (Linux, or an older faultline). */
static bool read_counters(struct counters *c)
{
	static char text[4096];
	int fd = open(ACCT_PATH, O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t len = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (len <= 0)
		return false;
	text[len] = '\0';
	c->n = 0;
	c->leftovers[0] = '\0';
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char name[24];
		long v;
		if (strncmp(line, "leftover ", 9) == 0)
			snprintf(c->leftovers + strlen(c->leftovers), sizeof(c->leftovers) - strlen(c->leftovers),
				 "%s\n", line + 9);
		else if (sscanf(line, "%23s %ld", name, &v) == 2 && strcmp(name, "next_ino") == 0)
			c->next_ino = (unsigned long)v;
		else if (sscanf(line, "%23s %ld", name, &v) == 2 && c->n < MAX_COUNTERS) {
			snprintf(c->name[c->n], sizeof(c->name[0]), "%s", name);
			c->value[c->n++] = v;
		}
	}
	return true;
}

/* From now on the file lists the files made after this reading's. */
static void mark_new_files(const struct counters *c)
{
	char num[32];
	int fd = open(ACCT_PATH, O_WRONLY);
	int len = snprintf(num, sizeof(num), "%lu\n", c->next_ino);
	if (fd >= 0 && write(fd, num, (size_t)len) != len)
		printf("# cannot write %s\n", ACCT_PATH);
	if (fd >= 0)
		close(fd);
}

/* Each counter not back to its value before 'name' ran, one line each;
 * its files are named. How many differ. */
static int compare_counters(const struct counters *before, const struct counters *after,
			    const char *name)
{
	int differ = 0;
	for (int i = 0; i < before->n && i < after->n; i++)
		if (before->value[i] != after->value[i]) {
			printf("# accounting: %s %ld -> %ld after %s\n", before->name[i], before->value[i],
			       after->value[i], name);
			differ++;
		}
	char copy[sizeof(after->leftovers)];
	snprintf(copy, sizeof(copy), "%s", after->leftovers);
	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n"))
		printf("# %s left in the ramfs: %s bytes\n", name, line);
	return differ;
}

/* Only init sees every process a program leaves behind (orphans are its
 * children), so only as init can it wait until they are all gone; its
 * own pages are locked first, so that the swap machine's programs cannot
 * push them out and make frames look freed and swap slots used. A deep
 * touch of the stack now keeps a deeper call later from taking a frame. */
static bool accounting_start(struct counters *c)
{
	if (getpid() != 1 || !read_counters(c))
		return false;
	volatile char stack[64 * 1024];
	for (size_t i = 0; i < sizeof(stack); i += 4096)
		stack[i] = 0;
	mlockall(MCL_CURRENT | MCL_FUTURE);
	return true;
}

/* make test runs each program on the machine it was written for: one
 * marked `swap` on the swap machine (64 MiB of RAM, swap on), where it
 * sizes its working set from RAM and the swap there is; the others on 256
 * MiB without pressure (a thousand forks, a few hundred zombies at once).
 * `runtests` keeps that split on whichever machine it finds itself: on the
 * other kind a program is skipped, and TAP says why. */
#define SWAP_MACHINE_MAX_KB (96 * 1024)
static bool swap_machine(void)
{
	return meminfo_kb("MemTotal") <= SWAP_MACHINE_MAX_KB && have_swap();
}

static bool marked(const char *line, const char *option)
{
	char copy[256];
	snprintf(copy, sizeof(copy), "%s", line);
	for (char *word = strtok(copy, " \t\n"); word; word = strtok(NULL, " \t\n"))
		if (strcmp(word, option) == 0)
			return true;
	return false;
}

static void describe(int status, char *buf, size_t size)
{
	if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "exit %d", WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
	if (argc > 1 && atol(argv[1]) > 0)
		time_limit_ms = atol(argv[1]) * 1000;
	/* Close-on-exec: a program that seeks an inherited descriptor would
	 * move our place in the list (the fuzzer did). */
	FILE *f = fopen("/etc/expect.txt", "re");
	if (!f) {
		printf("Bail out! no /etc/expect.txt\n");
		return 1;
	}
	char line[256];
	int n = 0, failed = 0, skipped = 0;
	bool small = swap_machine();
	static struct counters before, after;
	bool accounting = accounting_start(&before);
	while (fgets(line, sizeof(line), f)) {
		struct expectation e = { 0 };
		if (line[0] == '#' || sscanf(line, "%63s %15s %15s", e.name, e.kind, e.value) < 2)
			continue;
		if (marked(line, "swap") != small) {
			printf("ok %d - runner: %s # SKIP written for the %s (make run%s, or make test T=%s)\n",
			       ++n, e.name, small ? "256 MiB machine" : "64 MiB machine with swap",
			       small ? "" : " MEM=64M", e.name);
			skipped++;
			continue;
		}
		struct timespec t0, t1;
		if (accounting && read_counters(&before))
			mark_new_files(&before);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int status = run(e.name);
		reap_orphans(accounting);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		int differ = accounting && read_counters(&after) ? compare_counters(&before, &after, e.name) : 0;
		char got[64], want[64];
		describe(status, got, sizeof(got));
		describe(wanted_status(&e), want, sizeof(want));
		bool ok = status == wanted_status(&e) && !differ;
		failed += !ok;
		printf("%s %d - runner: %s ended: %s%s%s%s # %.1f s\n", ok ? "ok" : "not ok", ++n,
		       e.name, got, status == wanted_status(&e) ? "" : ", expected ",
		       status == wanted_status(&e) ? "" : want,
		       differ ? ", kernel resources not back (# accounting lines above)" : "",
		       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	fclose(f);
	reap_orphans(true);
	printf("1..%d\n", n);
	if (skipped)
		printf("# %d skipped: written for the %s (make run%s)\n", skipped,
		       small ? "256 MiB machine" : "64 MiB machine with swap", small ? "" : " MEM=64M");
	printf("%d passed, %d failed\n", n - failed - skipped, failed);
	return failed != 0;
}

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
 * kernel checks that every frame and heap byte came back (kernel/init.c). */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	for (long start = now_ms(); waitpid(pid, &status, WNOHANG) == 0;) {
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
	FILE *f = fopen("/etc/expect.txt", "r");
	if (!f) {
		printf("Bail out! no /etc/expect.txt\n");
		return 1;
	}
	char line[256];
	int n = 0, failed = 0, skipped = 0;
	bool small = swap_machine();
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
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int status = run(e.name);
		reap_orphans(false);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		char got[64], want[64];
		describe(status, got, sizeof(got));
		describe(wanted_status(&e), want, sizeof(want));
		bool ok = status == wanted_status(&e);
		failed += !ok;
		printf("%s %d - runner: %s ended: %s%s%s # %.1f s\n", ok ? "ok" : "not ok", ++n,
		       e.name, got, ok ? "" : ", expected ", ok ? "" : want,
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

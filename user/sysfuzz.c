/* user/sysfuzz.c — the differential tester for single raw system calls.
 *
 *   sysfuzz SEED COUNT [FIRST]   calls FIRST..FIRST+COUNT-1 (FIRST: 0) of
 *                                SEED, one line each
 *   sysfuzz                      seed 0, 40 calls: the self-check that
 *                                user/expect.txt runs (exit 0 if every
 *                                call was made and answered)
 *
 * The second mode of mmfuzz's idea (docs/testing.md): instead of a long
 * sequence whose first difference cascades into the next, every call stands
 * alone. Call N of SEED draws, from its own generator (seeded with SEED and
 * N, so one call can be rerun by itself), a system call from the kernel's
 * table (build/user/syscalls.h, made from kernel/syscall.c by user/build.mk:
 * a call added there is fuzzed from then on) and six arguments from pools
 * of hostile values, forks a child that sets up the same starting state,
 * makes the raw call and leaves its result in a shared page, and prints
 *
 *     N nr=NAME ARG ARG ARG ARG ARG ARG -> RESULT
 *
 * Arguments are printed by pool name (rw, ro_end-3, kern1, fd_pipe_r ...),
 * never as the address the kernel chose for a mapping. RESULT is the raw
 * return value or -ENAME, "ok" for a non-negative result whose value is the
 * kernel's choice (the normalize table), "exited N" / "signal SIG" when the
 * child did not come back from the call, "hang" when it did not answer
 * within HANG_SECONDS (the parent kills it). The same binary runs on Linux,
 * boxed by tests/fuzz, and on faultline; Linux decides what is right.
 *
 * The starting state: the fuzzer (the parent) remakes the directory
 * sysfuzz.w before every call (a regular file f of 100 bytes, a directory d,
 * a symlink l -> f); the child enters it and opens fds 0-2 and 6 on
 * /dev/null, 3 on f (O_RDWR), 4 and 5 a pipe holding 16 bytes, 7 the
 * directory; everything else is closed; every signal is blocked. The memory pools were mapped once by
 * the parent and are copied by fork: rw (two pages), ro (one page right
 * after), none (PROT_NONE after that), the strings page (paths and an
 * iovec array) and, where it can be mapped, the last user page below
 * 0x7ffffffff000.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"
#include "rawsys.h"
#include "hostile.h"
#include "splitmix.h"

#define POOL_RW 0x100080000000ul  /* as an int: INT_MIN */
#define POOL_STR 0x100000100000ul /* as an int: 1 MiB */
#define WORKDIR "sysfuzz.w"
#define HANG_SECONDS 3
#define FD_FILE 3
#define FD_PIPE_R 4
#define FD_PIPE_W 5
#define FD_NULL 6
#define FD_DIR 7
#define FD_FIRST_FREE 8

/* The deny-list: calls never made, because their effect reaches past the
 * child. kill, tkill, tgkill, process_vm_writev: pid 1 of the box is the
 * fuzzer itself, -1 is every process, and the pools are full of small
 * numbers. swapon, swapoff: they would change the host's swap (the box is
 * no VM). */
static const char *const denied[] = { "kill", "tkill", "tgkill", "process_vm_writev",
				      "swapon", "swapoff" };

/* Calls whose non-negative result is the kernel's choice (a pid, an
 * address, the time, the length of a path that is not the same on both
 * sides): printed as "ok". Their errors are printed as they are. */
static const char *const normalized[] = {
	"getpid", "gettid", "getppid", "getpgrp", "getpgid", "getsid", "setsid", /* pids */
	"fork", "vfork", "clone", "clone3", "set_tid_address",                   /* pids */
	"mmap", "brk",                                                           /* addresses */
	"time",                                                                  /* seconds */
	"getcwd",                                 /* the work directory's path differs */
};

/* ---- the pools of arguments ---- */

struct arg {
	long value;
	char text[32];
};

static char *pool_rw, *pool_str;
static struct shared {
	volatile long ret;
	volatile int done;
} *shared;

static void named(struct arg *a, long value, const char *name)
{
	a->value = value;
	snprintf(a->text, sizeof(a->text), "%s", name);
}

static void number(struct arg *a, long value)
{
	a->value = value;
	snprintf(a->text, sizeof(a->text), value > -4096 && value < 4096 ? "%ld" : "%#lx", value);
}

/* One argument drawn from the pools. */
static void draw(struct arg *a, uint64_t *rng)
{
	uint64_t r = splitmix(rng);
	long small = (long)(r >> 32) % 17;

	switch (r % 40) {
	case 0: case 1: case 2: number(a, 0); break;
	case 3: case 4: number(a, small); break;
	case 5: number(a, -1); break;
	case 6: named(a, INT_MIN, "INT_MIN"); break;
	case 7: named(a, INT_MAX, "INT_MAX"); break;
	case 8: named(a, 0xffffffffl, "U32_MAX"); break;
	case 9: number(a, 1l << 32 | small); break;
	case 10: named(a, kernel_addrs[0], "kern1"); break;
	case 11: named(a, kernel_addrs[1], "kern2"); break;
	case 12: named(a, kernel_addrs[2], "noncanon1"); break;
	case 13: named(a, kernel_addrs[3], "noncanon2"); break;
	case 14: case 15: named(a, (long)pool_rw, "rw"); break;
	case 16: named(a, (long)(pool_rw + 2 * PAGE - 3), "rw_end-3"); break;
	case 17: named(a, (long)(pool_rw + 2 * PAGE), "ro"); break;
	case 18: named(a, (long)(pool_rw + 3 * PAGE - 3), "ro_end-3"); break;
	case 19: named(a, (long)(pool_rw + 3 * PAGE), "none"); break;
	case 20: named(a, (long)(TOP - 3), "top-3"); break;
	case 21: named(a, (long)pool_str, "path_f"); break;
	case 22: named(a, (long)pool_str + 8, "path_d"); break;
	case 23: named(a, (long)pool_str + 16, "path_l"); break;
	case 24: named(a, (long)pool_str + 24, "path_nosuch"); break;
	case 25: named(a, (long)pool_str + 40, "path_empty"); break;
	case 26: named(a, (long)pool_str + 64, "iov"); break;
	case 27: named(a, LONG_MAX, "LONG_MAX"); break;
	case 28: named(a, 1l << 40, "1T"); break;
	case 29: number(a, PAGE); break;
	case 30: named(a, 1000, "fd_bad"); break;
	case 31: named(a, AT_FDCWD, "AT_FDCWD"); break;
	case 32: named(a, FD_FILE, "fd_file"); break;
	case 33: named(a, FD_PIPE_R, "fd_pipe_r"); break;
	case 34: named(a, FD_PIPE_W, "fd_pipe_w"); break;
	case 35: named(a, FD_NULL, "fd_null"); break;
	case 36: named(a, FD_DIR, "fd_dir"); break;
	default: number(a, flag_word(r >> 8)); break;
	}
}

static void make_pools(void)
{
	/* rw rw ro none, one mapping split by mprotect: the crossings are real.
	 * At fixed addresses: a pointer passed where the kernel reads an int
	 * (readlink's size, clone's flags) must be the same number on both
	 * kernels and on every run, whatever Linux's address randomization. */
	int fixed = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
	pool_rw = mmap((void *)POOL_RW, 4 * PAGE, PROT_READ | PROT_WRITE, fixed, -1, 0);
	pool_str = mmap((void *)POOL_STR, PAGE, PROT_READ | PROT_WRITE, fixed, -1, 0);
	shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pool_rw != (char *)POOL_RW || pool_str != (char *)POOL_STR || shared == MAP_FAILED ||
	    mprotect(pool_rw + 2 * PAGE, PAGE, PROT_READ) ||
	    mprotect(pool_rw + 3 * PAGE, PAGE, PROT_NONE)) {
		perror("sysfuzz: pools");
		exit(2);
	}
	/* The last page below TOP: ours where the kernel lets us have it (on
	 * Linux, whose stack is placed lower at random), else the top of the
	 * stack (faultline's), whose last bytes (the end of the program's name)
	 * are zeroed so that top-3 reads the same on both. */
	mmap((void *)(TOP - PAGE), PAGE, PROT_READ | PROT_WRITE,
	     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	memset((char *)(TOP - 16), 0, 16);
	strcpy(pool_str, "f");
	strcpy(pool_str + 8, "d");
	strcpy(pool_str + 16, "l");
	strcpy(pool_str + 24, "nosuch");
	struct iovec *iov = (struct iovec *)(pool_str + 64);
	iov[0] = (struct iovec){ pool_rw, 16 };
	iov[1] = (struct iovec){ pool_rw + 2 * PAGE, 16 };
}

/* Per-call fixes to drawn arguments, so that a call cannot reach past its
 * child or sleep for ever:
 *  - prlimit64's pid is 0: pid 1 of the box is the fuzzer, whose limits the
 *    calls after this one would inherit.
 *  - the sleeps' request never points into the strings page, whose bytes
 *    read as a sleep of minutes (the other pools read as 0 seconds). */
static void fix_args(const char *name, struct arg *a)
{
	int t = !strcmp(name, "nanosleep") ? 0 : !strcmp(name, "clock_nanosleep") ? 2 : -1;

	if (!strcmp(name, "prlimit64"))
		number(&a[0], 0);
	if (t >= 0 && a[t].value >= (long)pool_str && a[t].value < (long)pool_str + (long)PAGE)
		named(&a[t], (long)pool_rw, "rw");
}

/* ---- the starting state ---- */

/* The directory every call starts from, remade by the parent. */
static void make_workdir(void)
{
	static const char text[100] = "the regular file of sysfuzz: 100 bytes";

	remove_tree(AT_FDCWD, WORKDIR);
	int fd;
	if (mkdir(WORKDIR, 0755) ||
	    (fd = open(WORKDIR "/f", O_RDWR | O_CREAT | O_EXCL, 0644)) < 0 ||
	    write(fd, text, sizeof(text)) != sizeof(text) || close(fd) ||
	    mkdir(WORKDIR "/d", 0755) || symlink("f", WORKDIR "/l")) {
		perror("sysfuzz: " WORKDIR);
		exit(2);
	}
}

static void move_fd(int fd, int to)
{
	if (fd != to) {
		dup2(fd, to);
		close(fd);
	}
}

/* The child's fds, numbered the same on every kernel, and its signal mask. */
static void child_setup(void)
{
	int p[2];

	if (chdir(WORKDIR) || pipe(p))
		rawsys(SYS_exit_group, 100, 0, 0, 0, 0, 0);
	move_fd(p[0], 60);
	move_fd(p[1], 61);
	for (int fd = 0; fd < 60; fd++)
		close(fd);
	for (int fd = 0; fd < 3; fd++)
		move_fd(open("/dev/null", O_RDWR), fd);
	move_fd(open("f", O_RDWR), FD_FILE);
	move_fd(60, FD_PIPE_R);
	move_fd(61, FD_PIPE_W);
	move_fd(open("/dev/null", O_RDWR), FD_NULL);
	move_fd(open(".", O_RDONLY | O_DIRECTORY), FD_DIR);
	if (write(FD_PIPE_W, "0123456789abcdef", 16) != 16 || fcntl(FD_DIR, F_GETFD) < 0)
		rawsys(SYS_exit_group, 101, 0, 0, 0, 0, 0);
	/* Every signal blocked: a child of clone may be given any exit signal,
	 * and whether it arrives before the answer is written is a race. (The
	 * faults of the call itself still kill: they cannot be blocked.) */
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
}

/* ---- one call ---- */

static const char *signame(int sig, char *buf, size_t size)
{
	static const struct { int sig; const char *name; } names[] = {
		{ SIGSEGV, "SIGSEGV" }, { SIGBUS, "SIGBUS" }, { SIGKILL, "SIGKILL" },
		{ SIGILL, "SIGILL" }, { SIGABRT, "SIGABRT" }, { SIGTRAP, "SIGTRAP" },
		{ SIGFPE, "SIGFPE" }, { SIGSYS, "SIGSYS" }, { SIGXFSZ, "SIGXFSZ" },
		{ SIGPIPE, "SIGPIPE" }, { SIGXCPU, "SIGXCPU" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return names[i].name;
	snprintf(buf, size, "%d", sig);
	return buf;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Waits for the child PID: its exit status, or -1 after killing it because
 * it did not end within HANG_SECONDS. */
static int wait_child(pid_t pid)
{
	double give_up = now() + HANG_SECONDS;
	struct timespec nap = { 0, 50000 };
	int status;

	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now() > give_up) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 10000000)
			nap.tv_nsec *= 2;
	}
	return status;
}

/* Makes call NR (with the high half of RAX set when HIGH) with A in a fresh
 * child; writes its result's text to OUT. Returns 1 if the call answered. */
static int run_call(const struct call *c, int high, const struct arg *a, char *out, size_t size)
{
	make_workdir();
	shared->done = 0;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		perror("sysfuzz: fork");
		exit(2);
	}
	if (pid == 0) {
		child_setup();
		long self = rawsys(SYS_getpid, 0, 0, 0, 0, 0, 0);
		long nr = c->nr | (high ? 1l << 32 : 0);
		long r = rawsys(nr, a[0].value, a[1].value, a[2].value, a[3].value, a[4].value,
				a[5].value);
		if (rawsys(SYS_getpid, 0, 0, 0, 0, 0, 0) != self) /* a child of fork or clone */
			rawsys(SYS_exit, 0, 0, 0, 0, 0, 0);
		shared->ret = r;
		shared->done = 1;
		rawsys(SYS_exit_group, 0, 0, 0, 0, 0, 0);
	}
	int status = wait_child(pid);
	while (waitpid(-1, NULL, WNOHANG) > 0) /* grandchildren left to the fuzzer */
		;
	char buf[16];
	if (status == -1)
		snprintf(out, size, "hang");
	else if (shared->done && shared->ret >= 0 && LISTED(c->name, normalized))
		snprintf(out, size, "ok");
	else if (shared->done)
		result_name(shared->ret, out, size);
	else if (WIFSIGNALED(status))
		snprintf(out, size, "signal %s", signame(WTERMSIG(status), buf, sizeof(buf)));
	else
		snprintf(out, size, "exited %d", WEXITSTATUS(status));
	return shared->done;
}

/* Call N of SEED: draws it, runs it, prints its line. Returns 1 if it answered. */
static int one(uint64_t seed, long n)
{
	uint64_t rng = seed * 0x100000001b3ul ^ (uint64_t)n * 0x9e3779b97f4a7c15ul;
	const struct call *c;
	struct arg a[6];
	char result[64];

	do
		c = &calls[splitmix(&rng) % NCALLS];
	while (LISTED(c->name, denied));
	int high = splitmix(&rng) % 16 == 0;
	for (int i = 0; i < 6; i++)
		draw(&a[i], &rng);
	fix_args(c->name, a);
	int answered = run_call(c, high, a, result, sizeof(result));
	printf("%ld nr=%s%s %s %s %s %s %s %s -> %s\n", n, c->name, high ? "+hi32" : "",
	       a[0].text, a[1].text, a[2].text, a[3].text, a[4].text, a[5].text, result);
	return answered;
}

int main(int argc, char **argv)
{
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 0;
	long count = argc > 2 ? strtol(argv[2], NULL, 0) : 40;
	long first = argc > 3 ? strtol(argv[3], NULL, 0) : 0;
	int answered = 0;

	umask(022);
	make_pools();
	for (long n = first; n < first + count; n++)
		answered += one(seed, n);
	remove_tree(AT_FDCWD, WORKDIR);
	fflush(stdout);
	/* The self-check: the pools, the work directory and the children all
	 * worked if most calls answered (some legitimately exit or crash). */
	return answered >= count / 2 ? 0 : 1;
}

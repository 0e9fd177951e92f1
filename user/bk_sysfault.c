/* user/bk_sysfault.c — bad user pointers in the calls that are not read or
 * write: uname, getrandom, clock_gettime, gettimeofday, sysinfo, pipe/pipe2,
 * stat, getdents64, getcwd, wait4, nanosleep, execve; and exec of big
 * argument lists.
 *
 * Inspired by: gVisor test/syscalls/linux/uname.cc (bad buffer),
 * getrandom.cc, pipe_test.cc (pipe with a bad fd array must not leak fds),
 * wait.cc (a bad status pointer still reaps the child), getdents.cc (buffer
 * too small: EINVAL); LTP uname02, getcwd01, sysinfo02, stat03, getdents02,
 * pipe2_02; xv6 usertests copyinstr1..3, bigargtest, and "argptest".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "swap.h"

#define KADDR ((void *)0xffffffff80100000UL)
static char *buf; /* page 0 rw, page 1 PROT_NONE, page 2 read-only */
#define NONE (buf + PAGE)
#define RO (buf + 2 * PAGE)

#define NARGS 64
#define ARGLEN 2000

static void setup(void)
{
	buf = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		bail("mmap");
	if (mprotect(NONE, PAGE, PROT_NONE) || mprotect(RO, PAGE, PROT_READ))
		bail("mprotect");
}

static void info_calls(void)
{
	tap_try(syscall(SYS_uname, NULL), -1, EFAULT, "uname(NULL) -> EFAULT");
	tap_try(syscall(SYS_uname, RO), -1, EFAULT, "uname(read-only page) -> EFAULT");
	tap_try(syscall(SYS_uname, NONE - 100), -1, EFAULT, "uname(struct straddles PROT_NONE) -> EFAULT");
	tap_try(syscall(SYS_uname, KADDR), -1, EFAULT, "uname(kernel address) -> EFAULT");
	tap_try(syscall(SYS_uname, NONE - sizeof(struct utsname)), 0, 0, "uname(struct ends at the page edge) -> 0");
	tap_try(syscall(SYS_sysinfo, NULL), -1, EFAULT, "sysinfo(NULL) -> EFAULT");
	tap_try(syscall(SYS_sysinfo, RO), -1, EFAULT, "sysinfo(read-only) -> EFAULT");
	tap_try(syscall(SYS_getrandom, NONE, 16, 0), -1, EFAULT, "getrandom(PROT_NONE) -> EFAULT");
	tap_try(syscall(SYS_getrandom, KADDR, 16, 0), -1, EFAULT, "getrandom(kernel address) -> EFAULT");
	tap_try(syscall(SYS_getrandom, buf, 16, 0x1000), -1, EINVAL, "getrandom(bad flags) -> EINVAL");
	tap_try(syscall(SYS_getrandom, NULL, 0, 0), 0, 0, "getrandom(NULL, 0) -> 0");
	tap_try(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL), -1, EFAULT, "clock_gettime(NULL) -> EFAULT");
	tap_try(syscall(SYS_clock_gettime, CLOCK_REALTIME, RO), -1, EFAULT, "clock_gettime(read-only) -> EFAULT");
	tap_try(syscall(SYS_clock_gettime, 12345, NULL), -1, EINVAL, "clock_gettime(bad clock, NULL) -> EINVAL");
	tap_try(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NONE - 8), -1, EFAULT,
		"clock_gettime(timespec straddles PROT_NONE) -> EFAULT");
	tap_try(syscall(SYS_gettimeofday, NONE, NULL), -1, EFAULT, "gettimeofday(PROT_NONE) -> EFAULT");
	tap_try(syscall(SYS_gettimeofday, NULL, NULL), 0, 0, "gettimeofday(NULL, NULL) -> 0");
	tap_try(syscall(SYS_nanosleep, NONE, NULL), -1, EFAULT, "nanosleep(bad req) -> EFAULT");
	struct timespec bad = { 0, 1000000000 };
	tap_try(syscall(SYS_nanosleep, &bad, NULL), -1, EINVAL, "nanosleep(tv_nsec 1e9) -> EINVAL");
}

static void fd_calls(void)
{
	int low = lowest_free_fd();
	int fds[2];

	tap_try(syscall(SYS_pipe, NULL), -1, EFAULT, "pipe(NULL) -> EFAULT");
	tap_try(syscall(SYS_pipe, RO), -1, EFAULT, "pipe(read-only) -> EFAULT");
	tap_try(syscall(SYS_pipe2, NONE - 4, 0), -1, EFAULT, "pipe2(second fd in PROT_NONE) -> EFAULT");
	tap_try(syscall(SYS_pipe2, fds, 0x12345678), -1, EINVAL, "pipe2(bad flags) -> EINVAL");
	tap_eq(lowest_free_fd(), low, "no descriptor leaked by the failed pipes");

	struct stat st;
	tap_try(syscall(SYS_stat, "/", NULL), -1, EFAULT, "stat(\"/\", NULL) -> EFAULT");
	tap_try(syscall(SYS_stat, "/", RO), -1, EFAULT, "stat(\"/\", read-only) -> EFAULT");
	tap_try(syscall(SYS_stat, NONE, &st), -1, EFAULT, "stat(path in PROT_NONE) -> EFAULT");
	memset(NONE - 3, '/', 3);
	tap_try(syscall(SYS_stat, NONE - 3, &st), -1, EFAULT, "stat(\"///\" with no NUL before PROT_NONE) -> EFAULT");
	memcpy(NONE - 2, "/", 2);
	tap_try(syscall(SYS_stat, NONE - 2, &st), 0, 0, "stat(\"/\" whose NUL is the last good byte) -> 0");
	tap_try(syscall(SYS_stat, "", &st), -1, ENOENT, "stat(\"\") -> ENOENT");
	memset(buf, 'a', PAGE);
	tap_try(syscall(SYS_stat, buf, &st), -1, ENAMETOOLONG, "stat(4096 'a's then PROT_NONE) -> ENAMETOOLONG (limit before fault)");
	buf[PAGE - 1] = 0;
	tap_try(syscall(SYS_stat, buf, &st), -1, ENAMETOOLONG, "stat(4095-char name) -> ENAMETOOLONG");
	tap_try(syscall(SYS_open, KADDR, O_RDONLY), -1, EFAULT, "open(kernel address) -> EFAULT");

	int d = open("/", O_RDONLY | O_DIRECTORY);
	if (d < 0)
		bail("open /");
	tap_try(syscall(SYS_getdents64, d, NONE, 4096), -1, EFAULT, "getdents64(PROT_NONE) -> EFAULT");
	tap_try(syscall(SYS_getdents64, d, RO, 4096), -1, EFAULT, "getdents64(read-only) -> EFAULT");
	tap_try(syscall(SYS_getdents64, d, buf, 1), -1, EINVAL, "getdents64(1-byte buffer) -> EINVAL");
	long n = syscall(SYS_getdents64, d, buf, PAGE);
	tap_ok(n > 0, "getdents64 still reads the directory after the failures (%ld)", n);
	close(d);

	tap_try(syscall(SYS_getcwd, NONE, 100), -1, EFAULT, "getcwd(PROT_NONE) -> EFAULT");
	tap_try(syscall(SYS_getcwd, buf, 1), -1, ERANGE, "getcwd(size 1) -> ERANGE");
	tap_try(syscall(SYS_getcwd, NONE - 2, 100), 2, 0, "getcwd(\"/\" fits before PROT_NONE) -> 2");
	tap_eq(lowest_free_fd(), low, "no descriptor leaked");
}

static int exit_7(void *a)
{
	(void)a;
	return 7;
}

static void wait_calls(void)
{
	pid_t pid = spawn(exit_7, NULL);

	usleep(100000);
	tap_try(syscall(SYS_wait4, pid, RO, 0, NULL), -1, EFAULT, "wait4(status in read-only page) -> EFAULT");
	tap_try(syscall(SYS_wait4, pid, NULL, 0, NULL), -1, ECHILD, "... the child was reaped anyway: ECHILD");
	pid = spawn(exit_7, NULL);
	tap_try(syscall(SYS_wait4, -1, NULL, 0, NONE), -1, EFAULT, "wait4(rusage in PROT_NONE) -> EFAULT");
	tap_try(syscall(SYS_wait4, pid, NULL, 0, NULL), -1, ECHILD, "... reaped anyway: ECHILD");
}

static char *self;

static void exec_calls(void)
{
	static char *argv[NARGS + 3];
	static char big[200 * 1024];
	char *bigv[] = { "x", big, NULL };

	tap_try(syscall(SYS_execve, NONE, argv, NULL), -1, EFAULT, "execve(path PROT_NONE) -> EFAULT");
	char *badv[] = { "x", NONE, NULL };
	tap_try(syscall(SYS_execve, self, badv, NULL), -1, EFAULT, "execve(argv[1] PROT_NONE) -> EFAULT");
	tap_try(syscall(SYS_execve, self, NONE - 8, NULL), -1, EFAULT, "execve(argv array runs into PROT_NONE) -> EFAULT");
	memset(big, 'b', sizeof big - 1);
	tap_try(syscall(SYS_execve, self, bigv, NULL), -1, E2BIG, "execve(one 200 KiB argument) -> E2BIG");

	/* bigargtest: NARGS arguments of ARGLEN bytes each arrive intact */
	argv[0] = self;
	argv[1] = "bigarg";
	for (int i = 0; i < NARGS; i++) {
		argv[i + 2] = malloc(ARGLEN + 1);
		memset(argv[i + 2], 'a' + i % 26, ARGLEN);
		argv[i + 2][ARGLEN] = 0;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execve(self, argv, (char *[]){ "BK=1", NULL });
		_exit(99);
	}
	tap_status(reap(pid), EXITED(0), "exec with %d arguments of %d bytes: all arrive intact", NARGS, ARGLEN);
}

static int bigarg_child(int argc, char **argv)
{
	if (argc != NARGS + 2)
		return 1;
	for (int i = 0; i < NARGS; i++) {
		if (strlen(argv[i + 2]) != ARGLEN)
			return 2;
		for (int j = 0; j < ARGLEN; j++)
			if (argv[i + 2][j] != 'a' + i % 26)
				return 3;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "bigarg"))
		return bigarg_child(argc, argv);
	self = "/proc/self/exe";
	if (chdir("/"))
		bail("chdir");
	setup();
	info_calls();
	fd_calls();
	wait_calls();
	exec_calls();
	return done_testing();
}

/* user/exec.c — execve: the new image gets exactly the argv and envp it was
 * given, and every refused execve returns to a caller whose image is intact.
 *
 * The program run is echoargs, found in $BIN_DIR (default /bin, where
 * faultline's initramfs keeps every test program; tests/run-linux points it
 * at the build directory). It prints what it received into a pipe, and the
 * parent compares that with what it passed.
 *
 * Each refused execve runs in a child, which then checks its globals, heap
 * and stack and exits with the errno: "exit 14" is EFAULT with the image
 * intact, anything else (a signal, exit 0 from echoargs) is a failure,
 * and one broken case cannot take the rest down. Linux checks in this
 * order: the path (EFAULT), opening the file (ENOENT, EACCES), counting argv
 * and envp (EFAULT), the size limit (E2BIG), copying the strings (EFAULT,
 * E2BIG), and only then the file's format (ENOEXEC).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "child.h"

#define PAGE 4096UL
#define KERNEL ((void *)0xffff800000000000UL)
#define MAX_ARG_STRLEN (32 * PAGE) /* one string, with its NUL */
#define NOUT (1 << 18)

static char echoargs[256], notelf[64], onex[64], noexec[64], groupx[64];
static char *rw;     /* a page of 'p's whose next page is unmapped */
static void *hole;   /* that next page */
static char *rw2;    /* another such page, for an argv array */
static char out[NOUT];

/* ---- execve that works ------------------------------------------------------ */

struct run {
	const char *name;
	char *const *argv, *const *envp;
	const char *want; /* NULL: built from argv/envp */
};

static int exec_into(void *arg)
{
	const struct run *r = ((const struct run **)arg)[0];
	int *fds = ((int **)arg)[1];

	dup2(fds[1], 1);
	close(fds[0]), close(fds[1]);
	execve(echoargs, r->argv, r->envp);
	return 100 + errno;
}

/* What echoargs prints for argv and envp. */
static size_t expected(const struct run *r, char *buf, size_t size)
{
	size_t n = 0;

	for (char *const *a = r->argv; a && *a; a++)
		n += snprintf(buf + n, n < size ? size - n : 0, "arg %s\n", *a);
	for (char *const *e = r->envp; e && *e; e++)
		n += snprintf(buf + n, n < size ? size - n : 0, "env %s\n", *e);
	return n;
}

static void run_case(const struct run *r)
{
	static char want[NOUT];
	int fds[2];

	if (pipe(fds))
		bail("pipe");
	pid_t pid = spawn(exec_into, (const void *[]){ r, fds });
	close(fds[1]);
	long n = read_full(fds[0], out, sizeof out);
	close(fds[0]);
	size_t wn = r->want ? strlen(strcpy(want, r->want)) : expected(r, want, sizeof want);
	tap_ok(n == (long)wn && !memcmp(out, want, wn), "%s: echoargs prints what was passed",
	       r->name);
	if (n != (long)wn || memcmp(out, want, wn))
		tap_diag("got %ld bytes, expected %zu, starting \"%.*s\"", n, wn,
			 n < 60 ? (n > 0 ? (int)n : 0) : 60, out);
	tap_status(reap(pid), EXITED(0), "%s: echoargs exits 0", r->name);
}

static void runs(void)
{
	static char big[100000 + 1];
	char *const empty[] = { NULL };

	memset(big, 'b', sizeof big - 1);
	const struct run rs[] = {
		{ "argv[0] and three args (one empty), three env strings",
		  (char *[]){ "echoargs", "hello", "", "two words", NULL },
		  (char *[]){ "A=1", "EMPTY=", "PATH=/nowhere", NULL }, NULL },
		{ "argv[0] alone, empty envp", (char *[]){ "any name at all", NULL }, empty, NULL },
		{ "one 100000-byte argument", (char *[]){ "echoargs", big, NULL }, empty, NULL },
		/* Since 5.18 Linux gives a program started with argc 0 one empty
		 * argv[0] (no program has to cope with argc == 0); NULL is {}. */
		{ "argv NULL, envp NULL", NULL, NULL, "arg \n" },
	};

	for (size_t i = 0; i < sizeof rs / sizeof *rs; i++)
		run_case(&rs[i]);
}

/* ---- execve that must fail --------------------------------------------------- */

struct refusal {
	const char *name;
	const char *path;
	char *const *argv, *const *envp;
	int err;
};

/* A copy of from, with that mode (fchmod: the umask does not apply). */
static void copy_file(const char *from, const char *to, mode_t mode)
{
	static char data[1 << 20];
	int in = open(from, O_RDONLY), out = open(to, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	long n = read_full(in, data, sizeof data);

	if (in < 0 || out < 0 || n <= 0 || n == sizeof data || write_full(out, data, n) != n ||
	    fchmod(out, mode) || close(out) || close(in))
		bail("copy a file to /tmp");
}

static volatile long canary_data = 0x1234567;

static int refused(void *arg)
{
	const struct refusal *f = arg;
	volatile long canary_stack = 0x7654321;
	long *canary_heap = malloc(sizeof *canary_heap);
	int null = open("/dev/null", O_WRONLY);

	*canary_heap = 0x55aa55aa;
	dup2(null, 1); /* an exec that wrongly succeeds prints nothing into TAP */
	long r = execve(f->path, f->argv, f->envp);
	int e = errno;
	if (r != -1)
		return 250;
	if (canary_data != 0x1234567 || canary_stack != 0x7654321 || *canary_heap != 0x55aa55aa)
		return 251;
	return e;
}

static char *huge, *max, **many_max, **many_small;

/* Allocated before the hole is made: a later mmap would fill it. */
static void make_big_args(void)
{
	static char small[128];

	huge = malloc(MAX_ARG_STRLEN + 1), max = malloc(MAX_ARG_STRLEN);
	many_max = malloc(65 * sizeof *many_max), many_small = malloc(65537 * sizeof(char *));
	if (!huge || !max || !many_max || !many_small)
		bail("malloc");
	/* One string may have MAX_ARG_STRLEN bytes with its NUL, not more. */
	memset(huge, 'h', MAX_ARG_STRLEN), huge[MAX_ARG_STRLEN] = 0;
	memset(max, 'm', MAX_ARG_STRLEN - 1), max[MAX_ARG_STRLEN - 1] = 0;
	/* All strings together may fill a quarter of RLIMIT_STACK, capped at
	 * 6 MiB: 8 MiB is too much whatever the limit (2 MiB by default). */
	memset(small, 's', sizeof small - 1), small[sizeof small - 1] = 0;
	for (int i = 0; i < 64; i++)
		many_max[i] = max;
	for (int i = 0; i < 65536; i++)
		many_small[i] = small;
	many_max[64] = many_small[65536] = NULL;
}

static void refusals(void)
{
	char *const argv[] = { "echoargs", NULL };
	char *const env[] = { "A=1", NULL };
	char **unterminated = (char **)(rw2 + PAGE - 2 * sizeof(char *));

	unterminated[0] = unterminated[1] = "echoargs"; /* and no NULL before the hole */

	const struct refusal fs[] = {
		{ "path NULL", NULL, argv, env, EFAULT },
		{ "path in an unmapped page", hole, argv, env, EFAULT },
		{ "path at a kernel address", KERNEL, argv, env, EFAULT },
		{ "path running into an unmapped page", rw + PAGE - 4, argv, env, EFAULT },
		{ "argv array in an unmapped page", echoargs, hole, env, EFAULT },
		{ "argv array at a kernel address", echoargs, KERNEL, env, EFAULT },
		{ "argv[1] in an unmapped page", echoargs, (char *[]){ "x", hole, NULL }, env, EFAULT },
		{ "argv[1] at a kernel address", echoargs, (char *[]){ "x", KERNEL, NULL }, env, EFAULT },
		{ "argv without NULL before an unmapped page", echoargs, unterminated, env, EFAULT },
		{ "envp array in an unmapped page", echoargs, argv, hole, EFAULT },
		{ "envp[0] at a kernel address", echoargs, argv, (char *[]){ KERNEL, NULL }, EFAULT },
		{ "a missing file", "/nonexistent/echoargs", argv, env, ENOENT },
		{ "a directory", "/", argv, env, EACCES },
		{ "a text file, mode 0755", notelf, argv, env, ENOEXEC },
		{ "a text file, mode 0100 (one x bit is enough for root)", onex, argv, env, ENOEXEC },
		{ "a program, mode 0644", noexec, argv, env, EACCES },
		{ "a bad path and a bad argv array", hole, hole, env, EFAULT },
		{ "a missing file and a bad argv array", "/nonexistent/echoargs", hole, env, ENOENT },
		{ "a missing file and a bad envp[0]", "/nonexistent/echoargs", argv,
		  (char *[]){ KERNEL, NULL }, ENOENT },
		{ "a directory and a bad argv[1]", "/", (char *[]){ "x", hole, NULL }, env, EACCES },
		{ "a mode 0644 program and a bad envp array", noexec, argv, hole, EACCES },
		{ "a missing file and 64 arguments of 128 KiB", "/nonexistent/echoargs", many_max, env,
		  ENOENT },
		{ "a text file and a bad argv[1]", notelf, (char *[]){ "x", hole, NULL }, env, EFAULT },
		{ "one argument of MAX_ARG_STRLEN bytes + NUL", echoargs,
		  (char *[]){ "x", huge, NULL }, env, E2BIG },
		{ "64 arguments of 128 KiB (8 MiB)", echoargs, many_max, env, E2BIG },
		{ "65536 arguments of 128 bytes (8 MiB)", echoargs, many_small, env, E2BIG },
		{ "65536 env strings of 128 bytes (8 MiB)", echoargs, argv, many_small, E2BIG },
	};
	for (size_t i = 0; i < sizeof fs / sizeof *fs; i++) {
		char name[96];

		snprintf(name, sizeof name, "refused execve: %s, caller intact, errno %s",
			 fs[i].name, tap_errname(fs[i].err));
		child_case(refused, (void *)&fs[i], EXITED(fs[i].err), name);
	}
	/* Mode bits are honoured: one x bit anywhere lets root run a program. */
	const struct refusal runs_groupx = { "", groupx, argv, env, 0 };
	child_case(refused, (void *)&runs_groupx, EXITED(0), "execve of a program with mode 0010 runs it");

	/* One case in this very process: it must go on as if nothing happened. */
	errno = 0;
	long r = execve(echoargs, (char *[]){ "x", hole, NULL }, env);
	tap_syscall(r, errno, -1, EFAULT, canary_data == 0x1234567 ? NULL : "a global changed",
		    "execve with a bad argv string in the test process itself -> EFAULT");
}

int main(void)
{
	const char *bin = getenv("BIN_DIR") ? getenv("BIN_DIR") : "/bin";
	int fd;

	snprintf(echoargs, sizeof echoargs, "%s/echoargs", bin);
	snprintf(notelf, sizeof notelf, "/tmp/exec-notelf.%d", getpid());
	snprintf(onex, sizeof onex, "/tmp/exec-onex.%d", getpid());
	snprintf(noexec, sizeof noexec, "/tmp/exec-noexec.%d", getpid());
	snprintf(groupx, sizeof groupx, "/tmp/exec-groupx.%d", getpid());
	make_big_args();
	rw = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (rw == MAP_FAILED || munmap(rw + PAGE, PAGE) || munmap(rw + 3 * PAGE, PAGE))
		bail("mmap");
	hole = rw + PAGE;
	rw2 = rw + 2 * PAGE;
	memset(rw, 'p', PAGE); /* no NUL up to the hole: a path that runs off */
	fd = open(notelf, O_CREAT | O_WRONLY | O_TRUNC, 0755);
	if (fd < 0 || write(fd, "this is not an ELF file\n", 24) != 24 || close(fd))
		bail(notelf);

	copy_file(notelf, onex, 0100);
	copy_file(echoargs, noexec, 0644);
	copy_file(echoargs, groupx, 0010);

	runs();
	refusals();
	unlink(notelf);
	unlink(onex);
	unlink(noexec);
	unlink(groupx);
	return done_testing();
}

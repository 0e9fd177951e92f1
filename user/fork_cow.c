/* user/fork_cow.c — fork with copy-on-write, and the wait4/getppid/gettid
 * bookkeeping that comes with processes.
 *
 * After fork every writable page is shared read-only until one side writes
 * it; the write must copy the page for the writer alone. So each case has
 * both sides write the same variable after fork and checks that each still
 * sees its own value: in globals (.data and .bss), the heap and the stack,
 * then in every byte of a 64 KiB .data array (pages that came from the ELF
 * file), a 1 MiB .bss array nobody touched before fork (zero pages) and a
 * 1 MiB malloc'd block (anonymous mmap). A page that was read-only
 * before fork must stay so in the child: copy-on-write must not "copy" it
 * writable. Pipes order the two sides; nothing waits on time.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "child.h"

#define PAGE 4096UL
#define BIG (1UL << 20)

static long data_var = 1;          /* .data */
static long bss_var;               /* .bss */
/* .data: pages of the ELF file, not written before fork */
static unsigned char data_arr[64 << 10] = { [0 ...(64 << 10) - 1] = 0x5a };
static unsigned char big_bss[BIG]; /* .bss: zero pages until written */

/* A blocking one-byte handshake over two pipes: each side waits its turn. */
static int p2c[2], c2p[2];
static void send_byte(int fd) { if (write(fd, "x", 1) != 1) _exit(120); }
static void wait_byte(int fd) { char c; if (read(fd, &c, 1) != 1) _exit(121); }

/* ---- small variables: each side writes, then checks after the other did -- */

struct var {
	const char *name;
	long *p;
};

/* Variable i is i at fork; the child makes it 100 + i, then the parent
 * 200 + i. The child's exit status has bit i set if it lost its value. */
static int vars_child(void *arg)
{
	struct var *v = arg;
	int bad = 0;

	for (int i = 0; v[i].name; i++)
		*v[i].p += 100;
	send_byte(c2p[1]);
	wait_byte(p2c[0]);
	for (int i = 0; v[i].name; i++)
		if (*v[i].p != 100 + i)
			bad |= 1 << i;
	return bad;
}

static void small_vars(void)
{
	long stack_var;
	long *heap_var = malloc(sizeof *heap_var);
	struct var vars[] = {
		{ ".data global", &data_var }, { ".bss global", &bss_var },
		{ "malloc'd heap", heap_var }, { "stack variable", &stack_var },
		{ NULL, NULL },
	};

	if (!heap_var)
		bail("malloc");
	for (int i = 0; vars[i].name; i++)
		*vars[i].p = i;
	pid_t pid = spawn(vars_child, vars);

	wait_byte(c2p[0]); /* the child has written all of them */
	for (int i = 0; vars[i].name; i++) {
		tap_eq(*vars[i].p, i, "%s: the child's write after fork is not seen by the parent",
		       vars[i].name);
		*vars[i].p = 200 + i;
	}
	send_byte(p2c[1]);
	int status = reap(pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) >= 1 << 4)
		tap_diag("the child ended with %s", status_name(status));
	for (int i = 0; vars[i].name; i++)
		tap_ok(WIFEXITED(status) && !(WEXITSTATUS(status) & 1 << i),
		       "%s: the parent's write after fork is not seen by the child", vars[i].name);
	free(heap_var);
}

/* ---- big regions: both directions, every byte ------------------------------ */

struct region {
	const char *name;
	unsigned char *p;
	size_t len;
	unsigned char before; /* every byte's value at fork */
};

/* 0 if every byte of r is v; else 1 + the index of the first that is not. */
static size_t differs(const struct region *r, unsigned char v)
{
	for (size_t i = 0; i < r->len; i++)
		if (r->p[i] != v)
			return i + 1;
	return 0;
}

/* Waits until the parent has overwritten the region, checks the child still
 * sees the old bytes, then overwrites them itself. */
static int region_child(void *arg)
{
	struct region *r = arg;

	wait_byte(p2c[0]);
	if (differs(r, r->before))
		return 1;
	memset(r->p, 0xc3, r->len);
	return differs(r, 0xc3) ? 2 : 0;
}

static void region_case(struct region *r)
{
	pid_t pid = spawn(region_child, r);

	memset(r->p, 0x3c, r->len); /* while the child still shares the pages */
	send_byte(p2c[1]);
	tap_status(reap(pid), EXITED(0),
		   "%s: child sees its pre-fork bytes after the parent wrote, then writes its own",
		   r->name);
	size_t bad = differs(r, 0x3c);
	tap_ok(!bad, "%s: parent keeps its bytes after the child wrote all of them", r->name);
	if (bad)
		tap_diag("first changed byte at offset %zu", bad - 1);
}

static void regions(void)
{
	unsigned char *heap = malloc(BIG); /* musl mmaps this: anonymous memory */
	struct region rs[] = {
		{ "64 KiB .data array", data_arr, sizeof data_arr, 0x5a },
		{ "1 MiB .bss array never touched before fork", big_bss, BIG, 0 },
		{ "1 MiB malloc'd (mmap'd) block", heap, BIG, 0xa5 },
	};

	if (!heap)
		bail("malloc");
	memset(heap, 0xa5, BIG);
	for (size_t i = 0; i < sizeof rs / sizeof *rs; i++)
		region_case(&rs[i]);
	free(heap);
}

/* ---- read-only pages stay read-only in the child ---------------------------- */

static int read_then_write(void *p)
{
	volatile unsigned char *v = p;

	if (*v != 0x77 && *v != 0)
		return 1; /* reading must work and see the parent's bytes */
	*v = 1;           /* and this must kill us */
	return 0;
}

static void read_only(void)
{
	unsigned char *anon = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *was_rw = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (anon == MAP_FAILED || was_rw == MAP_FAILED)
		bail("mmap");
	/* A written page made read-only is the case a COW fault handler can get
	 * wrong: it is private and present, exactly like a COW page. */
	memset(was_rw, 0x77, PAGE);
	if (mprotect(was_rw, PAGE, PROT_READ))
		bail("mprotect");
	child_case(read_then_write, anon, KILLED(SIGSEGV),
		   "child writes an mmap(PROT_READ) page");
	child_case(read_then_write, was_rw, KILLED(SIGSEGV),
		   "child writes a written page mprotect'ed to PROT_READ");
	tap_ok(was_rw[0] == 0x77 && was_rw[PAGE - 1] == 0x77 && anon[0] == 0,
	       "the parent still reads both read-only pages unchanged");
	munmap(anon, PAGE), munmap(was_rw, PAGE);
}

/* ---- many children, and wait4's answers ------------------------------------ */

#define NKIDS 50

static int exit_with(void *code) { return (int)(intptr_t)code; }

static void many_children(void)
{
	pid_t pids[NKIDS];
	int forked = 0, reaped = 0, right = 0, status;

	for (int i = 0; i < NKIDS; i++)
		forked += (pids[i] = spawn(exit_with, (void *)(intptr_t)(i + 1))) > 0;
	tap_eq(forked, NKIDS, "%d forks in a row all succeed", NKIDS);
	/* Reaped in whatever order they die, by wait4(-1). */
	for (pid_t pid; (pid = wait4(-1, &status, 0, NULL)) > 0; reaped++)
		for (int i = 0; i < NKIDS; i++)
			right += pid == pids[i] && WIFEXITED(status) &&
				 WEXITSTATUS(status) == i + 1;
	tap_eq(reaped, forked, "wait4(-1) reaps every one of them");
	tap_eq(right, forked, "each reaped pid comes with its own exit code");
	tap_eq(errno, ECHILD, "then wait4(-1) fails with ECHILD");

	/* Only the low 8 bits of the exit code survive. */
	static const int codes[][2] = { { 0, 0 }, { 255, 255 }, { 256, 0 }, { 257, 1 } };
	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
		char name[32];

		snprintf(name, sizeof name, "child returns %d", codes[i][0]);
		child_case(exit_with, (void *)(intptr_t)codes[i][0], EXITED(codes[i][1]), name);
	}
}

static void wait_cases(void)
{
	int fds[2], status = 0x1234;

	if (pipe(fds))
		bail("pipe");
	pid_t pid = spawn(until_eof, fds);
	errno = 0;
	long r = wait4(pid, &status, WNOHANG, NULL);
	tap_syscall(r, errno, 0, 0, status == 0x1234 ? NULL : "status was written",
		    "wait4(child, WNOHANG) while it runs -> 0, status untouched");
	r = wait4(-1, &status, WNOHANG, NULL);
	tap_syscall(r, errno, 0, 0, NULL, "wait4(-1, WNOHANG) while a child runs -> 0");
	close(fds[1]); /* EOF for the child: its read returns 0 */
	close(fds[0]);
	tap_status(reap(pid), EXITED(0), "the blocked child then sees EOF and exits 0");

	r = wait4(-1, &status, 0, NULL);
	tap_syscall(r, errno, -1, ECHILD, NULL, "wait4(-1) without children -> ECHILD");
	r = wait4(-1, &status, WNOHANG, NULL);
	tap_syscall(r, errno, -1, ECHILD, NULL, "wait4(-1, WNOHANG) without children -> ECHILD");
	r = wait4(getpid(), &status, 0, NULL);
	tap_syscall(r, errno, -1, ECHILD, NULL, "wait4(own pid) -> ECHILD");
	r = wait4(pid, &status, 0, NULL);
	tap_syscall(r, errno, -1, ECHILD, NULL, "wait4(already reaped child) -> ECHILD");
}

/* ---- identities ---------------------------------------------------------- */

static pid_t parent_pid;

static int ids_child(void *fd)
{
	pid_t me = getpid();

	if (write((int)(intptr_t)fd, &me, sizeof me) != sizeof me)
		return 9;
	return (getppid() == parent_pid ? 0 : 1) | (syscall(SYS_gettid) == me ? 0 : 2) |
	       (me != parent_pid ? 0 : 4);
}

static void identities(void)
{
	int fds[2];
	pid_t seen = 0;

	parent_pid = getpid();
	tap_eq(syscall(SYS_gettid), parent_pid, "gettid == getpid in a single-threaded process");
	if (pipe(fds))
		bail("pipe");
	pid_t pid = spawn(ids_child, (void *)(intptr_t)fds[1]);
	int status = reap(pid);
	tap_status(status, EXITED(0),
		   "in the child: getppid == parent's pid, gettid == getpid != parent's pid");
	tap_ok(read(fds[0], &seen, sizeof seen) == sizeof seen && seen == pid,
	       "fork returns to the parent the pid that getpid returns in the child");
	close(fds[0]), close(fds[1]);
}

int main(void)
{
	if (pipe(p2c) || pipe(c2p))
		bail("pipe");
	small_vars();
	regions();
	read_only();
	many_children();
	wait_cases();
	identities();
	return done_testing();
}

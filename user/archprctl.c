/* user/archprctl.c — arch_prctl's GS base: ARCH_SET_GS makes %gs point
 * where asked, for this process only, through system calls, timer
 * interrupts and switches to other processes (the kernel keeps the user's
 * GS base in MSR_KERNEL_GS_BASE while SWAPGS has the per-CPU area in GS);
 * fork inherits it and execve resets it to 0.
 *
 * Linux behaviours asserted here, each found by running it: a base at or
 * above TASK_SIZE_MAX (0x7ffffffff000: kernel or non-canonical) is EPERM
 * for SET_GS as for SET_FS; a bad pointer for GET_GS or GET_FS is EFAULT;
 * an unknown code is EINVAL.
 *
 * The exec case runs this program again from $BIN_DIR (default /bin) with
 * the argument "gs", which exits 0 only if it starts with a GS base of 0.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "child.h"

/* <asm/prctl.h>, which musl's headers do not carry */
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

static long got;
static int got_err;
#define RUN(expr) (errno = 0, got = (expr), got_err = errno)

static uint64_t mine[2] = { 0x1111111111111111, 0x2222222222222222 };
static uint64_t theirs[2] = { 0x3333333333333333, 0x4444444444444444 };

static long prctl(int code, uint64_t addr) { return syscall(SYS_arch_prctl, code, addr); }

static uint64_t get_gs(void)
{
	uint64_t base = 0xdead;

	return prctl(ARCH_GET_GS, (uint64_t)&base) ? 0xdead : base;
}

static uint64_t gs_word(int i)
{
	uint64_t v;

	if (i)
		__asm__ volatile("movq %%gs:8, %0" : "=r"(v));
	else
		__asm__ volatile("movq %%gs:0, %0" : "=r"(v));
	return v;
}

static int gs_is(uint64_t *area) { return get_gs() == (uint64_t)area && gs_word(0) == area[0] && gs_word(1) == area[1]; }

static void syscall_case(long want, int want_err, const char *what)
{
	tap_syscall(got, got_err, want, want_err, NULL, "%s -> %s", what,
		    want == -1 ? tap_errname(want_err) : "0");
}

/* ---- through interrupts and other processes -------------------------------- */

static int go[2], ready[2];

/* Sets its own GS base, says so, then spins until EOF checking it. */
static int other(void *unused)
{
	char c;

	(void)unused;
	close(go[1]), close(ready[0]);
	if (!gs_is(mine))
		return 2; /* fork should have inherited the parent's */
	if (prctl(ARCH_SET_GS, (uint64_t)theirs) || write(ready[1], "r", 1) != 1)
		return 3;
	fcntl(go[0], F_SETFL, O_NONBLOCK);
	while (read(go[0], &c, 1) != 0)
		if (!gs_is(theirs))
			return 4;
	return 0;
}

static void switches(void)
{
	char c;
	int bad = 0;

	RUN(prctl(ARCH_SET_GS, (uint64_t)mine));
	syscall_case(0, 0, "ARCH_SET_GS(&mine)");
	tap_eq(get_gs(), (uint64_t)mine, "ARCH_GET_GS gives it back");
	tap_ok(gs_word(0) == mine[0] && gs_word(1) == mine[1], "%%gs:0 and %%gs:8 read mine[0] and mine[1]");
	getpid();
	sched_yield();
	tap_ok(gs_is(mine), "still so after getpid and sched_yield");

	if (pipe(go) || pipe(ready))
		bail("pipe");
	pid_t pid = spawn(other, NULL);
	close(go[0]), close(ready[1]);
	tap_ok(read(ready[0], &c, 1) == 1, "a child that inherited it set its own GS base");
	for (int i = 0; i < 200000; i++) {
		bad += !gs_is(mine);
		if (i % 1000 == 0)
			sched_yield(); /* let the child run with its GS base */
	}
	tap_eq(bad, 0, "ours stays ours while the child spins with its own");
	close(go[1]);
	tap_status(reap(pid), EXITED(0), "the child saw its own GS base throughout, and exits");
	close(ready[0]);
}

/* ---- errors ------------------------------------------------------------------ */

static void errors(void)
{
	static const uint64_t bad_bases[] = { 0x7ffffffff000, 0x800000000000, 0xffff800000000000,
					      0xffffffff80100000, ~0UL };
	char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	for (size_t i = 0; i < sizeof bad_bases / sizeof bad_bases[0]; i++) {
		char what[64];

		snprintf(what, sizeof what, "ARCH_SET_GS(%#lx)", bad_bases[i]);
		RUN(prctl(ARCH_SET_GS, bad_bases[i]));
		syscall_case(-1, EPERM, what);
		snprintf(what, sizeof what, "ARCH_SET_FS(%#lx)", bad_bases[i]);
		RUN(prctl(ARCH_SET_FS, bad_bases[i]));
		syscall_case(-1, EPERM, what);
	}
	tap_eq(get_gs(), (uint64_t)mine, "the refused bases left GS alone");
	RUN(prctl(ARCH_SET_GS, 0x7fffffffe000));
	syscall_case(0, 0, "ARCH_SET_GS(0x7fffffffe000), the last page below TASK_SIZE_MAX");
	tap_eq(get_gs(), 0x7fffffffe000, "ARCH_GET_GS gives it back");
	RUN(prctl(ARCH_SET_GS, 0));
	syscall_case(0, 0, "ARCH_SET_GS(0)");

	static const struct { uint64_t p; const char *name; } bad_ptrs[] = {
		{ 0, "NULL" }, { 1, "(void *)1" }, { 0xffff800000000000, "kernel direct map" },
		{ 0x800000000000, "non-canonical" }, { 0, "read-only page" },
	};
	for (size_t i = 0; i < sizeof bad_ptrs / sizeof bad_ptrs[0]; i++) {
		uint64_t p = bad_ptrs[i].p ? bad_ptrs[i].p : i ? (uint64_t)ro : 0;
		char what[64];

		snprintf(what, sizeof what, "ARCH_GET_GS(%s)", bad_ptrs[i].name);
		RUN(prctl(ARCH_GET_GS, p));
		syscall_case(-1, EFAULT, what);
		snprintf(what, sizeof what, "ARCH_GET_FS(%s)", bad_ptrs[i].name);
		RUN(prctl(ARCH_GET_FS, p));
		syscall_case(-1, EFAULT, what);
	}
	RUN(prctl(0x1005, (uint64_t)mine));
	syscall_case(-1, EINVAL, "arch_prctl(0x1005, ...)");
	RUN(prctl(0, 0));
	syscall_case(-1, EINVAL, "arch_prctl(0, 0)");
}

/* ---- execve ------------------------------------------------------------------- */

static int exec_with_gs(void *unused)
{
	const char *dir = getenv("BIN_DIR") ? getenv("BIN_DIR") : "/bin";
	char path[256];

	(void)unused;
	snprintf(path, sizeof path, "%s/archprctl", dir);
	if (prctl(ARCH_SET_GS, (uint64_t)mine))
		return 2;
	execl(path, path, "gs", (char *)NULL);
	return 3;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "gs"))
		return get_gs() == 0 ? 0 : 1;
	tap_eq(get_gs(), 0, "a program starts with GS base 0");
	switches();
	errors();
	child_case(exec_with_gs, NULL, EXITED(0), "execve resets the GS base to 0");
	return done_testing();
}

/* user/bk12_sigstack.c — signal frames aimed at memory the process may not
 * write: a sigaltstack in the kernel half, one that wraps past 2^64, one
 * that is unmapped, read-only or PROT_NONE; a stack pointer that is a kernel
 * address, non-canonical or just above 0 (so that the frame below it wraps);
 * an altstack used up by nested handlers. Linux kills the process with
 * SIGSEGV and writes nothing: not the kernel's memory, not the bytes below
 * the altstack.
 *
 * Inspired by: Linux's get_sigframe ("if we are on the alternate signal
 * stack and would overflow it, don't": CVE-2009-2847-era sigaltstack
 * fixes), LTP sigaltstack01/02, gVisor test/syscalls/linux/sigaltstack.cc
 * (unmapped altstack, nested signals on the altstack), syzkaller reports of
 * signal delivery with a bogus RSP, xv6-style "the kernel must not trust
 * the user stack pointer".
 */
#include <stdint.h>
#include <sys/mman.h>

#include "bk12.h"

static void handler(int sig) { (void)sig; }

/* A child with an altstack at sp/size and a SA_ONSTACK handler for
 * SIGUSR1 sends itself SIGUSR1; returns 0 if the handler returned. */
static int alt_child(void *arg)
{
	uintptr_t *a = arg;
	stack_t ss = { .ss_sp = (void *)a[0], .ss_size = a[1] };
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_ONSTACK };

	if (syscall(SYS_sigaltstack, &ss, NULL))
		return 10 + errno;
	if (sigaction(SIGUSR1, &sa, NULL))
		return 2;
	raise(SIGUSR1);
	return 0;
}

static void alt_case(uintptr_t sp, size_t size, int want, const char *what)
{
	uintptr_t a[2] = { sp, size };

	child_case(alt_child, a, want, what);
}

/* The stack pointer becomes sp, then kill(getpid(), SIGUSR1) with a
 * handler installed: the frame would go just below sp. */
static int rsp_child(void *arg)
{
	struct sigaction sa = { .sa_handler = handler };
	long pid = getpid();

	if (sigaction(SIGUSR1, &sa, NULL))
		return 2;
	__asm__ volatile("mov %0, %%rsp\n\t"
			 "syscall\n\t"
			 "ud2"
			 :: "r"(arg), "a"(SYS_kill), "D"(pid), "S"((long)SIGUSR1)
			 : "rcx", "r11", "memory");
	return 3;
}

static void rsp_case(uintptr_t sp, const char *what)
{
	child_case(rsp_child, (void *)sp, KILLED(SIGSEGV), what);
}

/* Nested SIGUSR1s (SA_NODEFER) on an altstack until it runs out; depth
 * counts them in a shared page. */
static volatile long *depth;
static long self_pid;

/* The next signal comes from an inline syscall, so that the handler's own
 * code needs almost no stack below its frame. */
static void nest(int sig)
{
	long r;

	(*depth)++;
	__asm__ volatile("syscall" : "=a"(r) : "a"((long)SYS_kill), "D"(self_pid), "S"((long)sig)
			 : "rcx", "r11", "memory");
}

static int nest_child(void *arg)
{
	stack_t ss = { .ss_sp = arg, .ss_size = 4 * 4096 };
	struct sigaction sa = { .sa_handler = nest, .sa_flags = SA_ONSTACK | SA_NODEFER };

	self_pid = getpid();
	if (sigaltstack(&ss, NULL) || sigaction(SIGUSR1, &sa, NULL))
		return 2;
	raise(SIGUSR1);
	return 3;
}

int main(void)
{
	unsigned char *m = mmap(NULL, 6 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		bail("mmap");
	depth = (volatile long *)m;
	unsigned char *below = m + 4096, *stack = m + 2 * 4096; /* 4 pages */
	unsigned char *ro = mmap(NULL, 65536, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *none = mmap(NULL, 65536, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *gone = mmap(NULL, 65536, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED || none == MAP_FAILED || gone == MAP_FAILED)
		bail("mmap");
	munmap(gone, 65536);
	/* gone stays a hole but for the island page mapped in its middle later */

	alt_case((uintptr_t)stack, 4 * 4096, EXITED(0), "a good altstack works");
	alt_case((uintptr_t)gone, 65536, KILLED(SIGSEGV), "altstack unmapped -> SIGSEGV");
	alt_case((uintptr_t)ro, 65536, KILLED(SIGSEGV), "altstack read-only -> SIGSEGV");
	alt_case((uintptr_t)none, 65536, KILLED(SIGSEGV), "altstack PROT_NONE -> SIGSEGV");
	alt_case(0xffff800000000000, 65536, KILLED(SIGSEGV), "altstack in the kernel direct map -> SIGSEGV");
	alt_case(0xffffffff80100000, 65536, KILLED(SIGSEGV), "altstack on kernel text -> SIGSEGV");
	alt_case(0xffffffffffff0000, 65536, KILLED(SIGSEGV), "altstack whose top wraps to 0 -> SIGSEGV");
	alt_case(0x7ffffffff000, 65536, KILLED(SIGSEGV), "altstack from the top page on, past 2^47 -> SIGSEGV");
	alt_case(0x0000800000000000, 65536, KILLED(SIGSEGV), "altstack non-canonical -> SIGSEGV");
	alt_case(0, 8192, KILLED(SIGSEGV), "altstack at NULL -> SIGSEGV");
	alt_case((uintptr_t)stack, 1024, EXITED(10 + ENOMEM), "altstack smaller than MINSIGSTKSZ -> ENOMEM");

	rsp_case(0xffff800000010000, "rsp in the kernel direct map -> SIGSEGV");
	rsp_case(0xffffffff80200000, "rsp in kernel text -> SIGSEGV");
	rsp_case(0x0000800000000000, "rsp is 2^47 (non-canonical) -> SIGSEGV");
	rsp_case(0x8000000000000000, "rsp is 2^63 (non-canonical) -> SIGSEGV");
	rsp_case(0x200, "rsp just above 0: the frame would wrap to the top -> SIGSEGV");
	rsp_case(0, "rsp 0 -> SIGSEGV");
	unsigned char *island = mmap(gone + 32768, 4096, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (island == MAP_FAILED)
		bail("mmap");
	rsp_case((uintptr_t)island + 256, "rsp 256 bytes into a page with a hole below -> SIGSEGV");
	rsp_case((uintptr_t)ro + 32768, "rsp in read-only memory -> SIGSEGV");

	/* The bytes below the altstack are ours and mapped: the nested
	 * handlers must stop at the altstack's bottom, not run into them. */
	memset(below, PAT, 4096);
	*depth = 0;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(nest_child(stack));
	int st = -1, waited = 0;
	while (waited < 200 && waitpid(pid, &st, WNOHANG) == 0) {
		usleep(50000);
		waited++;
	}
	if (waited == 200) {
		tap_diag("still running after 10 s with %ld handlers nested; killed", *depth);
		kill(pid, SIGKILL);
		st = reap(pid);
	} else if (WIFSIGNALED(st)) {
		st = WTERMSIG(st);
	}
	tap_status(st, KILLED(SIGSEGV), "nested handlers use up a 16 KiB altstack -> SIGSEGV within 10 s");
	tap_ok(*depth > 3, "several handlers ran before it was used up (%ld)", *depth);
	bytes_are(below, 0, 4096, PAT, "the page below the altstack was not written");

	/* after all that the kernel still delivers signals normally */
	alt_case((uintptr_t)stack, 4 * 4096, EXITED(0), "a good altstack still works");
	return done_testing();
}

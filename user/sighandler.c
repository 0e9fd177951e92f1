/* user/sighandler.c — user signal handlers: that one runs and returns, the
 * registers and stack it starts with, the siginfo of each kind of fault and
 * of kill/tkill/sigqueue, SA_RESETHAND, SA_NODEFER, sa_mask, nested
 * handlers, and the fault cases that must kill instead (a handler that
 * faults in itself, a blocked or ignored fault signal, a frame that cannot
 * be written). Deaths are checked in forked children.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#include "child.h"

static volatile int hits, last_sig, order[4], norder;
static siginfo_t got;
static sigjmp_buf env;
static sigset_t inside;
/* An address the compiler cannot see through (a constant one draws
 * -Warray-bounds). */
static void poke(unsigned long addr)
{
	volatile char *volatile p = (volatile char *)addr;
	*p = 1;
}

long entry_rsp, entry_rdi, entry_rsi, entry_rdx, entry_rax; /* written by probe */

/* A handler in assembly, to see the registers exactly as the kernel left
 * them; its RET goes to the restorer (pretcode). */
void probe(int);
asm(".text\n.globl probe\nprobe:\n"
    "mov %rsp, entry_rsp(%rip)\nmov %rdi, entry_rdi(%rip)\nmov %rsi, entry_rsi(%rip)\n"
    "mov %rdx, entry_rdx(%rip)\nmov %rax, entry_rax(%rip)\nret\n");

static void count(int sig)
{
	hits++;
	last_sig = sig;
	sigprocmask(SIG_BLOCK, NULL, &inside);
}

static void record(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	last_sig = sig;
	got = *si;
}

static void jump(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got = *si;
	siglongjmp(env, sig);
}

/* Step over the faulting instruction (len bytes) through the frame. */
static int skip_len;
static void skip(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	got = *si;
	last_sig = sig;
	uc->uc_mcontext.gregs[REG_RIP] += skip_len;
}

static void on(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = fn;
	sa.sa_flags = flags | SA_SIGINFO;
	if (sigaction(sig, &sa, NULL))
		bail("sigaction");
}

static void on_plain(int sig, void (*fn)(int), int flags, int masked)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	if (masked)
		sigaddset(&sa.sa_mask, masked);
	if (sigaction(sig, &sa, NULL))
		bail("sigaction");
}

static void runs_and_returns(void)
{
	on_plain(SIGUSR1, count, 0, 0);
	hits = 0;
	raise(SIGUSR1);
	raise(SIGUSR1);
	tap_ok(hits == 2 && last_sig == SIGUSR1, "a handler runs for each raise and returns");
	on_plain(SIGUSR1, probe, 0, 0);
	raise(SIGUSR1);
	tap_eq((entry_rsp + 8) % 16, 0, "RSP + 8 is 16-byte aligned at handler entry");
	tap_ok(entry_rdi == SIGUSR1 && entry_rax == 0 && entry_rsi > entry_rsp && entry_rdx > entry_rsp,
	       "rdi = sig, rax = 0, rsi and rdx point into the frame above rsp");
	tap_eq(entry_rsi - entry_rdx, 304, "siginfo follows the 304-byte ucontext");
}

static void siginfo_of_senders(void)
{
	on(SIGUSR2, record, 0);
	kill(getpid(), SIGUSR2);
	tap_ok(got.si_code == SI_USER && got.si_pid == getpid() && got.si_uid == getuid(),
	       "kill: SI_USER with the sender's pid and uid");
	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2);
	tap_ok(got.si_code == SI_TKILL && got.si_pid == getpid(), "tgkill: SI_TKILL");
	sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 1234 });
	tap_ok(got.si_code == SI_QUEUE && got.si_value.sival_int == 1234, "sigqueue: SI_QUEUE and the value");
}

static void fault_siginfo(void)
{
	long page = sysconf(_SC_PAGESIZE);
	volatile char *ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	on(SIGSEGV, jump, 0);
	if (!sigsetjmp(env, 1))
		poke(16);
	tap_ok(got.si_signo == SIGSEGV && got.si_code == SEGV_MAPERR && got.si_addr == (void *)16,
	       "write to an unmapped address: SEGV_MAPERR, si_addr");
	if (!sigsetjmp(env, 1))
		poke((unsigned long)ro);
	tap_ok(got.si_code == SEGV_ACCERR && got.si_addr == ro, "write to a read-only page: SEGV_ACCERR");
	if (!sigsetjmp(env, 1))
		poke(0xffffffff81000000ul);
	tap_ok(got.si_code == SEGV_MAPERR, "write to a kernel address: SEGV_MAPERR");
	if (!sigsetjmp(env, 1))
		poke(0x8000000000000000ul);
	tap_ok(got.si_code == SI_KERNEL && got.si_addr == 0, "non-canonical address (#GP): SI_KERNEL, no address");

	char path[64];
	snprintf(path, sizeof path, "/tmp/sighandler.%d", getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, "x", 1) != 1)
		bail("file");
	volatile char *map = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0);
	on(SIGBUS, jump, 0);
	int sig = sigsetjmp(env, 1);
	if (!sig)
		(void)map[page];
	if (!tap_ok(sig == SIGBUS && got.si_code == BUS_ADRERR && got.si_addr == map + page,
		    "read past the end of a file: SIGBUS BUS_ADRERR, si_addr"))
		tap_diag("sig %d code %d addr %p, map %p", sig, got.si_code, got.si_addr, (void *)map);
	unlink(path);
	close(fd);

	skip_len = 2;
	on(SIGFPE, skip, 0);
	void *at;
	asm volatile("lea 1f(%%rip), %0\n xor %%edx, %%edx\n mov $1, %%eax\n xor %%ecx, %%ecx\n1: divl %%ecx"
		     : "=&r"(at) : : "rax", "rcx", "rdx");
	tap_ok(last_sig == SIGFPE && got.si_code == FPE_INTDIV && got.si_addr == at,
	       "divide by zero: SIGFPE FPE_INTDIV at the instruction, resumed past it");
	on(SIGILL, skip, 0);
	asm volatile("lea 1f(%%rip), %0\n1: ud2" : "=r"(at));
	tap_ok(last_sig == SIGILL && got.si_code == ILL_ILLOPN && got.si_addr == at,
	       "ud2: SIGILL ILL_ILLOPN at the instruction");
	skip_len = 0;
	on(SIGTRAP, skip, 0);
	asm volatile("int3");
	tap_ok(last_sig == SIGTRAP && got.si_code == SI_KERNEL && got.si_addr == 0, "int3: SIGTRAP SI_KERNEL");
}

static int resethand_child(void *arg)
{
	(void)arg;
	struct sigaction old;
	hits = 0;
	on_plain(SIGUSR1, count, SA_RESETHAND, 0);
	raise(SIGUSR1);
	sigaction(SIGUSR1, NULL, &old);
	if (hits != 1 || old.sa_handler != SIG_DFL || sigismember(&inside, SIGUSR1) != 1)
		return 1;
	raise(SIGUSR1);
	return 2;
}

static void masks(void)
{
	child_case(resethand_child, NULL, KILLED(SIGUSR1),
		   "SA_RESETHAND: the first runs (sig blocked inside), the second kills");
	on_plain(SIGUSR1, count, SA_NODEFER, SIGUSR2);
	raise(SIGUSR1);
	tap_ok(!sigismember(&inside, SIGUSR1) && sigismember(&inside, SIGUSR2),
	       "SA_NODEFER: sig not blocked in the handler, sa_mask is");
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	tap_ok(!sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2), "the mask is back after return");
}

static void inner(int sig)
{
	order[norder++] = sig;
}

static void outer(int sig)
{
	raise(SIGUSR2);
	order[norder++] = sig;
}

static void nested(void)
{
	on_plain(SIGUSR1, outer, 0, 0);
	on_plain(SIGUSR2, inner, 0, 0);
	norder = 0;
	raise(SIGUSR1);
	tap_ok(norder == 2 && order[0] == SIGUSR2 && order[1] == SIGUSR1,
	       "a signal raised in a handler runs nested, then the outer one finishes");
	/* Both pending at once: two frames, the lower number's first. */
	sigset_t both;
	sigemptyset(&both);
	sigaddset(&both, SIGUSR1);
	sigaddset(&both, SIGUSR2);
	on_plain(SIGUSR1, inner, 0, 0);
	sigprocmask(SIG_BLOCK, &both, NULL);
	raise(SIGUSR2);
	raise(SIGUSR1);
	norder = 0;
	sigprocmask(SIG_UNBLOCK, &both, NULL);
	tap_ok(norder == 2, "two pending signals both run when unblocked");
}

static void segv_in_handler(int sig)
{
	(void)sig;
	poke(8);
}

static int fault_in_own_handler(void *arg)
{
	(void)arg;
	on_plain(SIGSEGV, segv_in_handler, 0, 0);
	poke(8);
	return 0;
}

static int fault_blocked(void *arg)
{
	(void)arg;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGSEGV);
	on_plain(SIGSEGV, count, 0, 0);
	sigprocmask(SIG_BLOCK, &s, NULL);
	poke(8);
	return 0;
}

static int fault_ignored(void *arg)
{
	(void)arg;
	signal(SIGSEGV, SIG_IGN);
	poke(8);
	return 0;
}

static int segv_caught;
static void caught(int sig)
{
	(void)sig;
	segv_caught = 1;
	siglongjmp(env, 1);
}

static int fault_in_other_handler(void *arg)
{
	(void)arg;
	on_plain(SIGSEGV, caught, 0, 0);
	on_plain(SIGUSR1, segv_in_handler, 0, 0);
	if (!sigsetjmp(env, 1))
		raise(SIGUSR1);
	return segv_caught ? 0 : 1;
}

/* No restorer: x86-64 has no default one, so the frame cannot be made,
 * which costs a SIGSEGV that a handler may catch (Linux's force_sigsegv:
 * only a frame for SIGSEGV itself kills outright). */
static int no_restorer(void *arg)
{
	(void)arg;
	signal(SIGSEGV, SIG_DFL);
	struct { void *handler; unsigned long flags; void *restorer; unsigned long mask; } ka = { count, 0, 0, 0 };
	if (syscall(SYS_rt_sigaction, SIGUSR1, &ka, NULL, 8))
		return 1;
	raise(SIGUSR1);
	return 2;
}

static void deaths(void)
{
	child_case(fault_in_own_handler, NULL, KILLED(SIGSEGV), "a SIGSEGV handler that faults itself");
	child_case(fault_blocked, NULL, KILLED(SIGSEGV), "a fault while SIGSEGV is blocked");
	child_case(fault_ignored, NULL, KILLED(SIGSEGV), "a fault while SIGSEGV is ignored");
	child_case(fault_in_other_handler, NULL, EXITED(0), "a fault in a SIGUSR1 handler reaches the SIGSEGV handler");
	child_case(no_restorer, NULL, KILLED(SIGSEGV), "a handler without SA_RESTORER");
}

static void flags_and_errors(void)
{
	struct sigaction sa = { 0 }, old;
	sa.sa_handler = count;
	sa.sa_flags = SA_RESTART | 0x200; /* an unknown bit is dropped */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR1, NULL, &old);
	tap_ok(old.sa_handler == count && (old.sa_flags & ~SA_RESTORER) == SA_RESTART,
	       "sigaction reports the handler and the known flags back");
	errno = 0;
	int r = sigaction(SIGKILL, &sa, NULL);
	tap_syscall(r, errno, -1, EINVAL, NULL, "a handler for SIGKILL: EINVAL");
	sigaddset(&sa.sa_mask, SIGKILL);
	sigaddset(&sa.sa_mask, SIGSTOP);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR1, NULL, &old);
	tap_ok(!sigismember(&old.sa_mask, SIGKILL) && !sigismember(&old.sa_mask, SIGSTOP),
	       "sa_mask never holds SIGKILL or SIGSTOP");
}

/* The program again after execve: handlers are SIG_DFL, SIG_IGN stays,
 * the mask stays, the alternate stack is gone. */
static int after_exec(void)
{
	struct sigaction a, b;
	sigset_t mask;
	stack_t ss;
	sigaction(SIGUSR1, NULL, &a);
	sigaction(SIGUSR2, NULL, &b);
	sigprocmask(SIG_BLOCK, NULL, &mask);
	sigaltstack(NULL, &ss);
	return (a.sa_handler == SIG_DFL) | (b.sa_handler == SIG_IGN) << 1 |
	       (sigismember(&mask, SIGTERM) == 1) << 2 | (ss.ss_flags == SS_DISABLE) << 3;
}

static int exec_child(void *arg)
{
	(void)arg;
	static char alt[65536];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt };
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	on_plain(SIGUSR1, count, 0, 0);
	signal(SIGUSR2, SIG_IGN);
	sigprocmask(SIG_BLOCK, &term, NULL);
	sigaltstack(&ss, NULL);
	execl("/proc/self/exe", "sighandler", "after-exec", (char *)NULL);
	return 99;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "after-exec"))
		return after_exec();
	child_case(exec_child, NULL, EXITED(15),
		   "execve: handler reset to SIG_DFL, SIG_IGN and the mask kept, alternate stack dropped");
	runs_and_returns();
	siginfo_of_senders();
	fault_siginfo();
	masks();
	nested();
	deaths();
	flags_and_errors();
	return done_testing();
}

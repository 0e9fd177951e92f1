/* user/bk10_sig.c — breaker10: signal handlers in one thread, black box.
 *
 * siginfo of kill/sigqueue/faults; real-time signals 32..64 queued and
 * delivered lowest first, FIFO within one; rt_sigtimedwait on a signal
 * queued many times; sigsuspend; a handler editing uc_mcontext (rip, rax,
 * r12, eflags.TF) and uc_sigmask; registers and SSE state kept across a
 * handler; SA_NODEFER/SA_RESETHAND; sigaltstack rules; what kills:
 * a handler without SA_RESTORER, a blocked or ignored synchronous fault,
 * rt_sigreturn with a bad frame, a non-canonical rip from a handler; and
 * bad pointers to every signal call.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "child.h"
#include "tap.h"
#include "bk10.h"

/* ---- raw rt_sigaction, so that 32..34 and missing SA_RESTORER work ------ */

#define SA_RESTORER_ 0x04000000
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	unsigned long mask;
};
void bk10_restorer(void);
__asm__(".text\n.globl bk10_restorer\nbk10_restorer:\n\tmov $15, %eax\n\tsyscall\n\thlt\n");

static long raw_sigaction(int sig, void *h, unsigned long flags, unsigned long mask)
{
	struct ksigaction ka = { h, flags | SA_RESTORER_, (void *)bk10_restorer, mask };
	return syscall(SYS_rt_sigaction, sig, &ka, NULL, 8);
}

static unsigned long raw_mask(int how, unsigned long set)
{
	unsigned long old = 0;
	syscall(SYS_rt_sigprocmask, how, &set, &old, 8);
	return old;
}

static unsigned long cur_mask(void)
{
	unsigned long old = 0;
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &old, 8);
	return old;
}

#define BIT(s) (1UL << ((s) - 1))

static void *ro, *hole;

/* ---- recording handler -------------------------------------------------- */

static volatile int nrec;
static struct rec { int sig, code, pid, val; unsigned long mask; } recs[128];

static void rec_handler(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	if (nrec < 128)
		recs[nrec] = (struct rec){ sig, si->si_code, si->si_pid, si->si_value.sival_int,
					   cur_mask() };
	(void)uc;
	nrec++;
}

/* ---- siginfo basics ----------------------------------------------------- */

static void info_cases(void)
{
	raw_sigaction(SIGUSR1, rec_handler, SA_SIGINFO, 0);
	nrec = 0;
	kill(getpid(), SIGUSR1);
	tap_ok(nrec == 1 && recs[0].sig == SIGUSR1 && recs[0].code == SI_USER &&
		       recs[0].pid == getpid(),
	       "kill(self, SIGUSR1): handler once, SI_USER, si_pid self (n %d code %d pid %d)", nrec,
	       recs[0].code, recs[0].pid);
	tap_ok((recs[0].mask & BIT(SIGUSR1)) != 0, "the handler runs with its own signal blocked");
	tap_ok((cur_mask() & BIT(SIGUSR1)) == 0, "and it is unblocked again after the return");

	nrec = 0;
	syscall(SYS_tgkill, getpid(), tid(), SIGUSR1);
	tap_ok(nrec == 1 && recs[0].code == SI_TKILL, "tgkill: si_code SI_TKILL (%d)", recs[0].code);

	nrec = 0;
	sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 4242 });
	tap_ok(nrec == 1 && recs[0].code == SI_QUEUE && recs[0].val == 4242,
	       "sigqueue: SI_QUEUE, value 4242 (code %d val %d)", recs[0].code, recs[0].val);

	/* a standard signal pending twice is delivered once */
	raw_mask(SIG_BLOCK, BIT(SIGUSR1));
	nrec = 0;
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 7 });
	tap_eq(nrec, 0, "blocked: no handler yet");
	raw_mask(SIG_UNBLOCK, BIT(SIGUSR1));
	tap_eq(nrec, 1, "a standard signal sent three times while blocked runs once");

	/* sa_mask adds to the handler's mask; SIGKILL in sa_mask is dropped */
	raw_sigaction(SIGUSR1, rec_handler, SA_SIGINFO, BIT(SIGUSR2) | BIT(SIGKILL));
	nrec = 0;
	raise(SIGUSR1);
	tap_ok(nrec == 1 && (recs[0].mask & BIT(SIGUSR2)) && !(recs[0].mask & BIT(SIGKILL)),
	       "sa_mask {USR2, KILL}: handler mask has USR2, never KILL (%#lx)", recs[0].mask);
	struct ksigaction old;
	syscall(SYS_rt_sigaction, SIGUSR1, NULL, &old, 8);
	tap_ok(old.handler == (void *)rec_handler && (old.flags & SA_SIGINFO) &&
		       (old.mask & BIT(SIGUSR2)) && !(old.mask & BIT(SIGKILL)),
	       "rt_sigaction reads back handler, SA_SIGINFO and the mask without SIGKILL (%#lx)",
	       old.mask);
}

/* ---- real-time signals 32..64 ------------------------------------------- */

static void rt_cases(void)
{
	unsigned long all = 0;
	for (int s = 32; s <= 64; s++) {
		all |= BIT(s);
		if (raw_sigaction(s, rec_handler, SA_SIGINFO, 0xffffffff00000000UL | BIT(32)))
			tap_diag("rt_sigaction(%d) failed: %s", s, tap_errname(errno));
	}
	raw_mask(SIG_BLOCK, all);
	nrec = 0;
	/* highest first, each twice, values distinct */
	for (int s = 64; s >= 32; s--) {
		siginfo_t si = { 0 };
		si.si_signo = s;
		si.si_code = SI_QUEUE;
		si.si_pid = getpid();
		si.si_uid = getuid();
		si.si_value.sival_int = s * 10;
		syscall(SYS_rt_sigqueueinfo, getpid(), s, &si);
		si.si_value.sival_int = s * 10 + 1;
		syscall(SYS_rt_sigqueueinfo, getpid(), s, &si);
	}
	sigset_t pend;
	sigpending(&pend);
	int npend = 0;
	for (int s = 32; s <= 64; s++)
		npend += sigismember(&pend, s) == 1 || (s < 35); /* musl hides 32..34 */
	unsigned long kp = 0;
	syscall(SYS_rt_sigpending, &kp, 8);
	tap_eq(kp & all, all, "rt_sigpending shows 32..64 all pending");
	raw_mask(SIG_UNBLOCK, all);
	int bad = 0;
	for (int i = 0; i < 66; i++) {
		int s = 32 + i / 2;
		if (i >= nrec || recs[i].sig != s || recs[i].val != s * 10 + (i & 1)) {
			if (!bad)
				tap_diag("delivery %d: signal %d value %d, expected %d value %d", i,
					 i < nrec ? recs[i].sig : -1, i < nrec ? recs[i].val : -1, s,
					 s * 10 + (i & 1));
			bad++;
		}
	}
	tap_ok(nrec == 66 && !bad, "66 queued RT signals 64..32 delivered 32..64, FIFO per signal (%d)",
	       nrec);
	/* each later handler ran with all earlier-unblocked... not checked; the
	 * handler of 32 ran with 32 blocked */
	tap_ok((recs[0].mask & BIT(32)) != 0, "signal 32's handler ran with 32 blocked");

	/* without the others in sa_mask, Linux sets up a frame for every
	 * deliverable signal before returning to user mode: the lowest is
	 * dequeued first and so its handler runs last */
	raw_sigaction(40, rec_handler, SA_SIGINFO, 0);
	raw_sigaction(41, rec_handler, SA_SIGINFO, 0);
	raw_mask(SIG_BLOCK, BIT(40) | BIT(41));
	nrec = 0;
	kill(getpid(), 41);
	kill(getpid(), 40);
	raw_mask(SIG_UNBLOCK, BIT(40) | BIT(41));
	tap_ok(nrec == 2 && recs[0].sig == 41 && recs[1].sig == 40 &&
		       (recs[0].mask & (BIT(40) | BIT(41))) == (BIT(40) | BIT(41)),
	       "40 and 41 unblocked together: both frames at once, 41's handler first, inside 40's mask (%d: %d %d)",
	       nrec, recs[0].sig, recs[1].sig);
	for (int s = 32; s <= 64; s++)
		raw_sigaction(s, SIG_DFL, 0, 0);
}

/* ---- rt_sigtimedwait ---------------------------------------------------- */

static void timedwait_cases(void)
{
	int s = SIGRTMIN + 2;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, s);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; i < 20; i++)
		sigqueue(getpid(), s, (union sigval){ .sival_int = 100 + i });
	kill(getpid(), SIGUSR2);
	kill(getpid(), SIGUSR2);
	struct timespec zero = { 0, 0 };
	int order_ok = 1, got = 0;
	siginfo_t si;
	/* SIGUSR2 (lower number) comes first, once */
	long r = syscall(SYS_rt_sigtimedwait, &set, &si, &zero, 8);
	tap_ok(r == SIGUSR2 && si.si_code == SI_USER, "sigtimedwait: the standard signal first (%ld)", r);
	for (int i = 0; i < 20; i++) {
		memset(&si, 0, sizeof si);
		r = syscall(SYS_rt_sigtimedwait, &set, &si, &zero, 8);
		if (r == s) {
			got++;
			if (si.si_value.sival_int != 100 + i || si.si_code != SI_QUEUE ||
			    si.si_signo != s)
				order_ok = 0;
		}
	}
	tap_ok(got == 20 && order_ok, "sigtimedwait takes 20 queued copies in order (%d)", got);
	SYSCALL_CASE(-1, EAGAIN, "then a zero timeout -> EAGAIN", SYS_rt_sigtimedwait, &set, &si,
		     &zero, 8);
	struct timespec t20 = { 0, 20000000 };
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	SYSCALL_CASE(-1, EAGAIN, "20ms timeout, nothing pending -> EAGAIN", SYS_rt_sigtimedwait, &set,
		     NULL, &t20, 8);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long us = (b.tv_sec - a.tv_sec) * 1000000 + (b.tv_nsec - a.tv_nsec) / 1000;
	tap_ok(us >= 20000, "and it waited at least 20ms (%ld us)", us);
	struct timespec badns = { 0, 1000000000 };
	SYSCALL_CASE(-1, EINVAL, "sigtimedwait tv_nsec 1e9 -> EINVAL", SYS_rt_sigtimedwait, &set, NULL,
		     &badns, 8);
	SYSCALL_CASE(-1, EINVAL, "sigtimedwait sigsetsize 4 -> EINVAL", SYS_rt_sigtimedwait, &set,
		     NULL, &zero, 4);
	SYSCALL_CASE(-1, EFAULT, "sigtimedwait set unmapped -> EFAULT", SYS_rt_sigtimedwait, hole,
		     NULL, &zero, 8);
	SYSCALL_CASE(-1, EFAULT, "sigtimedwait timeout unmapped -> EFAULT", SYS_rt_sigtimedwait, &set,
		     NULL, hole, 8);
	/* a pending signal and an unwritable info: EFAULT, and the signal is gone */
	kill(getpid(), SIGUSR2);
	SYSCALL_CASE(-1, EFAULT, "sigtimedwait info read-only with a signal pending -> EFAULT",
		     SYS_rt_sigtimedwait, &set, ro, &zero, 8);
	unsigned long kp = 0;
	syscall(SYS_rt_sigpending, &kp, 8);
	tap_eq(kp & BIT(SIGUSR2), 0, "that signal was consumed all the same");
	/* waiting for a signal that is not blocked, pending */
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raw_sigaction(SIGUSR2, SIG_IGN, 0, 0);
	/* SIGKILL in the wait set is ignored: an empty effective set waits the timeout */
	sigset_t ks;
	sigemptyset(&ks);
	sigaddset(&ks, SIGKILL);
	SYSCALL_CASE(-1, EAGAIN, "sigtimedwait for {SIGKILL}, zero timeout -> EAGAIN",
		     SYS_rt_sigtimedwait, &ks, NULL, &zero, 8);
	raw_sigaction(SIGUSR2, SIG_DFL, 0, 0);
}

/* ---- sigsuspend ---------------------------------------------------------- */

static void suspend_cases(void)
{
	raw_sigaction(SIGUSR1, rec_handler, SA_SIGINFO, BIT(SIGTERM));
	raw_mask(SIG_SETMASK, BIT(SIGUSR1) | BIT(SIGHUP));
	kill(getpid(), SIGUSR1);
	nrec = 0;
	unsigned long m = BIT(SIGINT);
	errno = 0;
	long r = syscall(SYS_rt_sigsuspend, &m, 8);
	int e = errno;
	tap_ok(r == -1 && e == EINTR && nrec == 1, "sigsuspend with USR1 pending: handler, then EINTR");
	unsigned long hm = recs[0].mask;
	tap_eq(hm, BIT(SIGINT) | BIT(SIGUSR1) | BIT(SIGTERM),
	       "the handler's mask is the suspend mask + sa_mask + the signal");
	tap_eq(cur_mask(), BIT(SIGUSR1) | BIT(SIGHUP), "the old mask is back after sigsuspend");
	SYSCALL_CASE(-1, EINVAL, "sigsuspend sigsetsize 4 -> EINVAL", SYS_rt_sigsuspend, &m, 4);
	SYSCALL_CASE(-1, EFAULT, "sigsuspend mask unmapped -> EFAULT", SYS_rt_sigsuspend, hole, 8);
	raw_mask(SIG_SETMASK, 0);
}

/* ---- handlers that edit the interrupted context -------------------------- */

static void ill_handler(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	(void)sig;
	recs[0].code = si->si_code;
	recs[0].val = (long)si->si_addr == uc->uc_mcontext.gregs[REG_RIP];
	uc->uc_mcontext.gregs[REG_RIP] += 2; /* past ud2 */
	uc->uc_mcontext.gregs[REG_RAX] = 0x1234567890abcdefL;
	uc->uc_mcontext.gregs[REG_R12] = 0x600dL;
	sigaddset(&uc->uc_sigmask, SIGUSR2); /* blocked from the return on */
	nrec++;
}

static int trap_count;
static void trap_handler(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	(void)sig;
	(void)si;
	trap_count++;
	uc->uc_mcontext.gregs[REG_EFL] &= ~0x100L;
}

static void usr_set_tf(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_EFL] |= 0x100L; /* single-step after return */
}

static void clobber_handler(int sig)
{
	(void)sig;
	__asm__ volatile("pcmpeqd %%xmm8, %%xmm8\n\tmov $-1, %%r12\n\tmov $-1, %%r15\n\tmov $-1, %%rbx"
			 ::: "xmm8", "r12", "r15", "rbx");
}

static void context_cases(void)
{
	raw_sigaction(SIGILL, ill_handler, SA_SIGINFO, 0);
	raw_mask(SIG_SETMASK, 0);
	unsigned long rax, r12;
	nrec = 0;
	__asm__ volatile("xor %%eax, %%eax\n\txor %%r12d, %%r12d\n\tud2\n\tmov %%rax, %0\n\tmov %%r12, %1"
			 : "=r"(rax), "=r"(r12)::"rax", "r12", "memory");
	tap_ok(nrec == 1 && rax == 0x1234567890abcdefUL && r12 == 0x600d,
	       "ud2 -> SIGILL handler moves rip past it, sets rax and r12 (%#lx %#lx)", rax, r12);
	tap_ok(recs[0].code == ILL_ILLOPN && recs[0].val,
	       "SIGILL si_code ILL_ILLOPN, si_addr the ud2 (code %d)", recs[0].code);
	tap_ok((cur_mask() & BIT(SIGUSR2)) != 0, "uc_sigmask edited in the handler is the mask after");
	raw_mask(SIG_SETMASK, 0);

	/* registers the handler clobbers come back */
	raw_sigaction(SIGUSR1, clobber_handler, 0, 0);
	unsigned long x = 0, r15 = 0, rbx = 0;
	long me = tid(), pid = getpid();
	__asm__ volatile("mov $0x1111, %%r12\n\tmov $0x2222, %%r15\n\tmov $0x3333, %%rbx\n\t"
			 "mov $0x4444, %%rax\n\tmovq %%rax, %%xmm8\n\t"
			 "mov %[pid], %%rdi\n\tmov %[tid], %%rsi\n\tmov $10, %%edx\n\t"
			 "mov $234, %%eax\n\tsyscall\n\t"
			 "movq %%xmm8, %[x]\n\tmov %%r12, %[r12]\n\tmov %%r15, %[r15]\n\tmov %%rbx, %[rbx]"
			 : [x] "=m"(x), [r12] "=m"(r12), [r15] "=m"(r15), [rbx] "=m"(rbx)
			 : [pid] "r"(pid), [tid] "r"(me)
			 : "rax", "rdi", "rsi", "rdx", "rcx", "r11", "r12", "r15", "rbx", "xmm8",
			   "memory");
	tap_ok(x == 0x4444 && r12 == 0x1111 && r15 == 0x2222 && rbx == 0x3333,
	       "xmm8, r12, r15, rbx survive a handler that clobbers them (%#lx %#lx %#lx %#lx)", x,
	       r12, r15, rbx);

	/* TF set in the handler's eflags: one SIGTRAP after the return */
	raw_sigaction(SIGTRAP, trap_handler, SA_SIGINFO, 0);
	raw_sigaction(SIGUSR1, usr_set_tf, SA_SIGINFO, 0);
	trap_count = 0;
	raise(SIGUSR1);
	tap_eq(trap_count, 1, "eflags.TF set by a handler: exactly one SIGTRAP after sigreturn");
	raw_sigaction(SIGTRAP, SIG_DFL, 0, 0);
	raw_sigaction(SIGUSR1, SIG_DFL, 0, 0);
	raw_sigaction(SIGILL, SIG_DFL, 0, 0);
}

/* ---- SA_NODEFER, SA_RESETHAND ---------------------------------------------- */

static int depth, maxdepth, calls;
static void nest_handler(int sig)
{
	calls++;
	depth++;
	if (depth > maxdepth)
		maxdepth = depth;
	if (calls < 3)
		raise(sig);
	depth--;
}

static void flag_cases(void)
{
	calls = depth = maxdepth = 0;
	raw_sigaction(SIGUSR1, nest_handler, 0, 0);
	raise(SIGUSR1);
	tap_ok(calls == 3 && maxdepth == 1, "without SA_NODEFER: a raise in the handler runs after it (calls %d depth %d)",
	       calls, maxdepth);
	calls = depth = maxdepth = 0;
	raw_sigaction(SIGUSR1, nest_handler, SA_NODEFER, 0);
	raise(SIGUSR1);
	tap_ok(calls == 3 && maxdepth == 3, "SA_NODEFER: it nests (calls %d depth %d)", calls, maxdepth);
	calls = depth = maxdepth = 0;
	raw_sigaction(SIGUSR2, nest_handler, SA_RESETHAND, 0);
	raw_sigaction(SIGWINCH, nest_handler, SA_RESETHAND, 0);
	raise(SIGWINCH); /* default of SIGWINCH is ignore: the 2nd raise is dropped */
	struct ksigaction old;
	syscall(SYS_rt_sigaction, SIGWINCH, NULL, &old, 8);
	tap_ok(calls == 1 && old.handler == SIG_DFL && (old.flags & SA_RESETHAND),
	       "SA_RESETHAND: handler once, then SIG_DFL, flags kept (calls %d, flags %#lx)", calls,
	       old.flags);
	raw_sigaction(SIGUSR2, SIG_DFL, 0, 0);
	raw_sigaction(SIGUSR1, SIG_DFL, 0, 0);
}

/* ---- sigaltstack ---------------------------------------------------------- */

static char altstack[65536] __attribute__((aligned(16)));
static volatile uintptr_t on_sp;
static volatile int alt_flags, alt_eperm;
static void alt_handler(int sig)
{
	char here;
	stack_t st, nst = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
	(void)sig;
	on_sp = (uintptr_t)&here;
	sigaltstack(NULL, &st);
	alt_flags = st.ss_flags;
	alt_eperm = sigaltstack(&nst, NULL) == -1 && errno == EPERM;
}

static sigjmp_buf jb;
static void segv_jump(int sig)
{
	(void)sig;
	siglongjmp(jb, 1);
}
static int recurse(int n)
{
	volatile char pad[512];
	pad[0] = n;
	return n > 0 ? recurse(n - 1) + pad[0] : 0;
}

static void altstack_cases(void)
{
	stack_t st = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 }, old;
	SYSCALL_CASE(0, 0, "sigaltstack set 64 KiB", SYS_sigaltstack, &st, NULL);
	raw_sigaction(SIGUSR1, alt_handler, SA_ONSTACK, 0);
	raise(SIGUSR1);
	tap_ok(on_sp >= (uintptr_t)altstack && on_sp < (uintptr_t)altstack + sizeof altstack,
	       "SA_ONSTACK handler runs on the alternate stack");
	tap_eq(alt_flags, SS_ONSTACK, "sigaltstack in the handler says SS_ONSTACK");
	tap_ok(alt_eperm, "changing it while on it -> EPERM");
	raw_sigaction(SIGUSR1, alt_handler, 0, 0);
	raise(SIGUSR1);
	tap_ok(!(on_sp >= (uintptr_t)altstack && on_sp < (uintptr_t)altstack + sizeof altstack) &&
		       alt_flags == 0,
	       "without SA_ONSTACK: the normal stack, flags 0 (%d)", alt_flags);

	stack_t small = { .ss_sp = altstack, .ss_size = 1024, .ss_flags = 0 };
	SYSCALL_CASE(-1, ENOMEM, "sigaltstack size 1024 -> ENOMEM", SYS_sigaltstack, &small, NULL);
	stack_t badf = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 4 };
	SYSCALL_CASE(-1, EINVAL, "sigaltstack flags 4 -> EINVAL", SYS_sigaltstack, &badf, NULL);
	badf.ss_flags = SS_ONSTACK;
	SYSCALL_CASE(0, 0, "sigaltstack flags SS_ONSTACK (accepted as 0) -> 0", SYS_sigaltstack,
		     &badf, NULL);
	stack_t dis = { .ss_sp = (void *)1, .ss_size = 1, .ss_flags = SS_DISABLE };
	SYSCALL_CASE(0, 0, "sigaltstack SS_DISABLE with junk sp/size -> 0", SYS_sigaltstack, &dis,
		     &old);
	tap_ok(old.ss_sp == altstack && old.ss_size == sizeof altstack && old.ss_flags == 0,
	       "the old stack read back (flags %d)", old.ss_flags);
	syscall(SYS_sigaltstack, NULL, &old);
	tap_ok(old.ss_flags == SS_DISABLE, "now SS_DISABLE (%d)", old.ss_flags);
	SYSCALL_CASE(-1, EFAULT, "sigaltstack ss unmapped -> EFAULT", SYS_sigaltstack, hole, NULL);
	SYSCALL_CASE(-1, EFAULT, "sigaltstack oss read-only -> EFAULT", SYS_sigaltstack, NULL, ro);
	SYSCALL_CASE(-1, EFAULT, "sigaltstack oss kernel -> EFAULT", SYS_sigaltstack, NULL,
		     0xffffffff80100000UL);

	/* stack overflow caught on the alternate stack */
	pid_t c = fork();
	if (c == 0) {
		stack_t s2 = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
		sigaltstack(&s2, NULL);
		raw_sigaction(SIGSEGV, segv_jump, SA_ONSTACK | SA_NODEFER, 0);
		struct rlimit { unsigned long cur, max; } rl = { 256 * 1024, 256 * 1024 };
		syscall(SYS_setrlimit, 3 /* RLIMIT_STACK */, &rl);
		if (sigsetjmp(jb, 1) == 0) {
			recurse(1 << 20);
			_exit(1);
		}
		_exit(0);
	}
	tap_status(reap(c), EXITED(0), "stack overflow: SIGSEGV handler on the alternate stack longjmps out");
}

/* ---- what kills ------------------------------------------------------------ */

static void nop_handler(int sig) { (void)sig; }

static int no_restorer(void *a)
{
	(void)a;
	struct ksigaction ka = { (void *)nop_handler, 0, NULL, 0 };
	syscall(SYS_rt_sigaction, SIGUSR1, &ka, NULL, 8);
	raise(SIGUSR1);
	return 3;
}

static int blocked_fault(void *a)
{
	(void)a;
	raw_sigaction(SIGSEGV, nop_handler, 0, 0);
	raw_mask(SIG_BLOCK, BIT(SIGSEGV));
	volatile uintptr_t p = 8;
	*(volatile int *)p = 1;
	return 3;
}

static int ignored_fault(void *a)
{
	(void)a;
	raw_sigaction(SIGILL, SIG_IGN, 0, 0);
	__asm__ volatile("ud2");
	return 3;
}

static int resethand_fault(void *a)
{
	(void)a;
	raw_sigaction(SIGSEGV, nop_handler, SA_RESETHAND, 0);
	volatile uintptr_t p = 8;
	*(volatile int *)p = 1; /* the handler returns, it faults again, and dies */
	return 3;
}

static int bad_sigreturn(void *a)
{
	(void)a;
	__asm__ volatile("mov $0x10000000000, %%rsp\n\tmov $15, %%eax\n\tsyscall" ::: "memory");
	return 3;
}

static void noncanon_handler(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_RIP] = 0x0000900000000000L;
}
static int noncanon_rip(void *a)
{
	(void)a;
	raw_sigaction(SIGUSR1, noncanon_handler, SA_SIGINFO, 0);
	raise(SIGUSR1);
	return 3;
}

static void kernel_rip_handler(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_RIP] = 0xffffffff80100000L;
}
static int kernel_rip(void *a)
{
	(void)a;
	raw_sigaction(SIGUSR1, kernel_rip_handler, SA_SIGINFO, 0);
	raise(SIGUSR1);
	return 3;
}

static int overflow_frame(void *a)
{
	(void)a;
	/* the frame cannot be written: the stack pointer is unmapped */
	raw_sigaction(SIGUSR1, nop_handler, 0, 0);
	long pid = getpid(), t = tid();
	__asm__ volatile("mov %%rsp, %%r12\n\tmov $0x10000000000, %%rsp\n\t"
			 "mov %0, %%rdi\n\tmov %1, %%rsi\n\tmov $10, %%edx\n\tmov $234, %%eax\n\t"
			 "syscall\n\tmov %%r12, %%rsp"
			 :: "r"(pid), "r"(t) : "rax", "rdi", "rsi", "rdx", "rcx", "r11", "r12", "memory");
	return 3;
}

static void kill_cases(void)
{
	child_case(no_restorer, NULL, KILLED(SIGSEGV), "handler without SA_RESTORER");
	child_case(blocked_fault, NULL, KILLED(SIGSEGV), "fault with SIGSEGV blocked (handler set)");
	child_case(ignored_fault, NULL, KILLED(SIGILL), "ud2 with SIGILL ignored");
	child_case(resethand_fault, NULL, KILLED(SIGSEGV), "SA_RESETHAND SIGSEGV handler returns, refault");
	child_case(bad_sigreturn, NULL, KILLED(SIGSEGV), "rt_sigreturn with rsp unmapped");
	child_case(noncanon_rip, NULL, KILLED(SIGSEGV), "handler sets a non-canonical rip");
	child_case(kernel_rip, NULL, KILLED(SIGSEGV), "handler sets a kernel rip");
	child_case(overflow_frame, NULL, KILLED(SIGSEGV), "signal frame onto an unmapped stack");
}

/* ---- fault siginfo ------------------------------------------------------------ */

static volatile uintptr_t fault_addr;
static volatile int fault_code;
static void segv_info(int sig, siginfo_t *si, void *uc_)
{
	(void)sig;
	(void)uc_;
	fault_addr = (uintptr_t)si->si_addr;
	fault_code = si->si_code;
	siglongjmp(jb, 1);
}

static void fault_info_cases(void)
{
	raw_sigaction(SIGSEGV, segv_info, SA_SIGINFO, 0);
	if (sigsetjmp(jb, 1) == 0)
		*(volatile int *)((char *)hole + 0x123) = 1;
	tap_ok(fault_addr == (uintptr_t)hole + 0x123 && fault_code == SEGV_MAPERR,
	       "write to unmapped: si_addr exact, SEGV_MAPERR (%#lx %d)", (unsigned long)fault_addr,
	       fault_code);
	if (sigsetjmp(jb, 1) == 0)
		*(volatile int *)((char *)ro + 8) = 1;
	tap_ok(fault_addr == (uintptr_t)ro + 8 && fault_code == SEGV_ACCERR,
	       "write to read-only: si_addr exact, SEGV_ACCERR (%d)", fault_code);
	tap_ok((cur_mask() & BIT(SIGSEGV)) == 0, "siglongjmp(…, 1) out of the handler restored the mask");
	raw_sigaction(SIGSEGV, SIG_DFL, 0, 0);
}

/* ---- bad pointers and bad arguments ------------------------------------------ */

static void badarg_cases(void)
{
	struct ksigaction ka = { (void *)nop_handler, SA_RESTORER_, (void *)bk10_restorer, 0 };
	SYSCALL_CASE(-1, EFAULT, "rt_sigaction act unmapped -> EFAULT", SYS_rt_sigaction, SIGUSR1,
		     hole, NULL, 8);
	SYSCALL_CASE(-1, EFAULT, "rt_sigaction oact read-only -> EFAULT", SYS_rt_sigaction, SIGUSR1,
		     NULL, ro, 8);
	SYSCALL_CASE(-1, EFAULT, "rt_sigaction act good, oact unmapped -> EFAULT", SYS_rt_sigaction,
		     SIGUSR1, &ka, hole, 8);
	struct ksigaction now;
	syscall(SYS_rt_sigaction, SIGUSR1, NULL, &now, 8);
	tap_ok(now.handler == (void *)nop_handler, "... yet the new action was installed");
	SYSCALL_CASE(-1, EINVAL, "rt_sigaction sigsetsize 16 -> EINVAL", SYS_rt_sigaction, SIGUSR1,
		     &ka, NULL, 16);
	SYSCALL_CASE(-1, EINVAL, "rt_sigaction(SIGKILL, handler) -> EINVAL", SYS_rt_sigaction,
		     SIGKILL, &ka, NULL, 8);
	SYSCALL_CASE(0, 0, "rt_sigaction(SIGKILL, NULL, &old) -> 0", SYS_rt_sigaction, SIGKILL, NULL,
		     &now, 8);
	SYSCALL_CASE(-1, EINVAL, "rt_sigaction(SIGSTOP, SIG_IGN) -> EINVAL", SYS_rt_sigaction,
		     SIGSTOP, &(struct ksigaction){ SIG_IGN, 0, 0, 0 }, NULL, 8);
	SYSCALL_CASE(-1, EINVAL, "rt_sigaction(0) -> EINVAL", SYS_rt_sigaction, 0, NULL, &now, 8);
	SYSCALL_CASE(-1, EINVAL, "rt_sigaction(65) -> EINVAL", SYS_rt_sigaction, 65, NULL, &now, 8);
	SYSCALL_CASE(-1, EINVAL, "rt_sigaction(-1) -> EINVAL", SYS_rt_sigaction, -1, NULL, &now, 8);
	SYSCALL_CASE(0, 0, "rt_sigaction(64, handler) -> 0", SYS_rt_sigaction, 64, &ka, NULL, 8);
	raw_sigaction(64, SIG_DFL, 0, 0);
	raw_sigaction(SIGUSR1, SIG_DFL, 0, 0);

	unsigned long set = BIT(SIGKILL) | BIT(SIGSTOP) | BIT(SIGUSR1), old;
	SYSCALL_CASE(0, 0, "rt_sigprocmask block {KILL, STOP, USR1}", SYS_rt_sigprocmask, SIG_BLOCK,
		     &set, NULL, 8);
	tap_eq(cur_mask(), BIT(SIGUSR1), "KILL and STOP silently left out of the mask");
	SYSCALL_CASE(-1, EINVAL, "rt_sigprocmask how 3 -> EINVAL", SYS_rt_sigprocmask, 3, &set, NULL, 8);
	SYSCALL_CASE(0, 0, "rt_sigprocmask how 3 with set NULL -> 0 (how unchecked)",
		     SYS_rt_sigprocmask, 3, NULL, &old, 8);
	SYSCALL_CASE(-1, EINVAL, "rt_sigprocmask sigsetsize 4 -> EINVAL", SYS_rt_sigprocmask,
		     SIG_BLOCK, &set, NULL, 4);
	SYSCALL_CASE(-1, EFAULT, "rt_sigprocmask set unmapped -> EFAULT", SYS_rt_sigprocmask,
		     SIG_BLOCK, hole, NULL, 8);
	SYSCALL_CASE(-1, EFAULT, "rt_sigprocmask oset read-only -> EFAULT", SYS_rt_sigprocmask,
		     SIG_BLOCK, NULL, ro, 8);
	unsigned long unb = BIT(SIGUSR1);
	SYSCALL_CASE(-1, EFAULT, "rt_sigprocmask unblock USR1, oset unmapped -> EFAULT",
		     SYS_rt_sigprocmask, SIG_UNBLOCK, &unb, hole, 8);
	tap_eq(cur_mask(), 0, "... the unblock happened before the fault (Linux order)");
	unsigned long pend[2] = { ~0UL, ~0UL };
	raw_mask(SIG_BLOCK, BIT(SIGUSR2));
	kill(getpid(), SIGUSR2);
	SYSCALL_CASE(0, 0, "rt_sigpending sigsetsize 4 -> 0", SYS_rt_sigpending, pend, 4);
	tap_eq(pend[0], 0xffffffff00000000UL | BIT(SIGUSR2), "... writing only 4 bytes");
	SYSCALL_CASE(-1, EINVAL, "rt_sigpending sigsetsize 9 -> EINVAL", SYS_rt_sigpending, pend, 9);
	SYSCALL_CASE(-1, EFAULT, "rt_sigpending set read-only -> EFAULT", SYS_rt_sigpending, ro, 8);
	signal(SIGUSR2, SIG_IGN); /* ignoring a pending signal discards it */
	syscall(SYS_rt_sigpending, pend, 8);
	tap_eq(pend[0] & BIT(SIGUSR2), 0, "SIG_IGN discards the pending SIGUSR2");
	signal(SIGUSR2, SIG_DFL);
	raw_mask(SIG_SETMASK, 0);

	siginfo_t si = { 0 };
	si.si_code = SI_QUEUE;
	SYSCALL_CASE(-1, EFAULT, "rt_sigqueueinfo info unmapped -> EFAULT", SYS_rt_sigqueueinfo,
		     getpid(), SIGUSR2, hole);
	int cp[2];
	pipe(cp);
	pid_t other = spawn(until_eof, cp);
	close(cp[0]);
	si.si_code = SI_USER;
	SYSCALL_CASE(-1, EPERM, "rt_sigqueueinfo SI_USER to a child -> EPERM", SYS_rt_sigqueueinfo,
		     other, 0, &si);
	si.si_code = SI_TKILL;
	SYSCALL_CASE(-1, EPERM, "rt_tgsigqueueinfo SI_TKILL to a child -> EPERM",
		     SYS_rt_tgsigqueueinfo, other, other, 0, &si);
	si.si_code = 1;
	SYSCALL_CASE(-1, EPERM, "rt_sigqueueinfo si_code 1 (kernel code) to a child -> EPERM",
		     SYS_rt_sigqueueinfo, other, 0, &si);
	si.si_code = SI_TKILL;
	SYSCALL_CASE(0, 0, "rt_tgsigqueueinfo SI_TKILL to self -> 0", SYS_rt_tgsigqueueinfo, getpid(),
		     tid(), 0, &si);
	close(cp[1]);
	tap_status(reap(other), EXITED(0), "that child was not disturbed");
	si.si_code = SI_QUEUE;
	SYSCALL_CASE(-1, EINVAL, "rt_sigqueueinfo signal 65 -> EINVAL", SYS_rt_sigqueueinfo, getpid(),
		     65, &si);
	SYSCALL_CASE(-1, ESRCH, "rt_sigqueueinfo no such pid -> ESRCH", SYS_rt_sigqueueinfo,
		     getpid() + 100000, 0, &si);
	SYSCALL_CASE(-1, EINVAL, "kill(self, 65) -> EINVAL", SYS_kill, getpid(), 65);
	SYSCALL_CASE(-1, ESRCH, "kill(INT_MIN, 0) -> ESRCH", SYS_kill, -2147483647 - 1, 0);
}

int main(void)
{
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hole = (void *)0x10000000000UL;
	unsigned char vec;
	if (mincore(hole, 4096, &vec) != -1 || errno != ENOMEM)
		bail("the hole at 1 TiB is mapped");

	info_cases();
	rt_cases();
	timedwait_cases();
	suspend_cases();
	context_cases();
	flag_cases();
	altstack_cases();
	fault_info_cases();
	kill_cases();
	badarg_cases();
	return done_testing();
}

/* user/bk13b_regs.c — breaker13b: the registers a system call hands back,
 * on the fast way out (SYSRET) and on every slow one (a signal delivered on
 * the way back, a frame rewritten by rt_sigreturn, an interrupt).
 *
 * Linux's x86-64 rule: SYSCALL puts the return address in RCX and RFLAGS in
 * R11; the kernel keeps every other register but RAX (the result), and
 * returns with RCX = the next instruction and R11 = RFLAGS whichever way it
 * leaves. rt_sigreturn is different: it restores exactly the frame the
 * handler left, RCX and R11 and RAX included, and never takes a RAX value
 * in it for a system call to restart. An interrupt keeps every register.
 * Runs the same on Linux. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#include "tap.h"

/* GPRs in this order, then RFLAGS; rsp is recorded, never loaded. */
enum { RAX, RBX, RCX, RDX, RSI, RDI, RBP, RSP, R8, R9, R10, R11, R12, R13, R14, R15, FLAGS, NREG };
static const char *reg_name[NREG] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rflags",
};

struct regs { unsigned long r[NREG]; };

/* regs_syscall(in, out): loads every GPR but rsp and RFLAGS from *in, runs
 * one SYSCALL (regs_after is the next instruction), stores them all to
 * *out. regs_alt is a second way back in that counts itself in alt_hits.
 * regs_spin instead spins, all registers loaded, until spin_stop is set. */
unsigned long regs_out_ptr, regs_saved_rsp, regs_tmp;
volatile int spin_stop, alt_hits;
extern char regs_after[], regs_alt[];
void regs_syscall(struct regs *in, struct regs *out);
void regs_spin(struct regs *in, struct regs *out);

#define LOAD_ALL \
	"push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n pushfq\n" \
	"mov %rsi, regs_out_ptr(%rip)\n mov %rsp, regs_saved_rsp(%rip)\n" \
	"mov 0(%rdi), %rax\n mov 8(%rdi), %rbx\n mov 16(%rdi), %rcx\n mov 24(%rdi), %rdx\n" \
	"mov 32(%rdi), %rsi\n mov 48(%rdi), %rbp\n mov 64(%rdi), %r8\n mov 72(%rdi), %r9\n" \
	"mov 80(%rdi), %r10\n mov 88(%rdi), %r11\n mov 96(%rdi), %r12\n mov 104(%rdi), %r13\n" \
	"mov 112(%rdi), %r14\n mov 120(%rdi), %r15\n" \
	"push 128(%rdi)\n popfq\n mov 40(%rdi), %rdi\n"
#define STORE_ALL \
	"mov %rdi, regs_tmp(%rip)\n" \
	"pushfq\n mov regs_out_ptr(%rip), %rdi\n pop 128(%rdi)\n" \
	"mov %rax, 0(%rdi)\n mov %rbx, 8(%rdi)\n mov %rcx, 16(%rdi)\n mov %rdx, 24(%rdi)\n" \
	"mov %rsi, 32(%rdi)\n mov %rbp, 48(%rdi)\n mov %rsp, 56(%rdi)\n mov %r8, 64(%rdi)\n" \
	"mov %r9, 72(%rdi)\n mov %r10, 80(%rdi)\n mov %r11, 88(%rdi)\n mov %r12, 96(%rdi)\n" \
	"mov %r13, 104(%rdi)\n mov %r14, 112(%rdi)\n mov %r15, 120(%rdi)\n" \
	"mov regs_tmp(%rip), %rax\n mov %rax, 40(%rdi)\n" \
	"mov regs_saved_rsp(%rip), %rsp\n" \
	"popfq\n pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n ret\n"

__asm__(".text\n.globl regs_syscall, regs_after, regs_alt, regs_spin\n"
	"regs_syscall:\n" LOAD_ALL "syscall\n"
	"regs_after:\n" STORE_ALL
	"regs_alt:\n lock incl alt_hits(%rip)\n jmp regs_after\n"
	"regs_spin:\n" LOAD_ALL
	"1: cmpl $0, spin_stop(%rip)\n je 1b\n" STORE_ALL);

#define RF_CF 0x1ul
#define RF_DF 0x400ul
#define RF_AC 0x40000ul

/* Every register a distinct pattern; RFLAGS with CF, DF and AC set (AC
 * only matters for unaligned accesses, which this code does not make). */
static void pattern(struct regs *in, long nr, long a0, long a1, long a2)
{
	for (int i = 0; i < FLAGS; i++)
		in->r[i] = 0x1111111111111111ul * (i + 1) ^ 0x0123456789abcdeful;
	in->r[RAX] = nr;
	in->r[RDI] = a0;
	in->r[RSI] = a1;
	in->r[RDX] = a2;
	in->r[FLAGS] = 0x202 | RF_CF | RF_DF | RF_AC;
}

/* A syscall's way back: every register but rax, rcx, r11 as it went in;
 * rcx the next instruction; r11 and RFLAGS as they went in; rax want. */
static void check_syscall_regs(const char *what, struct regs *in, struct regs *out,
			       unsigned long want_rax)
{
	int bad = 0;

	for (int i = 0; i < NREG; i++) {
		unsigned long want = in->r[i];
		if (i == RAX)
			want = want_rax;
		if (i == RCX)
			want = (unsigned long)regs_after;
		if (i == R11)
			want = in->r[FLAGS];
		if (i == RSP)
			want = regs_saved_rsp;
		if (out->r[i] != want) {
			tap_diag("%s: %s = %#lx, expected %#lx", what, reg_name[i], out->r[i], want);
			bad++;
		}
	}
	tap_ok(!bad, "%s: every register as Linux leaves it (rcx = next insn, r11 = rflags)", what);
}

static volatile int hits;
static volatile unsigned long seen_rip, seen_rcx, seen_r11, seen_efl, seen_rax, in_handler_flags;

static void record(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	unsigned long fl;

	(void)sig, (void)si;
	__asm__ volatile("pushfq\n pop %0" : "=r"(fl));
	in_handler_flags = fl;
	hits++;
	seen_rip = uc->uc_mcontext.gregs[REG_RIP];
	seen_rcx = uc->uc_mcontext.gregs[REG_RCX];
	seen_r11 = uc->uc_mcontext.gregs[REG_R11];
	seen_efl = uc->uc_mcontext.gregs[REG_EFL];
	seen_rax = uc->uc_mcontext.gregs[REG_RAX];
}

static void on(int sig, void (*fn)(int, siginfo_t *, void *), int also_block)
{
	struct sigaction sa = { .sa_sigaction = fn, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	if (also_block)
		sigaddset(&sa.sa_mask, also_block);
	if (sigaction(sig, &sa, NULL))
		bail("sigaction");
}

static void plain_calls(void)
{
	struct regs in, out;

	pattern(&in, SYS_getpid, 0, 0, 0);
	regs_syscall(&in, &out);
	check_syscall_regs("getpid", &in, &out, getpid());

	pattern(&in, SYS_getppid, 0, 0, 0);
	regs_syscall(&in, &out);
	check_syscall_regs("getppid", &in, &out, getppid());

	pattern(&in, 100000, 0, 0, 0);
	regs_syscall(&in, &out);
	check_syscall_regs("syscall 100000 (ENOSYS)", &in, &out, -ENOSYS);

	pattern(&in, SYS_close, -1, 0, 0);
	regs_syscall(&in, &out);
	check_syscall_regs("close(-1) (EBADF)", &in, &out, -EBADF);
}

/* Calls that make a signal deliverable: the handler runs on the way out
 * and the registers after it are still the syscall's. */
static void slow_calls(void)
{
	struct regs in, out;
	sigset_t s;

	on(SIGUSR1, record, 0);
	hits = 0;
	pattern(&in, SYS_kill, getpid(), SIGUSR1, 0);
	regs_syscall(&in, &out);
	tap_ok(hits == 1, "kill(self): handler ran before the syscall returned (%d)", hits);
	check_syscall_regs("kill(self) with a handler", &in, &out, 0);
	tap_ok(seen_rip == (unsigned long)regs_after && seen_rcx == seen_rip && seen_rax == 0,
	       "the frame: rip = next insn, rcx = rip, rax = 0 (rip %#lx rcx %#lx rax %#lx)",
	       seen_rip, seen_rcx, seen_rax);
	tap_ok(seen_r11 == in.r[FLAGS] && seen_efl == in.r[FLAGS],
	       "the frame: r11 and eflags are the caller's rflags (r11 %#lx efl %#lx)",
	       seen_r11, seen_efl);
	tap_ok(!(in_handler_flags & RF_DF), "the handler runs with DF clear (%#lx)", in_handler_flags);

	hits = 0;
	pattern(&in, SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
	regs_syscall(&in, &out);
	tap_ok(hits == 1, "tgkill(self): handler ran before the syscall returned");
	check_syscall_regs("tgkill(self) with a handler", &in, &out, 0);

	siginfo_t si = { .si_signo = SIGUSR1, .si_code = SI_QUEUE, .si_pid = getpid(), .si_uid = getuid() };
	hits = 0;
	pattern(&in, SYS_rt_sigqueueinfo, getpid(), SIGUSR1, (long)&si);
	regs_syscall(&in, &out);
	tap_ok(hits == 1, "rt_sigqueueinfo(self): handler ran before the syscall returned");
	check_syscall_regs("rt_sigqueueinfo(self)", &in, &out, 0);

	hits = 0;
	pattern(&in, SYS_rt_tgsigqueueinfo, getpid(), syscall(SYS_gettid), SIGUSR1);
	in.r[R10] = (long)&si;
	regs_syscall(&in, &out);
	tap_ok(hits == 1, "rt_tgsigqueueinfo(self): handler ran before the syscall returned");
	check_syscall_regs("rt_tgsigqueueinfo(self)", &in, &out, 0);

	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	kill(getpid(), SIGUSR1);
	hits = 0;
	pattern(&in, SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&s, 0);
	in.r[R10] = 8;
	regs_syscall(&in, &out);
	tap_ok(hits == 1, "rt_sigprocmask unblocking a pending signal: handler ran before it returned");
	check_syscall_regs("rt_sigprocmask(SIG_UNBLOCK)", &in, &out, 0);
}

/* The handler rewrites the frame; rt_sigreturn must restore exactly it. */
static volatile long new_rax;
static volatile int new_rip_alt;

static void rewrite(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	greg_t *g = uc->uc_mcontext.gregs;

	(void)si;
	hits++;
	g[REG_RAX] = new_rax;
	g[REG_RCX] = 0x5a5a5a5a5a5a5a5a;
	g[REG_R11] = 0x0123000000000246;
	g[REG_R8] = 0x8888;
	g[REG_RDI] = 0x7777;
	g[REG_EFL] = (g[REG_EFL] & ~RF_DF) | RF_CF;
	if (new_rip_alt)
		g[REG_RIP] = (greg_t)regs_alt;
	if (sig == SIGUSR1 && new_rip_alt == 2)
		kill(getpid(), SIGUSR2); /* blocked (sa_mask) until rt_sigreturn */
}

static void rewritten_frames(void)
{
	struct regs in, out;

	on(SIGUSR1, rewrite, SIGUSR2);
	hits = 0;
	new_rax = 0x3333;
	new_rip_alt = 0;
	pattern(&in, SYS_kill, getpid(), SIGUSR1, 0);
	regs_syscall(&in, &out);
	tap_ok(hits == 1 && out.r[RAX] == 0x3333 && out.r[RCX] == 0x5a5a5a5a5a5a5a5a &&
	       out.r[R11] == 0x0123000000000246 && out.r[R8] == 0x8888 && out.r[RDI] == 0x7777,
	       "rt_sigreturn restores rax, rcx, r11, r8, rdi as the handler wrote them "
	       "(rax %#lx rcx %#lx r11 %#lx r8 %#lx rdi %#lx)",
	       out.r[RAX], out.r[RCX], out.r[R11], out.r[R8], out.r[RDI]);
	tap_ok((out.r[FLAGS] & (RF_DF | RF_CF | RF_AC)) == (RF_CF | RF_AC),
	       "...and RFLAGS from the frame: DF cleared, CF and AC kept (%#lx)", out.r[FLAGS]);

	alt_hits = 0;
	new_rip_alt = 1;
	regs_syscall(&in, &out);
	tap_ok(alt_hits == 1 && out.r[RAX] == 0x3333, "a rewritten rip is where the program goes on (%d)",
	       alt_hits);

	/* Values in rax that look like "restart me" are only data after a
	 * sigreturn, even when another signal is delivered on its way out. */
	static const long restarts[] = { -512, -513, -514, -516 };
	on(SIGUSR2, record, 0);
	for (unsigned i = 0; i < sizeof restarts / sizeof restarts[0]; i++) {
		hits = 0;
		alt_hits = 0;
		new_rax = restarts[i];
		new_rip_alt = 2;
		seen_rax = 0;
		regs_syscall(&in, &out);
		tap_ok(hits == 2 && alt_hits == 1 && out.r[RAX] == (unsigned long)restarts[i] &&
		       seen_rax == (unsigned long)restarts[i] && seen_rip == (unsigned long)regs_alt,
		       "rax %ld from sigreturn with a second signal on the way out: no restart "
		       "(hits %d alt %d rax %ld; second frame rax %ld rip %s)",
		       restarts[i], hits, alt_hits, (long)out.r[RAX], (long)seen_rax,
		       seen_rip == (unsigned long)regs_alt ? "alt" : "other");
	}
	signal(SIGUSR2, SIG_DFL);
}

/* An interrupt that delivers a signal while ring 3 spins: nothing changes,
 * rcx and r11 included; the handler itself makes system calls. */
static void stop_spin(int sig)
{
	(void)sig;
	getppid();
	spin_stop = 1;
}

static void interrupted_spin(void)
{
	struct regs in, out;
	struct itimerval it = { .it_value = { 0, 20000 } };
	struct sigaction sa = { .sa_handler = stop_spin };
	int bad = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	pattern(&in, 0x4141, 0, 0, 0);
	in.r[RDI] = 0xd1d1d1d1d1d1d1d1;
	in.r[RSI] = 0x5151515151515151;
	spin_stop = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	regs_spin(&in, &out);
	for (int i = 0; i < NREG; i++) {
		unsigned long mask = i == FLAGS ? ~0x8d5ul : ~0ul; /* the loop's cmp sets the arithmetic flags */
		if (i == RSP)
			continue;
		if ((out.r[i] & mask) != (in.r[i] & mask)) {
			tap_diag("%s = %#lx, expected %#lx", reg_name[i], out.r[i], in.r[i]);
			bad++;
		}
	}
	tap_ok(!bad && out.r[RSP] == regs_saved_rsp,
	       "a timer signal taken in a ring-3 loop leaves every register (rcx, r11, rflags too)");
	signal(SIGALRM, SIG_DFL);
}

int main(void)
{
	plain_calls();
	slow_calls();
	rewritten_frames();
	interrupted_spin();
	return done_testing();
}

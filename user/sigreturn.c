/* user/sigreturn.c — rt_sigreturn must distrust the frame: a handler (or
 * anyone) can rewrite the saved registers before returning. Each hostile
 * frame runs in a forked child and must cost that child a SIGSEGV, nothing
 * more: a non-canonical RIP (CVE-2012-0217 was SYSRET to one), a kernel
 * RIP, kernel or null selectors, a reserved MXCSR bit that FXRSTOR would
 * fault on in the kernel, a frame on a PROT_NONE page or at a kernel
 * address. Flags user code may not set (IOPL, and IF cleared) are
 * quietly sanitised, as Linux does; the ones it may (AC, DF, the
 * arithmetic ones) come back; edited general registers come back too.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>
#include "child.h"

#define CSGSFS 18 /* gregs index of the packed cs, gs, fs, ss words */

static void (*edit)(ucontext_t *uc);

static void handler(int sig, siginfo_t *si, void *ucv)
{
	(void)sig, (void)si;
	edit(ucv);
}

static void install(void)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGUSR1, &sa, NULL))
		bail("sigaction");
}

static void set_rip(ucontext_t *uc, unsigned long rip) { uc->uc_mcontext.gregs[REG_RIP] = rip; }
static void noncanonical(ucontext_t *uc) { set_rip(uc, 0x8000000000000000ul); }
static void noncanonical_low(ucontext_t *uc) { set_rip(uc, 0x0000800000000000ul); }
static void kernel_rip(ucontext_t *uc) { set_rip(uc, 0xffffffff81000000ul); }

static void set_seg(ucontext_t *uc, int word, unsigned short v)
{
	unsigned long g = uc->uc_mcontext.gregs[CSGSFS];
	g &= ~(0xfffful << (16 * word));
	g |= (unsigned long)v << (16 * word);
	uc->uc_mcontext.gregs[CSGSFS] = g;
}
static void kernel_cs(ucontext_t *uc) { set_seg(uc, 0, 0x10); }
static void null_ss(ucontext_t *uc) { set_seg(uc, 3, 0); }
static void kernel_ss(ucontext_t *uc) { set_seg(uc, 3, 0x18); }

static void bad_mxcsr(ucontext_t *uc) { uc->uc_mcontext.fpregs->mxcsr = 0xffff0000u; }

static int hostile(void *arg)
{
	edit = (void (*)(ucontext_t *))arg;
	install();
	raise(SIGUSR1);
	return 0; /* the frame was accepted */
}

static long raw_sigreturn_at(void *sp)
{
	long r;
	asm volatile("mov %%rsp, %%r12\n mov %1, %%rsp\n mov $15, %%eax\n syscall\n mov %%r12, %%rsp"
		     : "=a"(r) : "r"(sp) : "rcx", "r11", "r12", "memory");
	return r;
}

static int frame_on_prot_none(void *arg)
{
	(void)arg;
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	raw_sigreturn_at(p + 8);
	return 0;
}

static int frame_in_kernel(void *arg)
{
	(void)arg;
	raw_sigreturn_at((void *)0xffffffff81000008ul);
	return 0;
}

static void iopl_and_no_if(ucontext_t *uc)
{
	uc->uc_mcontext.gregs[REG_EFL] |= 0x3000;   /* IOPL 3 */
	uc->uc_mcontext.gregs[REG_EFL] &= ~0x200ul;  /* IF off */
}

static void user_flags(ucontext_t *uc)
{
	uc->uc_mcontext.gregs[REG_EFL] |= 0x40000 | 0x400 | 0x1; /* AC, DF, CF */
}

static void regs(ucontext_t *uc)
{
	uc->uc_mcontext.gregs[REG_RBX] = 0x1122334455667788;
	uc->uc_mcontext.gregs[REG_R15] = 0x0123456789abcdef;
}

static unsigned long flags_after(void (*fn)(ucontext_t *))
{
	unsigned long fl;
	edit = fn;
	asm volatile("mov %1, %%edi\n mov %2, %%esi\n mov %3, %%eax\n syscall\n"
		     "pushfq\n pop %0\n cld\n push $0x202\n popfq"
		     : "=r"(fl) : "r"(getpid()), "r"(SIGUSR1), "i"(SYS_kill)
		     : "rax", "rdi", "rsi", "rcx", "r11", "memory", "cc");
	return fl;
}

int main(void)
{
	child_case(hostile, noncanonical, KILLED(SIGSEGV), "RIP 0x8000000000000000");
	child_case(hostile, noncanonical_low, KILLED(SIGSEGV), "RIP 0x0000800000000000 (just past user space)");
	child_case(hostile, kernel_rip, KILLED(SIGSEGV), "a kernel RIP");
	child_case(hostile, kernel_cs, KILLED(SIGSEGV), "CS = the kernel's code segment");
	child_case(hostile, null_ss, KILLED(SIGSEGV), "SS = 0");
	child_case(hostile, kernel_ss, KILLED(SIGSEGV), "SS = the kernel's data segment");
	child_case(hostile, bad_mxcsr, KILLED(SIGSEGV), "MXCSR with reserved bits");
	child_case(frame_on_prot_none, NULL, KILLED(SIGSEGV), "rt_sigreturn with the frame on a PROT_NONE page");
	child_case(frame_in_kernel, NULL, KILLED(SIGSEGV), "rt_sigreturn with the frame at a kernel address");

	install();
	unsigned long fl = flags_after(iopl_and_no_if);
	tap_ok((fl & 0x3000) == 0 && (fl & 0x200), "IOPL bits dropped and IF kept on (RFLAGS %#lx)", fl);
	fl = flags_after(user_flags);
	tap_ok((fl & 0x40401) == 0x40401, "AC, DF and CF come back from the frame (RFLAGS %#lx)", fl);
	unsigned long rbx, r15;
	edit = regs;
	asm volatile("push %%rbx\n push %%r15\n mov %2, %%edi\n mov %3, %%esi\n mov %4, %%eax\n syscall\n"
		     "mov %%rbx, %0\n mov %%r15, %1\n pop %%r15\n pop %%rbx"
		     : "=r"(rbx), "=r"(r15) : "r"(getpid()), "r"(SIGUSR1), "i"(SYS_kill)
		     : "rax", "rdi", "rsi", "rcx", "r11", "memory");
	tap_ok(rbx == 0x1122334455667788 && r15 == 0x0123456789abcdef,
	       "registers edited in the frame are the ones the code continues with");
	return done_testing();
}

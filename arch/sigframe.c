/* arch/sigframe.c — the signal frame: what the kernel writes onto the user
 * stack to run a handler, and rt_sigreturn, which reads it back.
 *
 * The layout is Linux x86-64's rt_sigframe, because musl, debuggers and
 * programs that edit uc_mcontext in a handler depend on it:
 *
 *   RSP at handler entry -> pretcode   (sa_restorer: the handler's return address)
 *                           ucontext   (uc_flags, uc_link, uc_stack,
 *                                       uc_mcontext = struct sigcontext, uc_sigmask)
 *                           siginfo    (128 bytes)
 *                           ...        padding
 *   64-byte aligned      -> FXSAVE image (512 bytes; sigcontext.fpstate points here)
 *                           128-byte red zone of the interrupted code
 *   the interrupted RSP
 *
 * Linux saves the FPU state with XSAVE; faultline saves the legacy 512-byte
 * FXSAVE image, which is also the start of an XSAVE area, and sets no
 * UC_FP_XSTATE flag, exactly what Linux does on a CPU without XSAVE.
 *
 * Everything the frame holds is the process's to change, so rt_sigreturn
 * trusts none of it: the selectors must be the user ones, RFLAGS takes
 * only the bits user code may set, the FXSAVE image must be one FXRSTOR
 * accepts, and every read goes through copy_from_user. A RIP that is
 * non-canonical is left to IRETQ, whose fault arch/traps.c turns into
 * SIGSEGV (sysret_safe keeps it away from SYSRET). */
#include "arch/gdt.h"
#include "arch/x86.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"

struct sigcontext {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate; /* user address of the FXSAVE image, or 0: no FPU state */
	u64 reserved[8];
};

struct ucontext {
	u64 flags, link;
	struct sigstack stack;
	struct sigcontext mcontext;
	u64 sigmask;
};

struct rt_sigframe {
	u64 pretcode;
	struct ucontext uc;
	struct ksiginfo info;
};

_Static_assert(sizeof(struct sigcontext) == 256, "Linux's struct sigcontext");
_Static_assert(sizeof(struct ksiginfo) == 128, "Linux's siginfo_t");
_Static_assert(sizeof(struct rt_sigframe) == 440, "Linux's rt_sigframe");

#define UC_SIGCONTEXT_SS 2     /* sigcontext.ss is meaningful */
#define UC_STRICT_RESTORE_SS 4 /* rt_sigreturn must restore it as is */
#define REDZONE 128            /* the SysV ABI's: below RSP, the code's own */
#define FXSAVE_SIZE 512
#define MXCSR_OFFSET 24
#define MXCSR_MASK_OFFSET 28

/* Linux's FIX_EFLAGS: what rt_sigreturn takes from the frame. Never IF,
 * IOPL, NT, VM, VIF/VIP or ID: those stay what the kernel had. */
#define FIX_EFLAGS (RFLAGS_AC | (1ul << 11) | (1ul << 10) | (1ul << 8) | (1ul << 7) | \
		    (1ul << 6) | (1ul << 4) | (1ul << 2) | (1ul << 0) | (1ul << 16))
#define RFLAGS_TF_DF_RF ((1ul << 8) | (1ul << 10) | (1ul << 16))

struct fxstate {
	u8 b[FXSAVE_SIZE];
} __attribute__((aligned(16)));

/* The MXCSR bits this CPU accepts: FXRSTOR raises #GP in the kernel for
 * any other, so a frame with one is refused. 0 in the image means the
 * architectural default, 0xffbf. */
static u32 mxcsr_mask(void)
{
	static u32 mask;
	if (!mask) {
		struct fxstate fx;
		asm volatile("fxsave64 %0" : "=m"(fx));
		mask = *(const u32 *)(fx.b + MXCSR_MASK_OFFSET);
		mask = mask ? mask : 0xffbf;
	}
	return mask;
}

/* A handler starts with the FPU in its initial state, as Linux's
 * fpu__clear_user_states leaves it: FCW 0x37f, MXCSR 0x1f80, all else 0. */
static void fpu_init_state(void)
{
	static struct fxstate init;
	init.b[0] = 0x7f;
	init.b[1] = 0x03;
	*(u32 *)(init.b + MXCSR_OFFSET) = 0x1f80;
	asm volatile("fxrstor64 %0" : : "m"(init));
}

static void save_regs(struct sigcontext *sc, const struct trapframe *tf)
{
	*sc = (struct sigcontext){
		.r8 = tf->r8, .r9 = tf->r9, .r10 = tf->r10, .r11 = tf->r11,
		.r12 = tf->r12, .r13 = tf->r13, .r14 = tf->r14, .r15 = tf->r15,
		.rdi = tf->rdi, .rsi = tf->rsi, .rbp = tf->rbp, .rbx = tf->rbx,
		.rdx = tf->rdx, .rax = tf->rax, .rcx = tf->rcx, .rsp = tf->rsp,
		.rip = tf->rip, .eflags = tf->rflags, .cs = (u16)tf->cs, .ss = (u16)tf->ss,
	};
}

/* Linux's get_sigframe: below the red zone, or at the top of the
 * alternate stack for SA_ONSTACK when not on it already; FXSAVE area
 * 64-byte aligned; the frame so that RSP + 8 is 16-byte aligned at entry,
 * as after a CALL. 0 (no frame) if it would run off the alternate stack
 * it is on: SIGSEGV then, not a write into whatever lies below. */
static u64 frame_address(struct proc *p, const struct k_sigaction *ka, u64 *fx)
{
	u64 sp = p->tf->rsp;
	bool onstack = sigstack_flags(p, sp) == SS_ONSTACK;
	sp -= REDZONE;
	if ((ka->flags & SA_ONSTACK) && sigstack_flags(p, sp) == 0) {
		sp = p->sas_sp + p->sas_size;
		onstack = true;
	}
	*fx = ALIGN_DOWN(sp - FXSAVE_SIZE, 64);
	u64 frame = ALIGN_DOWN(*fx - sizeof(struct rt_sigframe), 16) - 8;
	return onstack && !on_sig_stack(p, frame) ? 0 : frame;
}

int sigframe_setup(struct proc *p, int sig, const struct k_sigaction *ka,
		   const struct ksiginfo *info, u64 oldmask)
{
	struct trapframe *tf = p->tf;
	u64 fx;
	u64 addr = frame_address(p, ka, &fx);
	if (!addr || !(ka->flags & SA_RESTORER)) /* x86-64 has no default restorer */
		return -EFAULT;
	struct rt_sigframe f = { .pretcode = ka->restorer };
	f.uc.flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	save_regs(&f.uc.mcontext, tf);
	f.uc.mcontext.err = p->trap_error;
	f.uc.mcontext.trapno = p->trap_nr;
	f.uc.mcontext.cr2 = p->trap_cr2;
	f.uc.mcontext.oldmask = oldmask;
	f.uc.mcontext.fpstate = fx;
	f.uc.sigmask = oldmask;
	if (ka->flags & SA_SIGINFO)
		f.info = *info;
	/* FXSAVE leaves bytes 464..511 (the software-available area) as they
	 * were, and the whole image goes to the user: zeroed first, or stale
	 * kernel stack bytes would go with it (a kernel text address, found
	 * by bk12_leak). */
	struct fxstate fpu = { 0 };
	asm volatile("fxsave64 %0" : "+m"(fpu));
	struct sigstack saved;
	sigstack_save(p, tf->rsp, &saved);
	f.uc.stack = saved;
	if (copy_to_user(uptr(fx), &fpu, sizeof(fpu)) || copy_to_user(uptr(addr), &f, sizeof(f)))
		return -EFAULT;
	fpu_init_state();
	tf->rsp = addr;
	tf->rip = ka->handler;
	tf->rdi = (u64)sig;
	tf->rsi = addr + offsetof(struct rt_sigframe, info);
	tf->rdx = addr + offsetof(struct rt_sigframe, uc);
	tf->rax = 0;
	tf->cs = USER_CS;
	tf->ss = USER_DS;
	tf->rflags &= ~RFLAGS_TF_DF_RF;
	return 0;
}

/* The FXSAVE image a frame points at, checked before FXRSTOR sees it:
 * 64-byte aligned (Linux's rule), readable, MXCSR with no reserved bit
 * set. fpstate 0 means the initial state. */
static int load_fpu(u64 fpstate, struct fxstate *fpu, bool *none)
{
	*none = fpstate == 0;
	if (*none)
		return 0;
	if ((fpstate & 63) || copy_from_user(fpu, uptr(fpstate), sizeof(*fpu)))
		return -EFAULT;
	u32 mxcsr = *(const u32 *)(fpu->b + MXCSR_OFFSET);
	return (mxcsr & ~mxcsr_mask()) ? -EINVAL : 0;
}

/* CS must be the 64-bit user code segment: Linux would let IRETQ try any
 * selector with RPL 3 (and run 32-bit code with USER32_CS); faultline has
 * no compat mode and refuses, with the same SIGSEGV a bad selector gets on
 * Linux. SS must be the user data segment; without UC_STRICT_RESTORE_SS a
 * bad one is replaced by it (Linux's force_valid_ss). */
static int check_selectors(const struct ucontext *uc, u64 *ss)
{
	if ((uc->mcontext.cs | 3) != USER_CS)
		return -EINVAL;
	*ss = uc->mcontext.ss | 3;
	if (*ss == USER_DS)
		return 0;
	if (uc->flags & UC_STRICT_RESTORE_SS)
		return -EINVAL;
	*ss = USER_DS;
	return 0;
}

static void restore_regs(struct trapframe *tf, const struct sigcontext *sc, u64 ss)
{
	tf->r8 = sc->r8, tf->r9 = sc->r9, tf->r10 = sc->r10, tf->r11 = sc->r11;
	tf->r12 = sc->r12, tf->r13 = sc->r13, tf->r14 = sc->r14, tf->r15 = sc->r15;
	tf->rdi = sc->rdi, tf->rsi = sc->rsi, tf->rbp = sc->rbp, tf->rbx = sc->rbx;
	tf->rdx = sc->rdx, tf->rax = sc->rax, tf->rcx = sc->rcx, tf->rsp = sc->rsp;
	tf->rip = sc->rip;
	tf->cs = USER_CS;
	tf->ss = ss;
	tf->rflags = (tf->rflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS) | RFLAGS_IF;
}

/* Read the ucontext at frame and check all of it; then, and only then,
 * load the registers, the FPU, the mask (never blocking SIGKILL or
 * SIGSTOP) and the alternate stack. 0, or -EFAULT/-EINVAL for a frame
 * that cannot be read or is refused (nothing changed). */
static int restore_frame(struct proc *p, u64 frame)
{
	struct ucontext uc;
	struct fxstate fpu;
	bool nofpu;
	u64 ss;
	int err;
	if (copy_from_user(&uc, uptr(frame + offsetof(struct rt_sigframe, uc)), sizeof(uc)))
		return -EFAULT;
	if ((err = check_selectors(&uc, &ss)) || (err = load_fpu(uc.mcontext.fpstate, &fpu, &nofpu)))
		return err;
	restore_regs(p->tf, &uc.mcontext, ss);
	p->work |= WORK_FRAME;
	if (nofpu)
		fpu_init_state();
	else
		asm volatile("fxrstor64 %0" : : "m"(fpu));
	p->sigmask = uc.sigmask & ~UNBLOCKABLE;
	signal_unblocked(p);
	sigstack_set(p, &uc.stack, p->tf->rsp); /* Linux ignores its errors but EFAULT */
	return 0;
}

/* rt_sigreturn(): the handler's restorer calls it with RSP just above
 * pretcode. Returns the restored RAX (the syscall exit stores it back).
 * A frame that is refused costs SIGSEGV (Linux's signal_fault: a handler
 * for it may run, on the registers as they are). The call is never
 * restarted, whatever RAX says. */
SYSCALL0(rt_sigreturn)
{
	struct proc *p = myproc();
	u64 frame = p->tf->rsp - 8;
	p->syscall_nr = -1;
	if (restore_frame(p, frame)) {
		printk("faultline: %s[%d] bad rt_sigreturn frame at %lx, rip %lx: SIGSEGV\n", p->name,
		       p->pid, frame, p->tf->rip);
		force_sig(p, SIGSEGV, false);
	}
	return (long)p->tf->rax;
}

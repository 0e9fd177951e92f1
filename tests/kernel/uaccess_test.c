/* tests/kernel/uaccess_test.c — the eight primitives against a real user
 * address space, in the spirit of Linux's usercopy KUnit test: legitimate
 * copies of every size and alignment, byte-exact partial copies across a
 * mapped/unmapped boundary, kernel addresses refused whole, the zeroed tail
 * of copy_from_user, every string boundary, get/put of every size, the #GP
 * path for non-canonical pointers, demand paging from inside a copy, and
 * SMAP/SMEP catching kernel code that touches user memory directly. */
#include "arch/cpu.h"
#include "arch/gdt.h"
#include "arch/syscall.h"
#include "arch/x86.h"
#include "kernel/ksyms.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "mm/extable.h"
#include "mm/uaccess.h"
#include "tests/kernel/usermem.h"

/* User layout: two read-write pages at U, then a hole, then a read-only page. */
#define U USERMEM
#define HOLE (U + 2 * PAGE_SIZE)
#define RO (U + 4 * PAGE_SIZE)

static struct proc *proc;
static u8 kbuf[3 * 4096], kref[3 * 4096];

static void enter_user_space(void)
{
	proc = usermem_begin(2);
	vma_map(proc->mm, RO, PAGE_SIZE, PROT_READ, VMA_ANON);
}

static void leave_user_space(void)
{
	usermem_end(proc);
}

static void fill(u8 *p, size_t n, u8 seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (u8)(seed + i * 7);
}

KTEST(uaccess_copy_sizes_and_alignments)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 7, 8, 9, 15, 16, 63, 64, 65, 127, 200, 4095, 4096, 4097, 8184 };
	size_t bad = 0;
	enter_user_space();
	for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
		for (size_t ua = 0; ua < 8; ua++) {
			size_t n = sizes[s], ka = (ua * 3) % 8;
			if (ua + n > 2 * PAGE_SIZE)
				continue;
			fill(kref, n + 16, (u8)(s + ua));
			bad += copy_to_user(uptr(U + ua), kref + ka, n) != 0;
			memset(kbuf, 0xee, sizeof(kbuf));
			bad += copy_from_user(kbuf + ka, uptr(U + ua), n) != 0;
			bad += memcmp(kbuf + ka, kref + ka, n) != 0;
			bad += kbuf[ka + n] != 0xee; /* nothing written past the end */
		}
	}
	KEXPECT_EQ(bad, 0);
	leave_user_space();
}

KTEST(uaccess_partial_copy_is_byte_exact)
{
	enter_user_space();
	fill(kref, 256, 1);
	for (u64 before = 1; before <= 130; before += 43) { /* movsb and movsq paths */
		u64 at = HOLE - before;
		KEXPECT_EQ(copy_to_user(uptr(at), kref, 256), 256 - before);
		memset(kbuf, 0xaa, 256);
		KEXPECT_EQ(copy_from_user(kbuf, uptr(at), 256), 256 - before);
		KEXPECT(memcmp(kbuf, kref, before) == 0);
		size_t stale = 0;
		for (size_t i = before; i < 256; i++)
			stale += kbuf[i] != 0; /* the uncopied tail is zeroed, not left stale */
		KEXPECT_EQ(stale, 0);
		KEXPECT_EQ(clear_user(uptr(at), 256), 256 - before);
		memset(kbuf, 0xaa, 256); /* every byte up to the hole was cleared */
		KEXPECT_EQ(copy_from_user(kbuf, uptr(at), before), 0);
		stale = 0;
		for (size_t i = 0; i < before; i++)
			stale += kbuf[i] != 0;
		KEXPECT_EQ(stale, 0);
	}
	KEXPECT_EQ(copy_to_user(uptr(RO), kref, 16), 16); /* read-only: nothing copied */
	leave_user_space();
}

KTEST(uaccess_kernel_addresses_refused)
{
	enter_user_space();
	memset(kref, 0x5a, PAGE_SIZE);
	memset(kbuf, 0x77, PAGE_SIZE);
	KEXPECT_EQ(copy_from_user(kbuf, uptr(kref), PAGE_SIZE), PAGE_SIZE);
	KEXPECT(kbuf[0] == 0 && kbuf[PAGE_SIZE - 1] == 0); /* zero-filled, not kref's bytes */
	KEXPECT_EQ(copy_to_user(uptr(kbuf), kref, PAGE_SIZE), PAGE_SIZE);
	KEXPECT_EQ(kbuf[0], 0);
	KEXPECT_EQ(clear_user(uptr(kref), 16), 16);
	KEXPECT_EQ(kref[0], 0x5a);
	KEXPECT_EQ(copy_to_user(uptr(TASK_SIZE_MAX - 8), kref, 16), 16); /* crosses the limit */
	KEXPECT_EQ(copy_to_user(uptr(~0ul - 3), kref, 8), 8);          /* wraps */
	leave_user_space();
}

KTEST(uaccess_get_put_every_size)
{
	enter_user_space();
	u8 b = 0;
	u16 w = 0;
	u32 l = 0;
	u64 q = 0, sentinel = 0xf09fa4aff09fa4af;
	KEXPECT_EQ(put_user((u8)0x5a, (u8 __user *)uptr(U)), 0);
	KEXPECT_EQ(get_user(b, (u8 __user *)uptr(U)), 0);
	KEXPECT_EQ(put_user((u16)0x5a5b, (u16 __user *)uptr(U + 2)), 0);
	KEXPECT_EQ(get_user(w, (u16 __user *)uptr(U + 2)), 0);
	KEXPECT_EQ(put_user(0x5a5b5c5du, (u32 __user *)uptr(U + 4)), 0);
	KEXPECT_EQ(get_user(l, (u32 __user *)uptr(U + 4)), 0);
	KEXPECT_EQ(put_user(0x5a5b5c5d6a6b6c6dul, (u64 __user *)uptr(U + 8)), 0);
	KEXPECT_EQ(get_user(q, (u64 __user *)uptr(U + 8)), 0);
	KEXPECT(b == 0x5a && w == 0x5a5b && l == 0x5a5b5c5d && q == 0x5a5b5c5d6a6b6c6dul);

	/* Failures: x becomes 0, nothing is written. */
	KEXPECT_EQ(get_user(b, (u8 __user *)uptr(HOLE)), -EFAULT);
	KEXPECT_EQ(get_user(w, (u16 __user *)uptr(&sentinel)), -EFAULT);
	KEXPECT_EQ(get_user(l, (u32 __user *)uptr(HOLE - 2)), -EFAULT); /* straddles */
	KEXPECT_EQ(get_user(q, (u64 __user *)uptr(0x8000000000000000ul)), -EFAULT);
	KEXPECT(b == 0 && w == 0 && l == 0 && q == 0);
	KEXPECT_EQ(put_user(1ul, (u64 __user *)uptr(&sentinel)), -EFAULT);
	KEXPECT_EQ(put_user(1u, (u32 __user *)uptr(RO)), -EFAULT);
	KEXPECT_EQ(sentinel, 0xf09fa4aff09fa4af);
	leave_user_space();
}

KTEST(uaccess_gp_fixup_for_noncanonical)
{
	/* access_ok keeps non-canonical pointers away from the routines; call a
	 * routine directly to prove the #GP fixup works anyway. */
	struct uget g = uaccess_get8(uptr(0x8000000000000000ul));
	KEXPECT(g.err == -EFAULT && g.val == 0);
	KEXPECT_EQ(uaccess_put4(uptr(0xffff7ffffffffff0ul), 1), -EFAULT);
}

static void put_string(u64 at, const char *s, size_t n)
{
	KEXPECT_EQ(copy_to_user(uptr(at), s, n), 0);
}

KTEST(uaccess_string_boundaries)
{
	char dst[32];
	enter_user_space();
	put_string(U, "hello", 6);
	KEXPECT_EQ(strnlen_user(uptr(U), 100), 6);
	KEXPECT_EQ(strnlen_user(uptr(U), 5), 6);      /* > n: no NUL within n */
	KEXPECT_EQ(strnlen_user(uptr(U), 3), 4);
	KEXPECT_EQ(strnlen_user(uptr(U), 0), 0);
	KEXPECT_EQ(strncpy_from_user(dst, uptr(U), 32), 5);
	KEXPECT(strcmp(dst, "hello") == 0);
	memset(dst, 'x', sizeof(dst));
	KEXPECT_EQ(strncpy_from_user(dst, uptr(U), 3), 3); /* exactly n, unterminated */
	KEXPECT(dst[2] == 'l' && dst[3] == 'x');

	put_string(HOLE - 4, "abc", 4);                    /* NUL is the page's last byte */
	KEXPECT_EQ(strnlen_user(uptr(HOLE - 4), 100), 4);
	KEXPECT_EQ(strncpy_from_user(dst, uptr(HOLE - 4), 100), 3);
	put_string(HOLE - 4, "abcd", 4);                   /* no NUL before the hole */
	KEXPECT_EQ(strnlen_user(uptr(HOLE - 4), 100), 0);
	KEXPECT_EQ(strncpy_from_user(dst, uptr(HOLE - 4), 100), -EFAULT);
	KEXPECT_EQ(strncpy_from_user(dst, uptr(HOLE - 4), 4), 4); /* n reached first */
	KEXPECT_EQ(strnlen_user(uptr(HOLE), 10), 0);
	KEXPECT_EQ(strncpy_from_user(dst, uptr(kbuf), 10), -EFAULT);
	KEXPECT_EQ(strnlen_user(uptr(kbuf), 10), 0);
	leave_user_space();
}

KTEST(uaccess_demand_paging_inside_copy)
{
	enter_user_space();
	u64 pa, flags;
	KEXPECT(!translate(proc->mm->pml4, U + PAGE_SIZE, &pa, &flags)); /* never touched */
	fill(kref, 64, 9);
	KEXPECT_EQ(copy_to_user(uptr(U + PAGE_SIZE), kref, 64), 0);    /* faulted in by the copy */
	KEXPECT(translate(proc->mm->pml4, U + PAGE_SIZE, &pa, &flags) && (flags & PTE_U));
	KEXPECT(memcmp(phys_to_virt(pa), kref, 64) == 0);
	leave_user_space();
}

static void stray_dereference(void *p)
{
	(void)*(volatile u8 *)p; /* what a syscall must never do: no STAC, no extable */
}

static void call_user_code(void *p)
{
	((void (*)(void))p)();
}

KTEST(smap_catches_stray_user_access)
{
	if (!(read_cr4() & CR4_SMAP)) {
		printk("# SMAP not enabled (CPU or nosmap): skipped\n");
		return;
	}
	enter_user_space();
	put_string(U, "x", 2); /* the page is present: only SMAP stands in the way */
	struct caught c = ktest_catch(stray_dereference, (void *)U);
	KEXPECT(c.faulted && c.vector == T_PF && c.error == 1 /* present, read, kernel */);
	const char *name;
	u64 off;
	KEXPECT(ksym_lookup(c.rip, &name, &off) && strcmp(name, "stray_dereference") == 0);
	leave_user_space();
}

/* SMAP is only as good as RFLAGS.AC on the way in: a user program may set
 * AC (popf works in ring 3), and SYSCALL keeps every flag SFMASK does not
 * clear, so without AC in SFMASK every system call would run with SMAP off.
 * (Traps clear AC in arch/isr.asm, for the same reason.) */
KTEST(smap_armed_on_syscall_entry)
{
	KEXPECT(rdmsr(MSR_SFMASK) & RFLAGS_AC);
}

KTEST(smep_catches_kernel_executing_user_page)
{
	if (!(read_cr4() & CR4_SMEP)) {
		printk("# SMEP not enabled (CPU or nosmep): skipped\n");
		return;
	}
	enter_user_space();
	vma_protect(proc->mm, U, PAGE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
	put_string(U, "\xc3", 1); /* ret */
	struct caught c = ktest_catch(call_user_code, (void *)U);
	KEXPECT(c.faulted && c.vector == T_PF && (c.error & 16) && c.addr == U);
	leave_user_space();
}

KTEST(sysret_only_for_safe_returns)
{
	struct trapframe tf = { .cs = USER_CS, .ss = USER_DS, .rflags = 0x202 };
	static const struct { u64 rip; bool ok; } cases[] = {
		{ 0x401000, true },
		{ TASK_SIZE_MAX - 2, true },            /* the last bytes user code can live in */
		{ TASK_SIZE_MAX, false },               /* after a syscall in those last bytes */
		{ 0x0000800000000000ul, false },        /* first non-canonical address */
		{ 0x8000000000000000ul, false },
		{ 0xffff800000000000ul, false },        /* kernel */
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		tf.rip = tf.rcx = cases[i].rip;
		tf.r11 = tf.rflags;
		KEXPECT_EQ(sysret_safe(&tf), cases[i].ok);
	}
	tf.rip = tf.rcx = 0x401000;
	tf.rflags = tf.r11 = 0x302; /* trap flag: SYSRET would trap before the first insn */
	KEXPECT(!sysret_safe(&tf));
	tf.rflags = tf.r11 = 0x202;
	tf.rcx = 0x401002; /* execve changed RIP: RCX no longer describes the return */
	KEXPECT(!sysret_safe(&tf));
}

KTEST(extable_lookup)
{
	extern const struct extable_entry __start___ex_table[], __stop___ex_table[];
	KEXPECT(__stop___ex_table - __start___ex_table >= 10);
	size_t bad = 0;
	for (const struct extable_entry *e = __start___ex_table; e < __stop___ex_table; e++)
		bad += extable_search(ex_insn(e)) != e || extable_search(ex_insn(e) + 1) != NULL;
	KEXPECT_EQ(bad, 0);
	KEXPECT(extable_search((u64)memcpy) == NULL);
}

/* The whole return path, not just the decision: a process whose saved RIP
 * is non-canonical (as a SYSCALL in the last bytes below the hole would
 * leave it, were that page mappable) goes out through IRETQ, never SYSRET.
 * Intel CPUs fault on the IRETQ itself, in ring 0 (arch/traps.c:bad_iret);
 * AMD CPUs, and QEMU's TCG, complete it and fault on the first fetch in
 * ring 3. Either way the process gets SIGSEGV and the kernel goes on. */
KTEST(sysret_noncanonical_return_kills_process)
{
	struct proc *p = proc_alloc("bad-return");
	*p->tf = (struct trapframe){ .rip = 0x0000800000000000ul, .cs = USER_CS, .ss = USER_DS,
				     .rflags = 0x202, .rsp = 0x10000, .rcx = 0x0000800000000000ul };
	p->tf->r11 = p->tf->rflags;
	KEXPECT(!sysret_safe(p->tf));
	scheduler(); /* runs it: trap_return, IRETQ, #GP, SIGSEGV */
	sti();
	KEXPECT_EQ(p->state, P_ZOMBIE);
	KEXPECT_EQ(p->exit_status, 11 /* SIGSEGV */);
	proc_reap(p);
}

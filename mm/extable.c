/* mm/extable.c — looking up and applying exception-table entries.
 *
 * The table is emitted by the USER macro (arch/extable.inc) into __ex_table,
 * one entry beside each user-memory instruction, and sorted by instruction
 * address at build time by tools/sortextable, so the #PF and #GP handlers can
 * find an entry by binary search. Boot checks that promise rather than trust
 * it, and checks that every entry points into the uaccess routines: no other
 * kernel code is allowed to fault on user memory. */
#include "mm/extable.h"
#include "kernel/cmdline.h"
#include "kernel/ksyms.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "arch/oops.h"

extern const struct extable_entry __start___ex_table[], __stop___ex_table[];
extern const char __uaccess_begin[], __uaccess_end[];

bool uaccess_trace;

u64 ex_insn(const struct extable_entry *e) { return (u64)&e->insn + (i64)e->insn; }
u64 ex_fixup(const struct extable_entry *e) { return (u64)&e->fixup + (i64)e->fixup; }

static bool in_uaccess(u64 a) { return a >= (u64)__uaccess_begin && a < (u64)__uaccess_end; }

void extable_init(void)
{
	const struct extable_entry *e;
	size_t n = (size_t)(__stop___ex_table - __start___ex_table);
	for (e = __start___ex_table; e < __stop___ex_table; e++) {
		if (e > __start___ex_table && ex_insn(e - 1) >= ex_insn(e))
			panic("extable: not sorted at entry %lu (tools/sortextable did not run?)",
			      (u64)(e - __start___ex_table));
		if (e->type != EX_TYPE_UACCESS || !in_uaccess(ex_insn(e)) || !in_uaccess(ex_fixup(e)))
			panic("extable: entry for %lx is outside the uaccess routines", ex_insn(e));
	}
	uaccess_trace = cmdline_has("uaccess_trace");
	pr_info("extable: %lu entries, sorted, all inside the uaccess routines\n", (u64)n);
}

const struct extable_entry *extable_search(u64 rip)
{
	const struct extable_entry *lo = __start___ex_table, *hi = __stop___ex_table;
	while (lo < hi) {
		const struct extable_entry *mid = lo + (hi - lo) / 2;
		if (ex_insn(mid) == rip)
			return mid;
		if (ex_insn(mid) < rip)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* One line per fixup taken, for watching the mechanism work (`uaccess_trace`).
 * The uaccess routines push nothing, so [rsp] is the return address into the
 * C function that called them: that is the name a reader knows. */
static void trace(const struct trapframe *tf, u64 addr)
{
	char why[96] = "(a non-canonical address)";
	if (tf->vector == T_PF)
		describe_pf_error(tf->error, why, sizeof(why));
	char where[96];
	snprintf(where, sizeof(where), "%s", ksym_format(tf->rip));
	printk("uaccess: %s (from %s) %s %s at %lx -> fixup, rcx=%lu\n", where,
	       ksym_format(*(const u64 *)tf->rsp), trap_name(tf->vector), why, addr, tf->rcx);
}

void extable_fixup(struct trapframe *tf, const struct extable_entry *e, u64 addr)
{
	struct proc *p = myproc();
	if (uaccess_trace || (p && p->uaccess_trace))
		trace(tf, addr);
	tf->rip = ex_fixup(e);
}

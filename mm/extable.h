/* mm/extable.h — the exception table: for each kernel instruction allowed to
 * fault, where to continue when it does. */
#pragma once
#include "arch/trapframe.h"
#include "kernel/types.h"

/* Fixup types are named (arch/extable.inc emits the same numbers). */
enum ex_type {
	EX_TYPE_UACCESS = 1, /* a user-memory access in arch/uaccess.asm: resume at fixup */
};

/* 12 bytes, like Linux's: offsets relative to the field itself keep entries
 * small and position independent, so the build can sort them in place. */
struct extable_entry {
	i32 insn;
	i32 fixup;
	i32 type;
};

void extable_init(void);  /* checks the build sorted the table and every entry is sane */
const struct extable_entry *extable_search(u64 rip);
u64 ex_insn(const struct extable_entry *e);
u64 ex_fixup(const struct extable_entry *e);
/* Apply the entry's fixup to the interrupted context (after a #PF or #GP). */
void extable_fixup(struct trapframe *tf, const struct extable_entry *e, u64 addr);
/* Every process's fixups are printed: the `uaccess_trace` boot flag, changed
 * by /proc/sys/debug/uaccess_trace; one process's own: proc.uaccess_trace. */
extern bool uaccess_trace;

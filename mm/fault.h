/* mm/fault.h — the page-fault handler. */
#pragma once
#include "arch/trapframe.h"

void page_fault(struct trapframe *tf);

struct proc;
struct mm;
struct vma;
int fault_in(struct proc *p, u64 va, bool write); /* 0 or -ENOMEM */
/* Make the page at va (page aligned, inside v) accessible in mm as a read or
 * a write there would: 0, or SIGBUS (past a file's end, a failing swap
 * disk) or SIGKILL (out of memory). The VMA's rights are the caller's check. */
int handle_mm_fault(struct mm *mm, struct vma *v, u64 va, bool write);

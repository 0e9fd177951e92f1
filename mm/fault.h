/* mm/fault.h — the page-fault handler. */
#pragma once
#include "arch/trapframe.h"

void page_fault(struct trapframe *tf);

struct proc;
int fault_in(struct proc *p, u64 va, bool write); /* 0 or -ENOMEM */

/* mm/fault.c — the page-fault decision tree. For now every fault is a kernel
 * bug (no user space exists yet): report it. User faults, demand paging and
 * uaccess fixups hang off this same function. */
#include "mm/fault.h"
#include "arch/oops.h"
#include "arch/x86.h"

void page_fault(struct trapframe *tf)
{
	oops(tf, read_cr2());
}

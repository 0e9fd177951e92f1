/* tests/kernel/usermem.c — see usermem.h. The process never runs: the test
 * borrows its address space and descriptor table, then releases them the
 * way the scheduler releases a dead process. */
#include "tests/kernel/usermem.h"
#include "arch/percpu.h"
#include "arch/x86.h"
#include "kernel/fs/file.h"
#include "kernel/sched.h"
#include "mm/vm.h"

struct proc *usermem_begin(size_t pages)
{
	struct proc *p = proc_alloc("usermem-test");
	vma_map(p->mm, USERMEM, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, VMA_ANON);
	percpu.proc = p;
	write_cr3(virt_to_phys(p->mm->pml4));
	return p;
}

void usermem_end(struct proc *p)
{
	files_close_all(p);
	write_cr3(virt_to_phys(kernel_pml4));
	percpu.proc = NULL;
	proc_free(p);
}

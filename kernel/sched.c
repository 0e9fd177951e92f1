/* kernel/sched.c — the scheduler: a loop on its own kernel stack that picks a
 * runnable process, loads its address space and kernel stack pointers, and
 * switches to it; the process comes back here through sched(). Switching
 * CR3 is what makes the lower half of the address space "this process's":
 * the kernel half is shared by every page table (mm/vm.c). */
#include "kernel/sched.h"
#include "arch/context.h"
#include "arch/gdt.h"
#include "arch/percpu.h"
#include "arch/x86.h"
#include "mm/vm.h"

static u64 scheduler_rsp;

static void run(struct proc *p)
{
	percpu.proc = p;
	percpu.kernel_rsp = p->kstack;
	tss_set_rsp0(p->kstack);
	write_cr3(virt_to_phys(p->mm.pml4));
	wrmsr(MSR_FS_BASE, p->fs_base);
	asm volatile("fxrstor64 %0" : : "m"(p->fxstate));
	p->state = P_RUNNING;
	swtch(&scheduler_rsp, p->ksp);
	write_cr3(virt_to_phys(kernel_pml4));
	percpu.proc = NULL;
	if (p->state == P_RUNNING)
		p->state = P_RUNNABLE;
	if (p->state == P_ZOMBIE && p->kstack)
		proc_release(p);
}

void scheduler(void)
{
	for (bool ran = true; ran;) {
		ran = false;
		for (struct proc *p = proctable; p < proctable + NPROC; p++) {
			if (p->state == P_RUNNABLE) {
				run(p);
				ran = true;
			}
		}
	}
}

void sched(void)
{
	struct proc *p = myproc();
	p->fs_base = rdmsr(MSR_FS_BASE);
	asm volatile("fxsave64 %0" : "=m"(p->fxstate));
	swtch(&p->ksp, scheduler_rsp);
}

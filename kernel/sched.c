/* kernel/sched.c — the scheduler: a loop on its own kernel stack that picks a
 * runnable process round-robin, loads its address space and kernel stack
 * pointers, and switches to it; the process comes back here through sched()
 * when it sleeps, exits, or its time slice (one timer tick) ends in ring 3.
 * Switching CR3 is what makes the lower half of the address space "this
 * process's": the kernel half is shared by every page table (mm/vm.c).
 *
 * The kernel is not preemptible: only a process running in ring 3 is
 * preempted by the timer. Kernel code runs with interrupts off, so on one
 * CPU nothing needs a lock. */
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "arch/context.h"
#include "arch/gdt.h"
#include "arch/percpu.h"
#include "arch/pit.h"
#include "arch/x86.h"
#include "kernel/cputime.h"
#include "kernel/drivers/tty.h"
#include "kernel/itimer.h"
#include "kernel/time.h"
#include "kernel/thread.h"
#include "mm/vm.h"

static u64 scheduler_rsp;

static void run(struct proc *p)
{
	percpu.proc = p;
	percpu.kernel_rsp = p->kstack;
	tss_set_rsp0(p->kstack);
	write_cr3(virt_to_phys(p->mm->pml4));
	wrmsr(MSR_FS_BASE, p->fs_base);
	wrmsr(MSR_KERNEL_GS_BASE, p->gs_base); /* SWAPGS hands it to ring 3 */
	asm volatile("fxrstor64 %0" : : "m"(p->fxstate));
	p->state = P_RUNNING;
	cputime_start(p);
	swtch(&scheduler_rsp, p->ksp);
	write_cr3(virt_to_phys(kernel_pml4));
	percpu.proc = NULL;
	if (p->state == P_ZOMBIE && p->kstack) {
		proc_release(p);
		if (p != p->leader || p->autoreap)
			proc_reap(p); /* a thread, or a child its parent does not wait for */
	}
}

/* Fire the real interval timers that are due, wake timed sleepers whose
 * time has come; true if anyone still sleeps. */
static bool wake_timed(void)
{
	bool sleeping = false;
	u64 now = time_uptime_ns();
	for_each_proc(p) {
		itimer_run_real(p, now);
		if (p->state != P_SLEEPING)
			continue;
		if ((p->wake_tick && ticks() >= p->wake_tick) || p->killed)
			p->state = P_RUNNABLE;
		else
			sleeping = true;
	}
	return sleeping;
}

/* Round robin: the first runnable process after the one picked last (by
 * pid, which survives that one's exit), else the first runnable one. */
static struct proc *pick(void)
{
	static int last;
	struct proc *wrap = NULL;
	for_each_proc(p) {
		if (p->state != P_RUNNABLE)
			continue;
		if (p->pid > last) {
			last = p->pid;
			return p;
		}
		if (!wrap)
			wrap = p;
	}
	if (wrap)
		last = wrap->pid;
	return wrap;
}

/* The scheduler's chores: console input, then real interval timers and
 * timed sleepers; true if anyone still sleeps. */
static bool chores(void)
{
	tty_input();
	return wake_timed();
}

/* The chores run once a tick, and whenever nothing is runnable, not on
 * every switch: a clock reading and a scan of every process per switch
 * were a tenth of a pipe round trip (docs/performance.md), and nothing
 * they look for needs them sooner. A timed sleep ends at a tick; timers
 * and typed input are promised within a tick (kernel/itimer.c,
 * kernel/drivers/tty.c), and a busy CPU still comes here at every tick,
 * an idle one after every interrupt. */
void scheduler(void)
{
	u64 chores_tick = 0;
	cli();
	for (;;) {
		struct proc *p = ticks() == chores_tick ? pick() : NULL;
		if (!p) {
			chores_tick = ticks();
			bool sleeping = chores();
			p = pick();
			if (!p && !sleeping)
				return;
		}
		if (p) {
			run(p);
		} else {
			sti(); /* idle until the next interrupt, then look again */
			hlt();
			cli();
		}
	}
}

void sched(void)
{
	struct proc *p = myproc();
	cputime_charge(p, false);
	p->fs_base = rdmsr(MSR_FS_BASE);
	p->gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	asm volatile("fxsave64 %0" : "=m"(p->fxstate));
	swtch(&p->ksp, scheduler_rsp);
}

void yield(void)
{
	myproc()->state = P_RUNNABLE;
	sched();
}


/* kernel/proc.c — the process table: creating a process (an address space
 * and a kernel stack prepared so that the first switch to it enters ring 3)
 * and ending one. */
#include "kernel/proc.h"
#include "arch/context.h"
#include "arch/percpu.h"
#include "kernel/file.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "mm/kstack.h"

struct proc proctable[NPROC];
static int nextpid = 1;

struct proc *myproc(void)
{
	return percpu.proc;
}

/* The saved stack a new process's first swtch() pops: six callee-saved
 * registers, then trap_return as the return address; above it sits the
 * trapframe that trap_return turns into ring-3 registers. */
static void prepare_first_switch(struct proc *p)
{
	u64 *sp = (u64 *)p->tf;
	*--sp = (u64)trap_return;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	p->ksp = (u64)sp;
}

struct proc *proc_alloc(const char *name)
{
	struct proc *p = proctable;
	while (p < proctable + NPROC && p->state != P_UNUSED)
		p++;
	if (p == proctable + NPROC)
		return NULL;
	*p = (struct proc){ .pid = nextpid++, .state = P_RUNNABLE, .cwd = "/" };
	if (mm_init(&p->mm) < 0)
		return NULL;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->kstack = kstack_alloc();
	p->tf = (struct trapframe *)(p->kstack - sizeof(struct trapframe));
	memset(p->tf, 0, sizeof(*p->tf));
	prepare_first_switch(p);
	return p;
}

/* Called by the scheduler once the dead process is off its kernel stack and
 * its page tables are no longer loaded. */
void proc_release(struct proc *p)
{
	mm_free(&p->mm);
	kstack_free(p->kstack);
	p->kstack = 0;
}

void proc_exit(int status)
{
	struct proc *p = myproc();
	for (int fd = 0; fd < NOFILE; fd++) {
		if (p->ofile[fd]) {
			file_close(p->ofile[fd]);
			p->ofile[fd] = NULL;
		}
	}
	p->exit_status = status;
	p->state = P_ZOMBIE;
	sched();
	panic("proc_exit: a zombie ran again");
}

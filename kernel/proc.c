/* kernel/proc.c — the process table: creating a process (an address space
 * and a kernel stack prepared so that the first switch to it enters ring 3)
 * and ending one. */
#include "kernel/proc.h"
#include "arch/context.h"
#include "arch/percpu.h"
#include "kernel/file.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/wait.h"
#include "kernel/string.h"
#include "mm/kstack.h"

struct proc proctable[NPROC];
static int nextpid = 1;

struct proc *myproc(void)
{
	return percpu.proc;
}

struct proc *proc_find(int pid)
{
	for (struct proc *p = proctable; p < proctable + NPROC; p++)
		if (p->state != P_UNUSED && p->pid == pid)
			return p;
	return NULL;
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

void proc_free(struct proc *p)
{
	proc_release(p);
	p->state = P_UNUSED;
}

/* Called by the scheduler once the dead process is off its kernel stack and
 * its page tables are no longer loaded. */
void proc_release(struct proc *p)
{
	mm_free(&p->mm);
	kstack_free(p->kstack);
	p->kstack = 0;
}

/* Orphans go to init, which reaps them; if init itself is leaving, nothing
 * else may stay behind. */
static void reparent_children(struct proc *p)
{
	struct proc *init = &proctable[0];
	for (struct proc *c = proctable; c < proctable + NPROC; c++) {
		if (c->state == P_UNUSED || c->parent != p)
			continue;
		c->parent = init;
		if (p == init)
			signal_send(c, SIGKILL);
	}
	wakeup(init);
}

void proc_exit(int status)
{
	struct proc *p = myproc();
	files_close_all(p);
	reparent_children(p);
	p->exit_status = status;
	p->state = P_ZOMBIE;
	vfork_release(p);
	wakeup(p->parent);
	sched();
	panic("proc_exit: a zombie ran again");
}

/* A vfork parent sleeps until its child has its own memory again: the child
 * exec'd or exited. */
void vfork_release(struct proc *child)
{
	if (child->vfork_parent) {
		child->vfork_parent = NULL;
		wakeup(child);
	}
}

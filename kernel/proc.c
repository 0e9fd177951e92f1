/* kernel/proc.c — the process table: creating a process (an address space
 * and a kernel stack prepared so that the first switch to it enters ring 3)
 * and ending one.
 *
 * The table is a list of kmalloc'd processes in pid order, as long as memory
 * allows (Linux too is limited only by memory, pid_max and RLIMIT_NPROC):
 * every walk over it costs what the processes that exist cost, and a
 * process that cannot get memory makes fork fail with -ENOMEM, not panic. */
#include "kernel/proc.h"
#include "arch/context.h"
#include "arch/percpu.h"
#include "kernel/fs/file.h"
#include "kernel/fs/procfs.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/wait.h"
#include "kernel/string.h"
#include "mm/kheap.h"
#include "mm/kstack.h"

static struct proc *first, *last; /* the list, oldest first: pids only grow */
static int nextpid = 1;
int nprocs;

struct proc *myproc(void)
{
	return percpu.proc;
}

struct proc *proc_first(void)
{
	return first;
}

struct proc *proc_from(int pid)
{
	for_each_proc(p)
		if (p->pid >= pid)
			return p;
	return NULL;
}

struct proc *proc_find(int pid)
{
	struct proc *p = proc_from(pid);
	return p && p->pid == pid ? p : NULL;
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

/* A new runnable process with an empty address space, at the end of the
 * list; NULL when memory for it runs out. */
struct proc *proc_alloc(const char *name)
{
	struct proc *p = kmalloc(sizeof(*p));
	if (!p)
		return NULL;
	*p = (struct proc){ .state = P_RUNNABLE, .umask = 022, .syscall_nr = -1 };
	p->kstack = kstack_alloc();
	p->sighand = sighand_alloc();
	if (!p->kstack || !p->sighand || mm_init(&p->mm) < 0) {
		if (p->kstack)
			kstack_free(p->kstack);
		sighand_put(p->sighand);
		kfree(p);
		return NULL;
	}
	p->pid = nextpid++;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->tf = (struct trapframe *)(p->kstack - sizeof(struct trapframe));
	memset(p->tf, 0, sizeof(*p->tf));
	prepare_first_switch(p);
	if (last)
		last->next = p;
	else
		first = p;
	last = p;
	nprocs++;
	return p;
}

/* A zombie whose memory and stack are already released leaves the table. */
void proc_reap(struct proc *p)
{
	struct proc **link = &first, *prev = NULL;
	while (*link != p) {
		prev = *link;
		link = &prev->next;
	}
	*link = p->next;
	if (last == p)
		last = prev;
	nprocs--;
	procfs_forget(p->pid);
	signal_release(p);
	kfree(p);
}

void proc_free(struct proc *p)
{
	proc_release(p);
	proc_reap(p);
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
	struct proc *init = proc_first();
	for_each_proc(c) {
		if (c->parent != p)
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
	signal_exited(p);
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

/* kernel/proc.c — the process table: creating a process (an address space
 * and a kernel stack prepared so that the first switch to it enters ring 3)
 * and ending one.
 *
 * The table is a list of kmalloc'd processes in pid order, as long as memory
 * allows (Linux too is limited only by memory, pid_max and RLIMIT_NPROC):
 * every walk over it costs what the processes that exist cost, and a
 * process that cannot get memory makes fork fail with -ENOMEM, not panic. */
#include "kernel/proc.h"
#include "kernel/cputime.h"
#include "arch/context.h"
#include "arch/percpu.h"
#include "kernel/drivers/tty.h"
#include "kernel/fs/file.h"
#include "kernel/fs/procfs.h"
#include "kernel/printk.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/thread.h"
#include "kernel/wait.h"
#include "kernel/string.h"
#include "mm/kheap.h"
#include "mm/kstack.h"

static struct proc *first, *last; /* the list, oldest first: pids only grow */
static int nextpid = 1;
int nprocs;

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

/* A new runnable process with an empty address space (mm_alloc'd: clone
 * with CLONE_VM trades it for the parent's), an empty descriptor table and
 * the root as its directory, at the end of the list; NULL when memory for
 * it runs out. */
struct proc *proc_alloc(const char *name)
{
	struct proc *p = kmalloc(sizeof(*p));
	if (!p)
		return NULL;
	*p = (struct proc){ .state = P_RUNNABLE, .syscall_nr = -1, .work = WORK_ALL };
	p->kstack = kstack_alloc();
	p->mm = mm_alloc();
	p->sighand = sighand_alloc();
	if (!p->kstack || !p->mm || !p->sighand || files_init(p) < 0) {
		files_close_all(p);
		mm_put(p->mm);
		if (p->kstack)
			kstack_free(p->kstack);
		sighand_put(p->sighand);
		kfree(p);
		return NULL;
	}
	p->pid = p->tgid = nextpid++;
	p->leader = p;
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

static void unlink_proc(struct proc *p)
{
	struct proc **link = &first, *prev = NULL;
	while (*link != p) {
		prev = *link;
		link = &prev->next;
	}
	*link = p->next;
	if (last == p)
		last = prev;
}

/* A zombie whose memory and stack are already released leaves the table. */
void proc_reap(struct proc *p)
{
	unlink_proc(p);
	nprocs--;
	procfs_forget(p->pid);
	signal_release(p);
	kfree(p);
}

void proc_free(struct proc *p)
{
	files_close_all(p);
	proc_release(p);
	proc_reap(p);
}

/* Called by the scheduler once the dead process is off its kernel stack and
 * its page tables are no longer loaded. */
void proc_release(struct proc *p)
{
	mm_put(p->mm);
	p->mm = NULL;
	kstack_free(p->kstack);
	p->kstack = 0;
}

/* Orphans go to init, which reaps them; once init is leaving or gone,
 * nothing else may stay behind: its children, and every orphan given to it
 * afterwards (the grandchildren of a killed child), are killed, and the
 * kernel reaps them when init's end is reported (kernel/init.c). p is the
 * leader of a process whose last thread is gone. */
static void reparent_children(struct proc *p)
{
	struct proc *init = proc_first();
	for_each_proc(c) {
		if (c->parent != p)
			continue;
		c->parent = init;
		/* A clone child with another exit signal (0 included) becomes an
		 * ordinary child of init, as Linux's reparent_leader makes it:
		 * else init's wait, which takes no __WCLONE, could never reap it. */
		if (c->leader == c)
			c->exit_signal = SIGCHLD;
		if (p == init || init->state == P_ZOMBIE)
			signal_send(c, SIGKILL);
	}
	wakeup(init);
}

/* One thread ends (kernel/thread.c has the group's rules). The parent
 * hears of the process's end when the last thread is gone, with the status
 * of a group exit if there was one, else that last thread's (what Linux
 * 6.18 reports: kept in the leader, which stays until then). */
void proc_exit(int status)
{
	struct proc *p = myproc(), *leader = p->leader;
	if (p != leader) { /* its time stays the process's (Linux's __exit_signal) */
		cputime_charge(p, false);
		cputime_hand_over(leader, p);
	}
	thread_release_user(p);
	files_close_all(p);
	p->state = P_ZOMBIE;
	vfork_release(p);
	wakeup(leader); /* de_thread waits there for the others to go */
	bool last = !group_live_others(p);
	if (last) {
		if (!leader->group_exit)
			leader->exit_status = status;
		reparent_children(leader);
		tty_exit(leader);
	}
	signal_exited(p, last);
	if (last)
		wakeup(leader->parent);
	if (last && leader->autoreap && leader != p)
		proc_reap(leader); /* already off its stack and memory: nobody will wait */
	sched();
	panic("proc_exit: a zombie ran again");
}

/* Unlink p from the list and put it back where pid belongs. */
static void relink(struct proc *p, int pid)
{
	struct proc **link = &first;
	unlink_proc(p);
	p->pid = pid;
	while (*link && (*link)->pid < pid)
		link = &(*link)->next;
	p->next = *link;
	*link = p;
	if (!p->next)
		last = p;
}

void proc_take_place(struct proc *p, struct proc *leader)
{
	int pid = leader->pid, tid = p->pid;
	p->shared = leader->shared; /* the process's pending signals stay its own */
	p->exit_signal = leader->exit_signal;
	leader->shared = (struct sigpending){ 0 };
	p->parent = leader->parent;
	p->execed = leader->execed;
	cputime_hand_over(p, leader);
	for_each_proc(c)
		if (c->parent == leader)
			c->parent = p;
	proc_reap(leader);
	procfs_forget(tid);
	relink(p, pid);
	p->leader = p;
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

/* kernel/thread.c — thread groups, as Linux has them.
 *
 * A thread is a struct proc like any other: its own pid (the thread id,
 * gettid), kernel stack, registers and FS base, sharing the address space,
 * descriptor table and directory by reference (kernel/fork.c's clone). The
 * threads of one process have one tgid, the pid of the first of them, the
 * leader, and that is the process id: getpid, wait4, kill and /proc/PID use
 * it. The rules kept here:
 *
 *   - exit ends one thread. A thread other than the leader leaves no
 *     zombie: the scheduler reaps it as soon as it is off its stack. The
 *     leader stays a zombie until the last thread is gone; only then is
 *     the parent told, and its wait sees one status for the process: the
 *     last thread's exit code (so Linux 6.18 behaves, checked both ways).
 *   - exit_group, a fatal signal and a fault end every thread; the first
 *     status given is the process's (it is kept in the leader).
 *   - execve from any thread first ends the others (de_thread); a thread
 *     that is not the leader then takes the leader's pid, so the process
 *     keeps its pid and its parent finds it.
 *
 * Every thread holds its process's parent (the parent's leader) in
 * p->parent, so children are the process's, whichever thread made them. */
#include "kernel/thread.h"
#include "kernel/exit_work.h"
#include "kernel/futex.h"
#include "kernel/sched.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/wait.h"

bool group_live_others(const struct proc *p)
{
	for_each_proc(t)
		if (t->tgid == p->tgid && t != p && t->state != P_ZOMBIE)
			return true;
	return false;
}

struct proc *group_target(struct proc *p)
{
	if (p->state != P_ZOMBIE)
		return p;
	for_each_proc(t)
		if (t->tgid == p->tgid && t->state != P_ZOMBIE)
			return t;
	return p;
}

/* Every other live thread of p's process dies at its next chance: woken
 * if it sleeps, leaving its stop if stopped. */
static void kill_others(struct proc *p)
{
	for_each_proc(t) {
		if (t->tgid != p->tgid || t == p || t->state == P_ZOMBIE)
			continue;
		t->killed = SIGKILL;
		signal_work_set(t);
		if (t->state == P_SLEEPING)
			t->state = P_RUNNABLE;
	}
}

void group_exit(int status)
{
	struct proc *p = myproc(), *leader = p->leader;
	if (!leader->group_exit) {
		leader->group_exit = true;
		leader->exit_status = status;
		kill_others(p);
	}
	proc_exit(status);
}

/* Have the others all gone? The leader may stay, a zombie (released: the
 * scheduler has taken its stack and memory before the caller runs again). */
static bool alone(const struct proc *p)
{
	for_each_proc(t)
		if (t->tgid == p->tgid && t != p && !(t == p->leader && t->state == P_ZOMBIE))
			return false;
	return true;
}

int de_thread(struct proc *p)
{
	struct proc *leader = p->leader;
	if (alone(p) && p == leader)
		return 0;
	if (leader->group_exit)
		return -EAGAIN; /* Linux: a group exit already under way wins */
	leader->group_exit = true; /* the others' ends are not the process's */
	kill_others(p);
	while (!alone(p))
		if (sleep_killable(leader, 0) < 0)
			return -EINTR; /* killed: it dies on the way out, the group with it */
	leader->group_exit = false;
	if (p != leader)
		proc_take_place(p, leader);
	return 0;
}

void thread_release_user(struct proc *p)
{
	futex_exit_robust(p);
	if (p->clear_child_tid && p->mm->refs > 1) {
		(void)put_user(0, (int __user *)p->clear_child_tid);
		futex_wake(p->clear_child_tid, 1);
	}
	p->clear_child_tid = 0;
}

SYSCALL1(exit, int, code)
{
	proc_exit((code & 0xff) << 8);
}

SYSCALL1(exit_group, int, code)
{
	group_exit((code & 0xff) << 8);
}

SYSCALL0(getpid)
{
	return myproc()->tgid;
}

SYSCALL0(gettid)
{
	return myproc()->pid;
}

/* musl stores the result as the thread's TID and later compares against it:
 * it must be the caller's real, non-zero TID. */
SYSCALL1(set_tid_address, int __user *, tidptr)
{
	myproc()->clear_child_tid = uaddr(tidptr);
	return myproc()->pid;
}

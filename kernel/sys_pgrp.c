/* kernel/sys_pgrp.c — process groups and sessions: setpgid, getpgid,
 * getpgrp, setsid, getsid.
 *
 * Every process belongs to a process group (what kill(0) and kill(-pgid)
 * reach, and what wait4(0) waits for) inside a session. Both are inherited
 * across fork and kept across exec. Init starts in group 0 and session 0,
 * as Linux's first process does, until it calls setsid. The errnos are
 * Linux's (kernel/sys.c), in Linux's order. Group and session belong to
 * the process: every thread of it moves together (set_pgrp), and a
 * thread's pid names its process here, as in Linux. */
#include "kernel/sched.h"
#include "kernel/syscall.h"

/* A process in group pgid (zombies count, as in Linux), or NULL. All
 * members of a group are in one session. */
static struct proc *group_member(int pgid)
{
	for_each_proc(p)
		if (p->pgid == pgid)
			return p;
	return NULL;
}

/* Every thread of p's process joins group pgid in session sid; a new
 * session starts without a controlling terminal, so one a member of the
 * old one had left (no_ctty) is forgotten. */
static void set_pgrp(struct proc *p, int pgid, int sid)
{
	for_each_proc(t)
		if (t->tgid == p->tgid) {
			t->no_ctty = t->no_ctty && t->sid == sid;
			t->pgid = pgid;
			t->sid = sid;
		}
}

/* The caller may move itself or a child of its own session that has not
 * exec'd yet, never a session leader, and only into a group that exists in
 * its session or a new group named after the one moved. */
SYSCALL2(setpgid, int, pid, int, pgid)
{
	struct proc *me = myproc()->leader;
	if (!pid)
		pid = me->pid;
	if (!pgid)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	struct proc *p = proc_find(pid);
	if (!p)
		return -ESRCH;
	p = p->leader;
	pid = p->pid;
	if (p->parent == me) {
		if (p->sid != me->sid)
			return -EPERM;
		if (p->execed)
			return -EACCES;
	} else if (p != me) {
		return -ESRCH;
	}
	if (p->sid == p->pid)
		return -EPERM; /* a session leader stays in its group */
	struct proc *g = pgid == pid ? p : group_member(pgid);
	if (!g || g->sid != me->sid)
		return -EPERM;
	set_pgrp(p, pgid, p->sid);
	return 0;
}

SYSCALL1(getpgid, int, pid)
{
	struct proc *p = pid ? proc_find(pid) : myproc();
	return p ? p->pgid : -ESRCH;
}

SYSCALL0(getpgrp)
{
	return myproc()->pgid;
}

SYSCALL1(getsid, int, pid)
{
	struct proc *p = pid ? proc_find(pid) : myproc();
	return p ? p->sid : -ESRCH;
}

/* A new session and group, both named after the caller, which must not
 * already name a process group (so a group leader cannot; Linux's rule). */
SYSCALL0(setsid)
{
	struct proc *me = myproc();
	if (group_member(me->tgid))
		return -EPERM;
	set_pgrp(me, me->tgid, me->tgid);
	return me->tgid;
}

/* kernel/sigqueue.c — the pending sets: a thread's own and its process's
 * (Linux's struct sigpending, in p->pending and the leader's p->shared),
 * each a bit per signal and the queued siginfo, oldest first. Adding
 * follows Linux's queueing rules and RLIMIT_SIGPENDING; taking follows its
 * order (faults first, then the lowest number; the thread's own set before
 * the process's). What a signal does is kernel/signal.c's business. */
#include "kernel/sigqueue.h"
#include "kernel/errno.h"
#include "kernel/exit_work.h"
#include "kernel/itimer.h"
#include "kernel/proc.h"
#include "mm/kheap.h"

/* Drop queued siginfo of the signals in set, and their pending bits. */
void sigpending_flush(struct sigpending *sp, u64 set)
{
	struct sigqueue **link = &sp->q;
	while (*link) {
		struct sigqueue *q = *link;
		if (set & sigbit(q->info.signo)) {
			*link = q->next;
			kfree(q);
		} else {
			link = &q->next;
		}
	}
	sp->set &= ~set;
}

/* The signals in set leave the whole process: its shared set and every
 * thread's own (SIGCONT and the stop signals cancel each other so). */
void sigpending_flush_group(struct proc *p, u64 set)
{
	sigpending_flush(&p->leader->shared, set);
	for_each_proc(t)
		if (t->tgid == p->tgid)
			sigpending_flush(&t->pending, set);
}

u64 signal_pending_set(const struct proc *p)
{
	return p->pending.set | p->leader->shared.set;
}

static u64 queue_length(const struct sigpending *sp)
{
	u64 n = 0;
	for (struct sigqueue *q = sp->q; q; q = q->next)
		n++;
	return n;
}

/* Linux counts queued siginfo per user (the receiver's real uid) against
 * the receiver's RLIMIT_SIGPENDING. */
static u64 queued_by_user(u32 uid)
{
	u64 n = 0;
	for_each_proc(p)
		if (p->ids.u.real == uid)
			n += queue_length(&p->pending) + queue_length(&p->shared);
	return n;
}

/* Linux's __send_signal: a standard signal is pending at most once (its
 * first siginfo kept); a real-time one queues each sending. Past the
 * limit a standard signal, or one the kernel or kill() sends, is still
 * pending without siginfo; a real-time one with a siginfo of its own
 * (sigqueue, timers, mq) fails with -EAGAIN. shared: in p's process's set
 * (a process-directed signal), else in p's own. */
int sigpending_add(struct proc *p, const struct ksiginfo *info, bool shared)
{
	struct sigpending *sp = shared ? &p->leader->shared : &p->pending;
	int sig = info->signo;
	bool plain = info->code == SI_USER || info->code == SI_KERNEL;
	if (sig < SIGRTMIN && (sp->set & sigbit(sig)))
		return 0;
	bool override = sig < SIGRTMIN && (plain || info->code >= 0);
	struct sigqueue *q = NULL;
	if (override || queued_by_user(p->ids.u.real) < p->rlim[RLIMIT_SIGPENDING].cur)
		q = kmalloc(sizeof(*q));
	if (q) {
		struct sigqueue **link = &sp->q;
		while (*link)
			link = &(*link)->next;
		q->info = *info;
		*link = q;
	} else if (sig >= SIGRTMIN && !plain) {
		return -EAGAIN;
	}
	sp->set |= sigbit(sig);
	signal_work_set(p);
	return 0;
}

/* Linux's SYNCHRONOUS_MASK: faults are taken before any other signal. */
#define SYNCHRONOUS (sigbit(SIGSEGV) | sigbit(SIGBUS) | sigbit(SIGILL) | sigbit(SIGTRAP) | \
		     sigbit(SIGFPE) | sigbit(SIGSYS))

/* The lowest signal of set pending in sp, its first siginfo taken off. */
static int dequeue_from(struct sigpending *sp, u64 set, struct ksiginfo *info)
{
	u64 ready = sp->set & set;
	if (!ready)
		return 0;
	if (ready & SYNCHRONOUS)
		ready &= SYNCHRONOUS;
	int sig = __builtin_ctzl(ready) + 1;
	struct sigqueue **link = &sp->q, *found = NULL;
	bool more = false;
	while (*link && !more) {
		struct sigqueue *q = *link;
		if (q->info.signo != sig) {
			link = &q->next;
		} else if (found) {
			more = true;
		} else {
			found = q;
			*link = q->next;
		}
	}
	/* Pending without siginfo (over the limit): SI_USER from nobody. */
	*info = found ? found->info : (struct ksiginfo){ .signo = sig, .code = SI_USER };
	kfree(found);
	if (!more)
		sp->set &= ~sigbit(sig);
	return sig;
}

/* The thread's own signals first, then the process's (Linux's
 * dequeue_signal). */
int signal_dequeue(struct proc *p, u64 set, struct ksiginfo *info)
{
	int sig = dequeue_from(&p->pending, set, info);
	if (!sig)
		sig = dequeue_from(&p->leader->shared, set, info);
	if (sig == SIGALRM)
		itimer_taken(p);
	return sig;
}


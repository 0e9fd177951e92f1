/* kernel/futex.c — futexes: a thread sleeps until the 32-bit word at a user
 * address is changed and someone wakes it (futex(2)), and the robust lists
 * through which a dying thread releases the locks it held.
 *
 * The word lives in user memory and is only ever read and written through
 * get_user/put_user: it may be unmapped (EFAULT), swapped out or not yet
 * touched (the read brings it in, like the program's own access), and the
 * kernel never keeps a pointer into it.
 *
 * A waiter is a struct on its kernel stack, on one list of all waiters,
 * with the key of the word it waits on. The key says which word, the same
 * for every thread and process that can see it (Linux's futex_key):
 *   - private (FUTEX_PRIVATE_FLAG): the address space and the address;
 *   - a word in a private mapping without FUTEX_PRIVATE_FLAG: the same,
 *     marked as such: Linux's FUT_OFF_MMSHARED makes it a key of its own,
 *     which a private-op wake does not reach;
 *   - shared (a word in a MAP_SHARED mapping: shared anonymous memory,
 *     POSIX shm, a file): the shmem object and the offset in it, so two
 *     processes mapping it at different addresses meet.
 * FUTEX_WAIT reads the word, compares it with the expected value and
 * queues itself with nothing in between that could sleep: on one CPU with
 * a non-preemptible kernel, no wake can slip between the check and the
 * sleep (the lost-wakeup race Linux closes with the hash-bucket lock). The
 * read itself may sleep (a fault, a swap-in) before the check, which is
 * harmless: the value is what decides.
 *
 * Every walk is bounded: a wake or requeue looks at each waiter once, and
 * a robust list is followed for at most ROBUST_LIST_LIMIT entries. */
#include "kernel/futex.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/wait.h"
#include "mm/remote.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu
#define ROBUST_LIST_LIMIT 2048 /* Linux's: entries followed at most */

struct futex_key {
	const void *obj; /* the struct mm (private) or struct shmem (shared) */
	u64 off;         /* the address, or the offset in the object */
	bool mm_shared;  /* a shared op on private memory (Linux's FUT_OFF_MMSHARED) */
};

struct futex_waiter {
	struct futex_key key;
	u32 bitset;
	struct proc *p;
	bool woken;
	bool owner;      /* a PI waiter woken as the lock's new owner */
	struct futex_waiter *next;
};

static struct futex_waiter *waiters;

/* The key of the word at uaddr in the caller's memory: 0, -EINVAL if not
 * 4-byte aligned, -EFAULT outside user space or (shared) where nothing is
 * mapped, where the caller may not even read (PROT_NONE: Linux's
 * get_futex_key pins the page and fails), or in a read-only private
 * anonymous area (Linux: such a page never changes, so no futex op makes
 * sense on it). */
static int get_key(u64 uaddr, bool private, struct futex_key *key)
{
	struct mm *mm = myproc()->mm;
	if (uaddr % sizeof(u32))
		return -EINVAL;
	if (!access_ok(uptr(uaddr), sizeof(u32)))
		return -EFAULT;
	*key = (struct futex_key){ mm, uaddr, false };
	if (private)
		return 0;
	struct vma *v = vma_find(mm, uaddr);
	if (!v || !(v->prot & (PROT_READ | PROT_WRITE)) || (!(v->prot & PROT_WRITE) && !v->shm))
		return -EFAULT;
	if (v->shared && v->shm)
		*key = (struct futex_key){ v->shm, v->file_off + (uaddr - v->start), false };
	else
		key->mm_shared = true;
	return 0;
}

static bool same_key(const struct futex_key *a, const struct futex_key *b)
{
	return a->obj == b->obj && a->off == b->off && a->mm_shared == b->mm_shared;
}

/* w is on its caller's kernel stack and leaves the list before that
 * caller returns (futex_wait): gcc cannot see that. */
#ifndef __clang__
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
static void enqueue(struct futex_waiter *w)
{
	w->next = waiters;
	waiters = w;
}
#ifndef __clang__
#pragma GCC diagnostic pop
#endif

static void unqueue(struct futex_waiter *w)
{
	struct futex_waiter **link = &waiters;
	while (*link && *link != w)
		link = &(*link)->next;
	if (*link)
		*link = w->next;
}

/* Wake up to nr waiters on key whose bitset meets bitset; how many. */
static int wake_key(const struct futex_key *key, int nr, u32 bitset)
{
	int n = 0;
	for (struct futex_waiter **link = &waiters; *link && n < nr;) {
		struct futex_waiter *w = *link;
		if (!same_key(&w->key, key) || !(w->bitset & bitset)) {
			link = &w->next;
			continue;
		}
		*link = w->next;
		w->woken = true;
		if (w->p->state == P_SLEEPING && w->p->chan == w)
			w->p->state = P_RUNNABLE;
		n++;
	}
	return n;
}

/* FUTEX_WAIT(_BITSET): 0 when woken, -EAGAIN if the word is not val,
 * -ETIMEDOUT, -EFAULT / -EINVAL for the word; interrupted by a signal,
 * -ERESTARTSYS without a timeout, else -EINTR (Linux restarts a timed wait
 * through its restart block only when no handler ran; faultline has none,
 * and a stop and continue does not end the wait here at all). */
static long futex_wait(u64 uaddr, bool private, u32 val, const struct deadline *d, u32 bitset)
{
	struct futex_waiter w = { .bitset = bitset, .p = myproc() };
	u32 cur;
	int err = get_key(uaddr, private, &w.key);
	if (err)
		return err;
	if (get_user(cur, (u32 __user *)uptr(uaddr)))
		return -EFAULT;
	if (cur != val)
		return -EAGAIN;
	enqueue(&w); /* unqueued below, by a wake or by us: never left behind */
	while (!w.woken && !err)
		err = deadline_sleep(&w, d);
	if (w.woken)
		return 0;
	unqueue(&w);
	return err == -ERESTARTSYS && d->set ? -EINTR : err;
}

long futex_wake(u64 uaddr, int nr)
{
	struct futex_key key;
	int err = get_key(uaddr, false, &key);
	return err ? err : wake_key(&key, nr, FUTEX_BITSET_MATCH_ANY);
}

/* FUTEX_(CMP_)REQUEUE: wake nr_wake waiters of uaddr and move up to
 * nr_requeue of the rest to uaddr2; CMP first checks that the word is
 * still val3 (-EAGAIN). Returns woken + moved, as Linux's futex_requeue. */
static long futex_requeue(u64 uaddr, u64 uaddr2, bool private, int nr_wake, int nr_requeue,
			  const u32 *val3)
{
	struct futex_key k1, k2;
	u32 cur;
	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	int err = get_key(uaddr, private, &k1);
	if (!err)
		err = get_key(uaddr2, private, &k2);
	if (err)
		return err;
	if (val3 && get_user(cur, (u32 __user *)uptr(uaddr)))
		return -EFAULT;
	if (val3 && cur != *val3)
		return -EAGAIN;
	int n = wake_key(&k1, nr_wake, FUTEX_BITSET_MATCH_ANY);
	for (struct futex_waiter *w = waiters; w && nr_requeue > 0; w = w->next) {
		if (same_key(&w->key, &k1)) {
			w->key = k2; /* it sleeps on its own struct: nothing else moves */
			nr_requeue--;
			n++;
		}
	}
	return n;
}

/* FUTEX_WAKE_OP's encoded operation, as Linux decodes it. */
static long wake_op_apply(u64 uaddr2, u32 encoded, bool *wake2)
{
	int op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
	int oparg = (int)(encoded << 8) >> 20, cmparg = (int)(encoded << 20) >> 20;
	u32 old, new;
	if (encoded & (8u << 28)) /* FUTEX_OP_OPARG_SHIFT */
		oparg = 1 << (oparg & 31);
	if (op > 4 || cmp > 5)
		return -ENOSYS;
	if (get_user(old, (u32 __user *)uptr(uaddr2)))
		return -EFAULT;
	switch (op) {
	case 0: new = (u32)oparg; break;        /* SET */
	case 1: new = old + (u32)oparg; break;  /* ADD */
	case 2: new = old | (u32)oparg; break;  /* OR */
	case 3: new = old & ~(u32)oparg; break; /* ANDN */
	default: new = old ^ (u32)oparg; break; /* XOR */
	}
	/* Nothing runs between the read and the write: on one CPU with a
	 * kernel that is not preempted, the pair is atomic. */
	if (put_user(new, (u32 __user *)uptr(uaddr2)))
		return -EFAULT;
	int o = (int)old;
	bool t[] = { o == cmparg, o != cmparg, o < cmparg, o <= cmparg, o > cmparg, o >= cmparg };
	*wake2 = t[cmp];
	return 0;
}

static long futex_wake_op(u64 uaddr, u64 uaddr2, bool private, int nr, int nr2, u32 encoded)
{
	struct futex_key k1, k2;
	bool wake2;
	int err = get_key(uaddr, private, &k1);
	if (!err)
		err = get_key(uaddr2, private, &k2);
	if (!err)
		err = (int)wake_op_apply(uaddr2, encoded, &wake2);
	if (err)
		return err;
	int n = wake_key(&k1, nr, FUTEX_BITSET_MATCH_ANY);
	return n + (wake2 ? wake_key(&k2, nr2, FUTEX_BITSET_MATCH_ANY) : 0);
}

/* ---- PI futexes: the lock word holds its owner's tid ----
 *
 * A priority-inheritance lock (pthread mutexes with PTHREAD_PRIO_INHERIT,
 * which musl's robust PI mutexes are): 0 is free, else the owner's tid,
 * with FUTEX_WAITERS when someone waits in the kernel and
 * FUTEX_OWNER_DIED after its owner died holding it (the robust walk).
 * Unlike a plain futex the kernel changes the word itself: a free lock is
 * taken by writing the caller's tid, and an unlock hands it to the first
 * waiter by writing that waiter's tid. faultline has no priorities, so
 * nothing is inherited: what remains is Linux's ownership protocol. */

/* The first PI waiter on key, or NULL; *more says whether another follows. */
static struct futex_waiter *first_waiter(const struct futex_key *key, bool *more)
{
	struct futex_waiter *first = NULL;
	*more = false;
	for (struct futex_waiter *w = waiters; w && !*more; w = w->next) {
		if (!same_key(&w->key, key))
			continue;
		if (first)
			*more = true;
		else
			first = w;
	}
	return first;
}

/* One look at the word: 0 if the caller now owns the lock, 1 if another
 * live thread does (FUTEX_WAITERS set so that its unlock comes to the
 * kernel), -EDEADLK if the caller does, -ESRCH if the tid in it names no
 * live thread (Linux's attach_to_pi_owner), -EFAULT. */
static int pi_take(u64 uaddr, const struct futex_key *key, int tid)
{
	u32 __user *word = (u32 __user *)uptr(uaddr);
	u32 v;
	bool more;
	if (get_user(v, word))
		return -EFAULT;
	u32 owner = v & FUTEX_TID_MASK;
	if (owner == (u32)tid)
		return -EDEADLK;
	if (!owner) {
		u32 waiting = first_waiter(key, &more) ? FUTEX_WAITERS : 0;
		return put_user((v & FUTEX_OWNER_DIED) | waiting | (u32)tid, word) ? -EFAULT : 0;
	}
	struct proc *o = proc_find((int)owner);
	if (!o || o->state == P_ZOMBIE)
		return -ESRCH;
	if (!(v & FUTEX_WAITERS) && put_user(v | FUTEX_WAITERS, word))
		return -EFAULT;
	return 1;
}

/* FUTEX_LOCK_PI / FUTEX_TRYLOCK_PI: 0 once the caller owns the lock
 * (FUTEX_OWNER_DIED kept in the word for the C library to see); trylock
 * -EAGAIN if another owns it; -ETIMEDOUT at the absolute CLOCK_REALTIME
 * deadline; a signal restarts it (-ERESTARTNOINTR, as Linux). */
static long futex_lock_pi(u64 uaddr, bool private, const struct deadline *d, bool try)
{
	struct futex_waiter w = { .bitset = FUTEX_BITSET_MATCH_ANY, .p = myproc() };
	int err = get_key(uaddr, private, &w.key);
	while (!err) {
		err = pi_take(uaddr, &w.key, w.p->pid);
		if (err <= 0)
			return err;
		if (try)
			return -EAGAIN;
		w.woken = false;
		enqueue(&w);
		err = deadline_sleep(&w, d);
		if (w.owner)
			return 0; /* handed over by the unlock */
		if (!w.woken)
			unqueue(&w);
	}
	return err == -ERESTARTSYS ? -ERESTARTNOINTR : err;
}

/* FUTEX_UNLOCK_PI: the caller must own the lock (-EPERM). The first
 * waiter becomes the owner (its tid, with FUTEX_WAITERS, in the word, as
 * Linux's wake_futex_pi writes it) and is woken; with none the word is 0. */
static long futex_unlock_pi(u64 uaddr, bool private)
{
	u32 __user *word = (u32 __user *)uptr(uaddr);
	struct futex_key key;
	u32 v;
	bool more;
	int err = get_key(uaddr, private, &key);
	if (err)
		return err;
	if (get_user(v, word))
		return -EFAULT;
	if ((v & FUTEX_TID_MASK) != (u32)myproc()->pid)
		return -EPERM;
	struct futex_waiter *next = first_waiter(&key, &more);
	if (put_user(next ? (u32)next->p->pid | FUTEX_WAITERS : 0, word))
		return -EFAULT;
	if (next) {
		unqueue(next);
		next->woken = next->owner = true;
		if (next->p->state == P_SLEEPING && next->p->chan == next)
			next->p->state = P_RUNNABLE;
	}
	return 0;
}

static bool has_timeout(int cmd)
{
	return cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI;
}

/* futex(uaddr, op, val, timeout_or_val2, uaddr2, val3), in Linux's order:
 * the timeout is read and checked first for the waits (EFAULT, EINVAL),
 * then the command (ENOSYS for one not here, or FUTEX_CLOCK_REALTIME
 * with anything but FUTEX_WAIT_BITSET and FUTEX_LOCK_PI), then the
 * words. For
 * REQUEUE, CMP_REQUEUE and WAKE_OP the fourth argument is a count, not a
 * pointer. A bitset of 0 is EINVAL. */
SYSCALL6(futex, u32 __user *, uaddr, int, op, u32, val, const struct timespec64 __user *, utime,
	 u32 __user *, uaddr2, u32, val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool private = op & FUTEX_PRIVATE_FLAG, rt = op & FUTEX_CLOCK_REALTIME;
	struct deadline d = { 0 };
	if (has_timeout(cmd)) {
		enum deadline_kind kind = cmd == FUTEX_WAIT ? CLOCK_REL :
					  rt || cmd == FUTEX_LOCK_PI ? CLOCK_ABS_REALTIME : CLOCK_ABS_MONOTONIC;
		int err = deadline_read(utime, &d, kind);
		if (err)
			return err;
	}
	if (rt && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_LOCK_PI)
		return -ENOSYS; /* Linux 6.18 refuses it with FUTEX_WAIT too */
	u64 a = uaddr(uaddr), a2 = uaddr(uaddr2), count2 = uaddr(utime);
	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAIT_BITSET:
		return val3 ? futex_wait(a, private, val, &d, val3) : -EINVAL;
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fall through */
	case FUTEX_WAKE_BITSET: {
		struct futex_key key;
		if (!val3)
			return -EINVAL;
		int err = get_key(a, private, &key);
		return err ? err : wake_key(&key, (int)val, val3);
	}
	case FUTEX_REQUEUE:
		return futex_requeue(a, a2, private, (int)val, (int)count2, NULL);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(a, a2, private, (int)val, (int)count2, &val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(a, a2, private, (int)val, (int)count2, val3);
	case FUTEX_LOCK_PI:
	case FUTEX_TRYLOCK_PI:
		return futex_lock_pi(a, private, &d, cmd == FUTEX_TRYLOCK_PI);
	case FUTEX_UNLOCK_PI:
		return futex_unlock_pi(a, private);
	default:
		return -ENOSYS;
	}
}

/* ---- robust lists ---- */

/* Linux's struct robust_list_head: the list of robust futexes a thread
 * holds, kept by the C library in user memory; each entry is a pointer to
 * the next, futex_offset from the entry to its lock word. */
struct robust_list_head {
	u64 next;
	i64 futex_offset;
	u64 list_op_pending; /* an entry being locked or unlocked right now */
};

SYSCALL2(set_robust_list, struct robust_list_head __user *, head, u64, len)
{
	if (len != sizeof(struct robust_list_head))
		return -EINVAL;
	myproc()->robust_list = uaddr(head);
	return 0;
}

/* get_robust_list(tid, head_ptr, len_ptr): tid 0 is the caller; another
 * thread needs the ptrace-read permission (-EPERM), and must exist
 * (-ESRCH; a zombie leader exists, its list emptied at its death). */
SYSCALL3(get_robust_list, int, pid, u64 __user *, head_ptr, u64 __user *, len_ptr)
{
	struct proc *me = myproc(), *t = pid ? proc_find(pid) : me;
	if (!t)
		return -ESRCH;
	if (!remote_may_access(me, t, false))
		return -EPERM;
	if (put_user(sizeof(struct robust_list_head), len_ptr))
		return -EFAULT;
	return put_user(t->robust_list, head_ptr);
}

/* A waiter of the word at uaddr, whether it waits with a shared key (what
 * Linux's handle_futex_death wakes) or a private one (a PI mutex's waiter,
 * whom Linux's exit_pi_state_list reaches instead). */
static void wake_dead_owners_waiter(u64 uaddr)
{
	struct futex_key key;
	if (futex_wake(uaddr, 1) == 0 && !get_key(uaddr, true, &key))
		wake_key(&key, 1, FUTEX_BITSET_MATCH_ANY);
}

/* The lock word at uaddr, if it names tid as owner: marked FUTEX_OWNER_DIED
 * (keeping FUTEX_WAITERS) and one waiter woken, as Linux's
 * handle_futex_death. A pending entry whose word is 0 (the unlock had
 * finished) only wakes, so that a waiter does not sleep forever. false if
 * the word cannot be read or written: the walk stops. */
static bool futex_death(u64 uaddr, int tid, bool pending)
{
	u32 w;
	if (uaddr % sizeof(u32) || get_user(w, (u32 __user *)uptr(uaddr)))
		return false;
	if (pending && !w) {
		wake_dead_owners_waiter(uaddr);
		return true;
	}
	if ((w & FUTEX_TID_MASK) != (u32)tid)
		return true;
	if (put_user((w & FUTEX_WAITERS) | FUTEX_OWNER_DIED, (u32 __user *)uptr(uaddr)))
		return false;
	if (w & FUTEX_WAITERS)
		wake_dead_owners_waiter(uaddr);
	return true;
}

/* Read one pointer of the list; bit 0 marks a PI futex, masked off as
 * Linux's fetch_robust_entry does: its death is handled the same way here
 * (the woken PI waiter finds the owner gone and takes the lock, keeping
 * FUTEX_OWNER_DIED). */
static bool fetch(u64 at, u64 *entry)
{
	u64 v;
	if (get_user(v, (u64 __user *)uptr(at)))
		return false;
	*entry = v & ~1ul;
	return true;
}

/* Everything the walk reads is user memory the dying thread controls: each
 * read goes through get_user (a bad, kernel or non-canonical pointer fails
 * it and ends the walk), and a cycle ends after ROBUST_LIST_LIMIT entries. */
void futex_exit_robust(struct proc *p)
{
	u64 head = p->robust_list, entry, pending, next;
	i64 off;
	p->robust_list = 0;
	if (!head || !fetch(head, &entry) ||
	    get_user(off, (i64 __user *)uptr(head + offsetof(struct robust_list_head, futex_offset))) ||
	    !fetch(head + offsetof(struct robust_list_head, list_op_pending), &pending))
		return;
	for (int limit = ROBUST_LIST_LIMIT; entry != head && limit > 0; limit--) {
		bool ok = fetch(entry, &next);
		if (entry != pending && !futex_death(entry + (u64)off, p->pid, false))
			break;
		if (!ok)
			break;
		entry = next;
	}
	if (pending)
		futex_death(pending + (u64)off, p->pid, true);
}

/* user/robust.c — robust futexes: a lock held by a thread or process that
 * dies is handed to the next locker with EOWNERDEAD (musl's robust
 * mutexes, pshared ones across processes through the kernel's walk of the
 * dying thread's list), set_robust_list/get_robust_list, and hostile lists
 * at exit (a cycle, a kernel pointer, a non-canonical pointer, a list
 * longer than the kernel follows) that must leave the kernel unharmed. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include "child.h"
#include "futexdefs.h"

#define ROBUST_LIST_LIMIT 2048

struct robust_list {
	struct robust_list *next;
};

struct robust_list_head {
	struct robust_list list;
	long futex_offset;
	struct robust_list *list_op_pending;
};

/* ---- musl's robust mutexes ---- */

static pthread_mutex_t *mutex;

static void *lock_and_leave(void *arg)
{
	(void)arg;
	pthread_mutex_lock(mutex);
	return NULL; /* the thread ends holding it */
}

static void init_robust(pthread_mutex_t *m, int pshared)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutexattr_setpshared(&a, pshared);
	pthread_mutex_init(m, &a);
}

static void thread_case(void)
{
	static pthread_mutex_t m;
	pthread_t t;
	mutex = &m;
	init_robust(&m, PTHREAD_PROCESS_PRIVATE);
	pthread_create(&t, NULL, lock_and_leave, NULL);
	pthread_join(t, NULL);
	tap_eq(pthread_mutex_lock(&m), EOWNERDEAD, "a thread died holding a robust mutex: the next lock -> EOWNERDEAD");
	tap_eq(pthread_mutex_consistent(&m), 0, "pthread_mutex_consistent");
	tap_eq(pthread_mutex_unlock(&m), 0, "unlock");
	tap_eq(pthread_mutex_lock(&m), 0, "and it locks normally again");
	pthread_mutex_unlock(&m);
}

static int lock_and_exit(void *arg)
{
	(void)arg;
	pthread_mutex_lock(mutex);
	_exit(0); /* the process ends holding it: only the kernel can tell */
}

static void process_case(void)
{
	mutex = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	init_robust(mutex, PTHREAD_PROCESS_SHARED);
	tap_status(reap(spawn(lock_and_exit, NULL)), EXITED(0), "a process locks a pshared robust mutex and exits");
	tap_eq(pthread_mutex_lock(mutex), EOWNERDEAD, "the next locker in another process -> EOWNERDEAD");
	pthread_mutex_consistent(mutex);
	pthread_mutex_unlock(mutex);
}

/* Another user's thread needs the ptrace permission (ours is root's). */
static int other_user(void *arg)
{
	struct robust_list_head *head;
	size_t len;
	(void)arg;
	if (setresuid(65534, 65534, 65534))
		return 2;
	errno = 0;
	long r = syscall(SYS_get_robust_list, getppid(), &head, &len);
	return r == -1 && errno == EPERM ? 0 : 1;
}

/* ---- the calls themselves ---- */

static void call_cases(void)
{
	struct robust_list_head *head;
	size_t len;
	SYSCALL_CASE(-1, EINVAL, "set_robust_list with len 23 -> EINVAL", SYS_set_robust_list, &len, 23);
	SYSCALL_CASE(0, 0, "get_robust_list(0) -> 0", SYS_get_robust_list, 0, &head, &len);
	tap_ok(head != NULL && len == sizeof(*head), "... musl's head, len 24");
	SYSCALL_CASE(-1, ESRCH, "get_robust_list of no such thread -> ESRCH", SYS_get_robust_list, 0x3fffffff, &head, &len);
	SYSCALL_CASE(-1, EFAULT, "get_robust_list into a bad pointer -> EFAULT", SYS_get_robust_list, 0, (void *)1, &len);
	child_case(other_user, NULL, EXITED(0), "get_robust_list of root's thread as another user -> EPERM");
}

/* ---- lists a dying process leaves behind ---- */

struct lock {
	struct robust_list link;
	unsigned word;
};

static struct lock *locks;
static unsigned tid;

static void set_list(struct robust_list_head *h)
{
	h->futex_offset = offsetof(struct lock, word);
	syscall(SYS_set_robust_list, h, sizeof(*h));
}

/* n locks held by this thread, linked in order, the last pointing at end. */
static void chain(struct robust_list_head *h, int n, struct robust_list *end)
{
	tid = (unsigned)syscall(SYS_gettid);
	h->list.next = n ? &locks[0].link : end;
	for (int i = 0; i < n; i++) {
		locks[i].word = tid;
		locks[i].link.next = i + 1 < n ? &locks[i + 1].link : end;
	}
	h->list_op_pending = NULL;
	set_list(h);
}

static struct robust_list_head *head_in_shared(void)
{
	return (struct robust_list_head *)(locks + ROBUST_LIST_LIMIT + 8);
}

static int cycle(void *arg)
{
	(void)arg;
	struct robust_list_head *h = head_in_shared();
	chain(h, 3, &locks[1].link); /* 0 -> 1 -> 2 -> 1 -> ... */
	_exit(0);
}

static int bad_pointer(void *arg)
{
	struct robust_list_head *h = head_in_shared();
	chain(h, 2, arg);
	_exit(0);
}

static int bad_head(void *arg)
{
	syscall(SYS_set_robust_list, arg, sizeof(struct robust_list_head));
	_exit(0);
}

static int too_long(void *arg)
{
	(void)arg;
	struct robust_list_head *h = head_in_shared();
	chain(h, ROBUST_LIST_LIMIT + 2, &h->list);
	_exit(0);
}

static int pending_only(void *arg)
{
	(void)arg;
	struct robust_list_head *h = head_in_shared();
	chain(h, 0, &h->list);
	locks[0].word = tid | FUTEX_WAITERS;
	h->list_op_pending = &locks[0].link;
	_exit(0);
}

static int owner_died(int i)
{
	return (locks[i].word & FUTEX_OWNER_DIED) != 0;
}

static void hostile_cases(void)
{
	size_t size = (ROBUST_LIST_LIMIT + 16) * sizeof(struct lock);
	locks = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	tap_status(reap(spawn(cycle, NULL)), EXITED(0), "a cyclic robust list at exit: the process ends normally");
	tap_ok(owner_died(0) && owner_died(1) && owner_died(2), "... and every lock on the cycle is marked owner-died");
	memset(locks, 0, size);
	tap_status(reap(spawn(bad_pointer, (void *)0xffff800000001000ul)), EXITED(0),
		   "a kernel pointer in the list: the walk stops harmlessly");
	tap_ok(owner_died(0) && owner_died(1), "... the locks before it are marked");
	memset(locks, 0, size);
	tap_status(reap(spawn(bad_pointer, (void *)0x0000800000001000ul)), EXITED(0),
		   "a non-canonical pointer in the list: the walk stops harmlessly");
	tap_status(reap(spawn(bad_pointer, (void *)0x1001ul)), EXITED(0), "an unmapped, odd pointer: likewise");
	tap_status(reap(spawn(bad_head, (void *)0xffff800000000000ul)), EXITED(0), "a kernel address as the head");
	tap_status(reap(spawn(bad_head, (void *)0x0000800000000000ul)), EXITED(0), "a non-canonical head");
	memset(locks, 0, size);
	tap_status(reap(spawn(too_long, NULL)), EXITED(0), "a list of %d locks", ROBUST_LIST_LIMIT + 2);
	tap_ok(owner_died(0) && owner_died(ROBUST_LIST_LIMIT - 1) && !owner_died(ROBUST_LIST_LIMIT),
	       "... the first %d are marked, the rest left alone", ROBUST_LIST_LIMIT);
	memset(locks, 0, size);
	tap_status(reap(spawn(pending_only, NULL)), EXITED(0), "list_op_pending names a held lock");
	tap_eq(locks[0].word & ~0x3fffffffu, FUTEX_WAITERS | FUTEX_OWNER_DIED,
	       "... marked owner-died, FUTEX_WAITERS kept");
}

int main(void)
{
	thread_case();
	process_case();
	call_cases();
	hostile_cases();
	return done_testing();
}

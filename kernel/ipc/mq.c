/* kernel/ipc/mq.c — POSIX message queues: mq_open, mq_unlink,
 * mq_timedsend, mq_timedreceive, mq_notify, mq_getsetattr (Linux x86-64
 * numbers 240-245), with Linux's rules and errors (ipc/mqueue.c, checked
 * against the host by user/mq.c).
 *
 * A queue is a named object outside the file tree (/dev/mqueue cannot be
 * mounted); its descriptors are ordinary files (f->mq), so close, dup,
 * fork and O_CLOEXEC (which mq_open always sets) work as for any file, and
 * read() shows Linux's status line. A queue lives while it has a name or
 * an open file. Messages are kept highest priority first, oldest first
 * within a priority; a sender copies its message in before it looks at the
 * queue (a bad pointer queues nothing), a receiver takes the message off
 * the queue before it copies it out (a bad pointer loses it), as Linux.
 *
 * Limits are Linux's defaults (/proc/sys/fs/mqueue): without
 * CAP_SYS_RESOURCE at most msg_max 10 messages of msgsize_max 8192 bytes
 * and queues_max 256 queues; with it Linux's hard limits. Each queue is
 * charged to its creator's real uid against RLIMIT_MSGQUEUE with Linux's
 * formula. Blocked senders and receivers are all woken and race for the
 * slot or message (Linux wakes one, by task priority); with one CPU and
 * equal priorities the outcome is the same first-come order. */
#include "kernel/ipc/mq.h"
#include "arch/pit.h"
#include "kernel/fs/path.h"
#include "kernel/fs/poll.h"
#include "kernel/printk.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "mm/kheap.h"

#define MQ_PRIO_MAX 32768       /* priorities are 0 .. MQ_PRIO_MAX - 1 */
#define MSG_MAX 10              /* msg_max and msg_default */
#define MSGSIZE_MAX 8192        /* msgsize_max and msgsize_default */
#define QUEUES_MAX 256          /* queues_max: queues alive, unlinked ones too */
#define HARD_MSGMAX 65536       /* the limits for CAP_SYS_RESOURCE */
#define HARD_MSGSIZEMAX (16l << 20)
#define MSG_HEADER_COST 48      /* Linux's struct msg_msg, charged per slot */
#define PRIO_NODE_COST 48       /* and struct posix_msg_tree_node */
#define FILENT_SIZE 80          /* what fstat says a queue's size is */

enum { SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD };
#define NOTIFY_COOKIE_LEN 32    /* what SIGEV_THREAD reads from sigev_value */

/* Linux's struct mq_attr. */
struct mq_attr {
	i64 mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs;
	i64 reserved[4];
};

/* Linux's x86-64 struct sigevent: 64 bytes, the rest a union we ignore. */
struct sigevent {
	u64 value;
	int signo;
	int notify;
	u8 rest[48];
};
_Static_assert(sizeof(struct sigevent) == 64, "struct sigevent must match Linux x86-64");

struct mq_msg {
	struct mq_msg *next;
	u32 prio;
	size_t len;
	char body[];
};

struct mqueue {
	struct inode inode;       /* what fstat shows: S_IFREG | mode, the creator's */
	struct mqueue *next;      /* every queue alive, named or not */
	char name[NAME_MAX + 1];  /* "" once unlinked */
	i64 maxmsg, msgsize, curmsgs;
	u64 qsize;                /* bytes of the messages queued */
	struct mq_msg *msgs;      /* highest priority first, FIFO within one */
	u32 user;                 /* charged: the creator's real uid ... */
	u64 cost;                 /* ... this many bytes of RLIMIT_MSGQUEUE */
	int files;                /* open files on it */
	int receivers;            /* processes waiting in mq_timedreceive */
	int notify_pid;           /* registered for notification, or 0 */
	int notify_kind, notify_signo;
	u64 notify_value;         /* sigev_value: the siginfo's si_value */
};

static struct mqueue *queues;
static int nqueues;

/* Sleeping channels: a message arrived; a slot was freed. Pollers sleep
 * on neither (kernel/fs/poll.h): wake_chan wakes them too. */
static const void *not_empty(const struct mqueue *q) { return &q->msgs; }
static const void *not_full(const struct mqueue *q) { return &q->curmsgs; }

static void wake_chan(const void *chan)
{
	wakeup(chan);
	poll_wake();
}

/* ---- names and queues ---- */

static struct mqueue *lookup(const char *name)
{
	for (struct mqueue *q = queues; q; q = q->next)
		if (q->name[0] && !strcmp(q->name, name))
			return q;
	return NULL;
}

/* The rules after the name was copied (getname: EFAULT, ENOENT for "",
 * ENAMETOOLONG from PATH_MAX): lookup_one_len refuses a '/' anywhere and
 * "." and ".." with EACCES, the mqueue directory names over NAME_MAX. */
static int name_check(const char *name)
{
	if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EACCES;
	return strlen(name) > NAME_MAX ? -ENAMETOOLONG : 0;
}

static u64 user_bytes(u32 uid)
{
	u64 sum = 0;
	for (struct mqueue *q = queues; q; q = q->next)
		if (q->user == uid)
			sum += q->cost;
	return sum;
}

/* What Linux charges a queue (mqueue_get_inode): the message bytes plus,
 * per message slot, a message header and a priority-tree node. */
static u64 queue_cost(i64 maxmsg, i64 msgsize)
{
	return (u64)maxmsg * (u64)msgsize + (u64)maxmsg * MSG_HEADER_COST +
	       (u64)MIN(maxmsg, MQ_PRIO_MAX) * PRIO_NODE_COST;
}

/* mq_attr_ok: both sizes at least 1 and at most the limits that apply. */
static int attr_check(const struct mq_attr *a, bool privileged)
{
	i64 max_msg = privileged ? HARD_MSGMAX : MSG_MAX;
	i64 max_size = privileged ? HARD_MSGSIZEMAX : MSGSIZE_MAX;
	if (a->mq_maxmsg <= 0 || a->mq_msgsize <= 0)
		return -EINVAL;
	return a->mq_maxmsg > max_msg || a->mq_msgsize > max_size ? -EINVAL : 0;
}

/* A new queue named name with mode (less the umask) and attributes a
 * (NULL: the defaults). 0, or -EINVAL (attributes), -ENOSPC (queues_max,
 * unless CAP_SYS_RESOURCE), -EMFILE (RLIMIT_MSGQUEUE), -ENOMEM. */
static int create(const char *name, u32 mode, const struct mq_attr *a, struct mqueue **out)
{
	struct proc *me = myproc();
	bool privileged = capable(me, CAP_SYS_RESOURCE);
	static const struct mq_attr dflt = { .mq_maxmsg = MSG_MAX, .mq_msgsize = MSGSIZE_MAX };
	int err = a ? attr_check(a, privileged) : 0;
	if (err)
		return err;
	a = a ? a : &dflt;
	if (nqueues >= QUEUES_MAX && !privileged)
		return -ENOSPC;
	u64 cost = queue_cost(a->mq_maxmsg, a->mq_msgsize);
	if (user_bytes(me->ids.u.real) + cost > me->rlim[RLIMIT_MSGQUEUE].cur)
		return -EMFILE;
	struct mqueue *q = kmalloc(sizeof(*q));
	if (!q)
		return -ENOMEM;
	ramfs_init_inode(&q->inode, S_IFREG | (mode & ~me->fs->umask & 07777), 0);
	q->inode.uid = me->ids.u.fs;
	q->inode.gid = me->ids.g.fs;
	q->inode.size = FILENT_SIZE;
	memcpy(q->name, name, strlen(name) + 1);
	q->maxmsg = a->mq_maxmsg;
	q->msgsize = a->mq_msgsize;
	q->user = me->ids.u.real;
	q->cost = cost;
	q->next = queues;
	queues = q;
	nqueues++;
	*out = q;
	return 0;
}

static void enqueue(struct mqueue *q, struct mq_msg *m)
{
	struct mq_msg **pp = &q->msgs;
	while (*pp && (*pp)->prio >= m->prio)
		pp = &(*pp)->next;
	m->next = *pp;
	*pp = m;
	q->curmsgs++;
	q->qsize += m->len;
}

static struct mq_msg *dequeue(struct mqueue *q)
{
	struct mq_msg *m = q->msgs;
	q->msgs = m->next;
	q->curmsgs--;
	q->qsize -= m->len;
	return m;
}

/* A queue without a name and without open files is gone. */
static void release(struct mqueue *q)
{
	if (q->name[0] || q->files)
		return;
	struct mqueue **pp = &queues;
	while (*pp != q)
		pp = &(*pp)->next;
	*pp = q->next;
	nqueues--;
	while (q->msgs)
		kfree(dequeue(q));
	kfree(q);
}

size_t mq_leftovers(bool name_them)
{
	size_t bytes = 0;
	for (struct mqueue *q = queues; q; q = q->next) {
		if (name_them)
			printk("faultline: leftover message queue: /%s (%ld messages)\n", q->name, (long)q->curmsgs);
		bytes += kheap_size(q);
		for (struct mq_msg *m = q->msgs; m; m = m->next)
			bytes += kheap_size(m);
	}
	return bytes;
}

/* ---- files ---- */

/* The open file behind a queue descriptor; NULL (EBADF) for one that is
 * not open or not a queue. */
static struct file *queue_file(int mqd)
{
	struct file *f = fd_get((unsigned)mqd);
	return f && f->mq ? f : NULL;
}

long mq_read(struct file *f, struct uio *u, u64 *pos)
{
	const struct mqueue *q = f->mq;
	bool reg = q->notify_pid;
	char line[FILENT_SIZE];
	int n = snprintf(line, sizeof(line), "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
			 (unsigned long)q->qsize, reg ? q->notify_kind : 0,
			 reg && q->notify_kind == SIGEV_SIGNAL ? q->notify_signo : 0, q->notify_pid);
	return uio_read_buf(u, line, (size_t)n, pos);
}

void mq_flush(struct file *f, const struct proc *p)
{
	if (f->mq->notify_pid == p->pid)
		f->mq->notify_pid = 0;
}

u32 mq_poll(struct file *f, UNUSED struct poll_table *pt)
{
	const struct mqueue *q = f->mq;
	u32 mask = q->curmsgs ? POLLIN | POLLRDNORM : 0;
	return q->curmsgs < q->maxmsg ? mask | POLLOUT | POLLWRNORM : mask;
}

void mq_close(struct file *f)
{
	f->mq->files--;
	release(f->mq);
}

/* generic_permission for the access an open asks: the owner's, group's or
 * others' bits as the fsuid and fsgid pick them; CAP_DAC_OVERRIDE passes
 * any, CAP_DAC_READ_SEARCH a read. */
static bool may_open(const struct mqueue *q, int oflag)
{
	static const u32 want[3] = { 4, 2, 6 }; /* O_RDONLY, O_WRONLY, O_RDWR */
	const struct proc *me = myproc();
	u32 acc = want[oflag & O_ACCMODE], mode = q->inode.mode;
	u32 bits = me->ids.u.fs == q->inode.uid   ? mode >> 6
		   : me->ids.g.fs == q->inode.gid ? mode >> 3
						  : mode;
	if ((bits & acc) == acc || capable(me, CAP_DAC_OVERRIDE))
		return true;
	return acc == 4 && capable(me, CAP_DAC_READ_SEARCH);
}

/* do_mq_open after the name is copied: the descriptor first (EMFILE), then
 * the name's rules, then prepare_open's: ENOENT without O_CREAT, EEXIST
 * with O_CREAT | O_EXCL, EINVAL for access mode 3 and EACCES for the mode
 * bits on an existing queue (attributes matter only to a new one). */
static int open_queue(const char *name, int oflag, u32 mode, const struct mq_attr *a)
{
	int fd = fd_reserve(0);
	if (fd < 0)
		return fd;
	int err = name_check(name);
	if (err)
		return err;
	struct mqueue *q = lookup(name);
	if (!q)
		err = oflag & O_CREAT ? create(name, mode, a, &q) : -ENOENT;
	else if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		err = -EEXIST;
	else if ((oflag & O_ACCMODE) == O_ACCMODE)
		err = -EINVAL;
	else if (!may_open(q, oflag))
		err = -EACCES;
	if (err)
		return err;
	struct file *f = file_alloc(&q->inode, (u32)oflag);
	if (!f)
		return -ENOMEM; /* a new queue stays, as after Linux's failed dentry_open */
	f->mq = q;
	q->files++;
	fd_install((unsigned)fd, f, true);
	return fd;
}

/* mq_open(name, oflag, mode, attr): a descriptor (close-on-exec), or the
 * errors above; the attributes are read first, even without O_CREAT
 * (EFAULT). musl strips one leading '/' before the call. */
SYSCALL4(mq_open, const char __user *, uname, int, oflag, u32, mode,
	 const struct mq_attr __user *, uattr)
{
	struct mq_attr attr;
	if (uattr && copy_from_user(&attr, uattr, sizeof(attr)))
		return -EFAULT;
	struct pathname pn;
	int err = pathname_get(uname, &pn);
	if (err)
		return err;
	err = open_queue(pn.name, oflag, mode, uattr ? &attr : NULL);
	pathname_put(&pn);
	return err;
}

/* mq_unlink(name): 0, the name errors of mq_open, ENOENT, or EPERM when
 * the caller neither owns the queue nor has CAP_FOWNER (the queues'
 * directory is sticky and root's; musl turns EPERM into EACCES). Open
 * descriptors keep the queue alive. */
SYSCALL1(mq_unlink, const char __user *, uname)
{
	struct pathname pn;
	int err = pathname_get(uname, &pn);
	if (err)
		return err;
	struct mqueue *q = NULL;
	if (!(err = name_check(pn.name)) && !(q = lookup(pn.name)))
		err = -ENOENT;
	pathname_put(&pn);
	if (err)
		return err;
	const struct proc *me = myproc();
	if (me->ids.u.fs && me->ids.u.fs != q->inode.uid && !capable(me, CAP_FOWNER))
		return -EPERM;
	q->name[0] = '\0';
	q->inode.nlink = 0;
	release(q);
	return 0;
}

/* ---- sending and receiving ---- */

/* __do_notify: the registration is used up; SIGEV_SIGNAL with a signal
 * other than 0 sends it, with SI_MESGQ, the sender's pid and uid and the
 * registration's sigev_value. */
static void notify(struct mqueue *q)
{
	struct proc *p = proc_find(q->notify_pid), *me = myproc();
	if (p && q->notify_kind == SIGEV_SIGNAL && q->notify_signo) {
		struct ksiginfo info = { .signo = q->notify_signo, .code = SI_MESGQ };
		info.kill.pid = me->pid;
		info.kill.uid = me->ids.u.real;
		info.kill.value = q->notify_value;
		send_sig_info(p, q->notify_signo, &info, false);
	}
	q->notify_pid = 0;
}

/* mq_timedsend(mqd, msg, len, prio, abs_timeout): 0 once queued. Linux's
 * order: the timeout (EFAULT, EINVAL), prio >= MQ_PRIO_MAX (EINVAL), the
 * descriptor (EBADF, also when not open for writing), len > mq_msgsize
 * (EMSGSIZE), the copy of the message (EFAULT: nothing queued), then a
 * full queue: EAGAIN with O_NONBLOCK, else wait until the deadline
 * (ETIMEDOUT). A message into an empty queue nobody waits on fires the
 * notification. */
SYSCALL5(mq_timedsend, int, mqd, const char __user *, ubody, size_t, len, u32, prio,
	 const struct timespec64 __user *, uts)
{
	struct deadline d;
	int err = deadline_read(uts, &d, CLOCK_ABS_REALTIME);
	if (err)
		return err;
	if (prio >= MQ_PRIO_MAX)
		return -EINVAL;
	struct file *f = queue_file(mqd);
	if (!f || !file_writable(f))
		return -EBADF;
	struct mqueue *q = f->mq;
	if (len > (u64)q->msgsize)
		return -EMSGSIZE;
	struct mq_msg *m = kmalloc(sizeof(*m) + len);
	if (!m)
		return -ENOMEM;
	m->prio = prio;
	m->len = len;
	if (copy_from_user(m->body, ubody, len))
		err = -EFAULT;
	while (!err && q->curmsgs >= q->maxmsg)
		err = f->flags & O_NONBLOCK ? -EAGAIN : deadline_sleep(not_full(q), &d);
	if (err) {
		kfree(m);
		return err;
	}
	enqueue(q, m);
	wake_chan(not_empty(q));
	if (q->curmsgs == 1 && !q->receivers && q->notify_pid)
		notify(q);
	return 0;
}

/* mq_timedreceive(mqd, buf, len, prio, abs_timeout): the length of the
 * oldest message of the highest priority, its priority stored at prio
 * unless that is NULL. The timeout first, then EBADF (also when not open
 * for reading), EMSGSIZE for len < mq_msgsize, then an empty queue: EAGAIN
 * with O_NONBLOCK, else wait (ETIMEDOUT). The message leaves the queue
 * before it is copied out, so a bad prio or buf loses it (EFAULT). */
SYSCALL5(mq_timedreceive, int, mqd, char __user *, ubuf, size_t, len, u32 __user *, uprio,
	 const struct timespec64 __user *, uts)
{
	struct deadline d;
	int err = deadline_read(uts, &d, CLOCK_ABS_REALTIME);
	if (err)
		return err;
	struct file *f = queue_file(mqd);
	if (!f || !file_readable(f))
		return -EBADF;
	struct mqueue *q = f->mq;
	if (len < (u64)q->msgsize)
		return -EMSGSIZE;
	while (!q->msgs) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		q->receivers++;
		err = deadline_sleep(not_empty(q), &d);
		q->receivers--;
		if (err)
			return err;
	}
	struct mq_msg *m = dequeue(q);
	wake_chan(not_full(q));
	long ret = (long)m->len;
	if ((uprio && put_user(m->prio, uprio)) || copy_to_user(ubuf, m->body, m->len))
		ret = -EFAULT;
	kfree(m);
	return ret;
}

/* ---- notification and attributes ---- */

/* What Linux checks of a sigevent before the descriptor: the kind
 * (EINVAL), SIGEV_SIGNAL's signal 0..64 (EINVAL); SIGEV_THREAD needs a
 * netlink socket, which faultline has none of: its cookie is read
 * (EFAULT), then the socket descriptor is EBADF or ENOTSOCK. */
static int sigevent_check(const struct sigevent *ev)
{
	if (ev->notify == SIGEV_SIGNAL)
		return (u32)ev->signo > NSIG ? -EINVAL : 0;
	if (ev->notify == SIGEV_NONE)
		return 0;
	if (ev->notify != SIGEV_THREAD)
		return -EINVAL;
	char cookie[NOTIFY_COOKIE_LEN];
	if (copy_from_user(cookie, uptr(ev->value), sizeof(cookie)))
		return -EFAULT;
	return fd_get((unsigned)ev->signo) ? -ENOTSOCK : -EBADF;
}

/* mq_notify(mqd, sevp): register the caller for one notification when a
 * message arrives in the empty queue (EBUSY if any process, the caller
 * too, is registered); NULL removes the caller's registration and is 0
 * whoever is registered. A registration also ends when its process closes
 * any descriptor of the queue (mq_flush). */
SYSCALL2(mq_notify, int, mqd, const struct sigevent __user *, uev)
{
	struct sigevent ev;
	if (uev && copy_from_user(&ev, uev, sizeof(ev)))
		return -EFAULT;
	int err = uev ? sigevent_check(&ev) : 0;
	if (err)
		return err;
	struct file *f = queue_file(mqd);
	if (!f)
		return -EBADF;
	struct mqueue *q = f->mq;
	int me = myproc()->pid;
	if (!uev) {
		if (q->notify_pid == me)
			q->notify_pid = 0;
		return 0;
	}
	if (q->notify_pid)
		return -EBUSY;
	q->notify_pid = me;
	q->notify_kind = ev.notify;
	q->notify_signo = ev.signo;
	q->notify_value = ev.value;
	return 0;
}

/* mq_getsetattr(mqd, new, old): new may only change O_NONBLOCK (any other
 * flag: EINVAL, checked before the descriptor); old gets the attributes as
 * they were, mq_flags being the file's O_NONBLOCK. */
SYSCALL3(mq_getsetattr, int, mqd, const struct mq_attr __user *, unew, struct mq_attr __user *, uold)
{
	struct mq_attr n;
	if (unew && copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	if (unew && n.mq_flags & ~(i64)O_NONBLOCK)
		return -EINVAL;
	struct file *f = queue_file(mqd);
	if (!f)
		return -EBADF;
	const struct mqueue *q = f->mq;
	struct mq_attr old = { .mq_flags = f->flags & O_NONBLOCK, .mq_maxmsg = q->maxmsg,
			       .mq_msgsize = q->msgsize, .mq_curmsgs = q->curmsgs };
	if (unew)
		f->flags = (f->flags & ~(u32)O_NONBLOCK) | ((u32)n.mq_flags & O_NONBLOCK);
	return uold ? copy_out(uold, &old, sizeof(old)) : 0;
}

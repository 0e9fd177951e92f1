/* kernel/fs/pipe.c — pipes with Linux's semantics: a read returns what is
 * there (waiting only while the pipe is empty), 0 once every writer is
 * gone; a write with no reader left gets SIGPIPE and EPIPE; O_NONBLOCK
 * turns every wait into EAGAIN. Each side is woken whenever the other moves
 * bytes or closes.
 *
 * The buffer is Linux's (fs/pipe.c): a ring of PIPE_SLOTS page buffers,
 * each a page with the range [off, off + len) still to be read. Its shape
 * is visible from ring 3, so it is copied exactly (user/pipecopy.c):
 *  - a write first appends its remainder, the first len % 4096 bytes, to
 *    the last buffer if that has room ("merge"); the rest goes into fresh
 *    pages of 4096 bytes. A write of at most PIPE_BUF bytes is therefore
 *    one piece: it goes in whole or waits for a free slot.
 *  - a piece whose copy from the user faults is dropped whole; the write
 *    returns the bytes of the pieces before it, or EFAULT.
 *  - a read copies buffer by buffer and consumes a buffer (or the part of
 *    it that was asked for) only once that part was copied out whole; a
 *    fault returns what earlier buffers gave, or EFAULT, and loses nothing.
 * head and tail count the slots ever filled and ever emptied.
 *
 * Readers sleep on readq (bytes came, or the last writer left), writers on
 * writeq (room came, or the last reader left); pipe_wake also wakes every
 * poller (kernel/fs/poll.h), which cannot sleep on both. The queues count
 * their sleepers (kernel/wait.h): most reads and writes wake nobody, and
 * then cost no scan of the process table. */
#include "kernel/fs/pipe.h"
#include "kernel/accounting.h"
#include "kernel/fs/poll.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/wait.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/layout.h"
#include "mm/reclaim.h"

struct pipe_buf {
	u64 page; /* physical address of the frame */
	u32 off, len;
};

struct pipe {
	struct inode inode; /* what fstat shows: S_IFIFO | 0600, as pipefs makes it */
	struct pipe_buf bufs[PIPE_SLOTS];
	u32 head, tail;
	u64 spare;            /* a page a read emptied, kept for the next write, or 0 */
	bool busy;            /* a side is copying: see pipe_lock */
	struct waitq lockq, readq, writeq;
	int readers, writers; /* open files of each end */
};

static bool pipe_empty(const struct pipe *p) { return p->head == p->tail; }
static bool pipe_full(const struct pipe *p) { return p->head - p->tail >= PIPE_SLOTS; }
static struct pipe_buf *slot(struct pipe *p, u32 n) { return &p->bufs[n % PIPE_SLOTS]; }
static char *buf_data(const struct pipe_buf *b) { return (char *)phys_to_virt(b->page) + b->off; }

/* A read that empties a buffer keeps its page for the next write, as
 * Linux's anon_pipe_buf_release keeps pipe->tmp_page: a ping-pong of small
 * messages then costs no frame allocation (a 4 KiB clear) and no free (a
 * 4 KiB poison fill) per message. The stale bytes in it are never read: a
 * buffer only exposes [off, off + len), what the write put there. */
static void page_put(struct pipe *p, u64 page)
{
	if (p->spare)
		frame_free(page);
	else
		p->spare = page;
}

static u64 page_get(struct pipe *p)
{
	u64 page = p->spare;
	p->spare = 0;
	return page ? page : user_frame_alloc();
}

/* A copy may sleep (a user page fault that waits for memory to be freed),
 * so each side holds the pipe while it copies, as Linux holds pipe->mutex:
 * two writers never merge into the same bytes, two readers never take the
 * same buffer. 0, or -ERESTARTSYS if a signal interrupted the wait (the
 * call is restarted, or fails with EINTR: kernel/signal.c). */
static int pipe_lock(struct pipe *p)
{
	while (p->busy) {
		if (waitq_sleep(&p->lockq, 0))
			return -ERESTARTSYS;
	}
	p->busy = true;
	return 0;
}

static void pipe_unlock(struct pipe *p)
{
	p->busy = false;
	waitq_wake(&p->lockq);
}

static void pipe_wake(struct waitq *q)
{
	waitq_wake(q);
	poll_wake();
}

static struct file *end_alloc(struct pipe *p, u32 flags)
{
	struct file *f = file_alloc(&p->inode, flags);
	if (f)
		f->pipe = p;
	return f;
}

int pipe_create(u32 flags, struct file *ends[2])
{
	struct pipe *p = kmalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	acct_add(ACCT_PIPES, 1);
	ramfs_init_inode(&p->inode, S_IFIFO | 0600, 0);
	ends[0] = end_alloc(p, O_RDONLY | flags);
	ends[1] = end_alloc(p, O_WRONLY | flags);
	if (!ends[0] || !ends[1]) {
		file_free(ends[0]);
		file_free(ends[1]);
		kfree(p);
		acct_add(ACCT_PIPES, -1);
		return -ENOMEM;
	}
	p->readers = p->writers = 1;
	return 0;
}

/* Copies buffers out until u is full or the pipe empty; the bytes moved. */
static size_t take(struct pipe *p, struct uio *u)
{
	size_t done = 0;
	while (u->resid && !pipe_empty(p)) {
		struct pipe_buf *b = slot(p, p->tail);
		size_t n = MIN(b->len, u->resid);
		if (uio_copy_out(u, buf_data(b), n) < n)
			break; /* the buffer stays as it was */
		b->off += n;
		b->len -= n;
		done += n;
		if (!b->len) {
			page_put(p, b->page);
			p->tail++;
		}
	}
	return done;
}

long pipe_read(struct file *f, struct uio *u)
{
	struct pipe *p = f->pipe;
	if (!u->resid)
		return 0;
	int err = pipe_lock(p);
	if (err)
		return err;
	while (pipe_empty(p)) {
		pipe_unlock(p);
		if (!p->writers)
			return 0;
		if (uio_nowait(f, u))
			return -EAGAIN;
		if (waitq_sleep(&p->readq, 0))
			return -ERESTARTSYS;
		if ((err = pipe_lock(p)))
			return err;
	}
	size_t done = take(p, u);
	pipe_unlock(p);
	if (done)
		pipe_wake(&p->writeq);
	return uio_result(u, done);
}

/* The remainder of a write appended to the last buffer, when it fits:
 * its size, 0 when it does not fit, -EFAULT when the copy faulted. */
static long merge(struct pipe *p, struct uio *u)
{
	size_t part = u->resid % PAGE_SIZE;
	if (!part || pipe_empty(p))
		return 0;
	struct pipe_buf *b = slot(p, p->head - 1);
	if (b->off + b->len + part > PAGE_SIZE)
		return 0;
	if (uio_copy_in(u, buf_data(b) + b->len, part) < part)
		return -EFAULT;
	b->len += part;
	return (long)part;
}

/* The next page of u into a new buffer (the ring has a free slot): its
 * size, -EFAULT if the copy faulted (the page goes back), or -ENOMEM. */
static long add_page(struct pipe *p, struct uio *u)
{
	u64 page = page_get(p);
	if (!page)
		return -ENOMEM;
	size_t n = uio_copy_in(u, phys_to_virt(page), PAGE_SIZE);
	if (u->fault) {
		page_put(p, page);
		return -EFAULT;
	}
	*slot(p, p->head++) = (struct pipe_buf){ page, 0, (u32)n };
	return (long)n;
}

/* Fills free slots until u is done, the ring is full or a piece fails:
 * the bytes added, or the error when there are none. */
static long fill(struct pipe *p, struct uio *u)
{
	long done = 0;
	while (u->resid && !pipe_full(p)) {
		long n = add_page(p, u);
		if (n < 0)
			return done ? done : n;
		done += n;
	}
	return done;
}

/* SIGPIPE is sent whenever the readers are gone (unless pwritev2 said
 * RWF_NOSIGNAL); a write that was
 * interrupted, or found the readers gone, part way returns what it wrote,
 * as Linux's pipe_write does. The pipe is held throughout except while
 * waiting for room, so a write is never interleaved with another unless it
 * had to wait. */
long pipe_write(struct file *f, struct uio *u)
{
	struct pipe *p = f->pipe;
	if (!u->resid)
		return 0;
	int err = pipe_lock(p);
	if (err)
		return err;
	long done = p->readers ? merge(p, u) : 0;
	while (done >= 0 && u->resid && !u->fault) {
		long n = 0;
		if (!p->readers) {
			if (!(u->rwf & RWF_NOSIGNAL))
				signal_send(myproc(), SIGPIPE);
			n = -EPIPE;
		} else if (!pipe_full(p)) {
			n = fill(p, u);
		} else if (uio_nowait(f, u)) {
			n = -EAGAIN;
		} else {
			pipe_unlock(p);
			pipe_wake(&p->readq);
			err = waitq_sleep(&p->writeq, 0) ? -ERESTARTSYS : pipe_lock(p);
			if (err)
				return done ? done : err;
		}
		if (n < 0) {
			done = done ? done : n;
			break;
		}
		done += n;
	}
	pipe_unlock(p);
	if (done > 0)
		pipe_wake(&p->readq);
	return done;
}

void pipe_close(struct file *f)
{
	struct pipe *p = f->pipe;
	if (file_writable(f)) {
		p->writers--;
		pipe_wake(&p->readq); /* readers see the end of file */
	} else {
		p->readers--;
		pipe_wake(&p->writeq); /* writers see EPIPE */
	}
	if (!p->readers && !p->writers) {
		for (; !pipe_empty(p); p->tail++)
			frame_free(slot(p, p->tail)->page);
		if (p->spare)
			frame_free(p->spare);
		kfree(p);
		acct_add(ACCT_PIPES, -1);
	}
}

/* Linux's pipe_poll: the read end is readable while bytes wait and hung up
 * (POLLHUP) once no writer is left; the write end is writable while a slot
 * is free and in error (POLLERR) once no reader is left. */
u32 pipe_poll(struct file *f, UNUSED struct poll_table *pt)
{
	const struct pipe *p = f->pipe;
	u32 mask = 0;
	if (file_readable(f)) {
		if (!pipe_empty(p))
			mask |= POLLIN | POLLRDNORM;
		if (!p->writers)
			mask |= POLLHUP;
	}
	if (file_writable(f)) {
		if (!pipe_full(p))
			mask |= POLLOUT | POLLWRNORM;
		if (!p->readers)
			mask |= POLLERR;
	}
	return mask;
}

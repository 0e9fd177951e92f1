/* kernel/pipe.c — pipes with Linux's semantics: a read returns what is
 * there (waiting only while the pipe is empty), 0 once every writer is
 * gone; a write of at most PIPE_BUF bytes goes in whole or waits; a write
 * with no reader left gets SIGPIPE and EPIPE; O_NONBLOCK turns every wait
 * into EAGAIN. Each side is woken whenever the other moves bytes or closes.
 *
 * The buffer is a byte ring: nread and nwritten count every byte ever taken
 * out and put in, so their difference is what is buffered and neither
 * index ever needs resetting. */
#include "kernel/pipe.h"
#include "kernel/proc.h"
#include "kernel/signal.h"
#include "kernel/wait.h"
#include "mm/kheap.h"

struct pipe {
	struct inode inode; /* what fstat shows: S_IFIFO | 0600, as pipefs makes it */
	char *buf;          /* PIPE_SIZE bytes */
	u64 nread, nwritten;
	int readers, writers; /* open files of each end */
};

static size_t buffered(const struct pipe *p) { return p->nwritten - p->nread; }

/* The contiguous part of the ring from byte count pos, at most avail long. */
static size_t span(const struct pipe *p, u64 pos, size_t avail, char **at)
{
	size_t off = pos % PIPE_SIZE;
	*at = p->buf + off;
	return MIN(avail, PIPE_SIZE - off);
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
	char *buf = kmalloc(PIPE_SIZE);
	if (!p || !buf) {
		kfree(p);
		kfree(buf);
		return -ENOMEM;
	}
	ramfs_init_inode(&p->inode, S_IFIFO | 0600, 0);
	p->buf = buf;
	ends[0] = end_alloc(p, O_RDONLY | flags);
	ends[1] = end_alloc(p, O_WRONLY | flags);
	if (!ends[0] || !ends[1]) {
		kfree(ends[0]);
		kfree(ends[1]);
		kfree(buf);
		kfree(p);
		return -ENOMEM;
	}
	p->readers = p->writers = 1;
	return 0;
}

/* Data that faults on its way out stays in the pipe: only what reached
 * the user is consumed (Linux, too, loses nothing: it consumes a buffer
 * only once it is copied whole). */
long pipe_read(struct file *f, struct uio *u)
{
	struct pipe *p = f->pipe;
	if (!u->resid)
		return 0;
	while (!buffered(p)) {
		if (!p->writers)
			return 0;
		if (uio_nowait(f, u))
			return -EAGAIN;
		int err = sleep_on(&p->nwritten, 0);
		if (err)
			return err;
	}
	size_t done = 0, n;
	char *at;
	while (u->resid && !u->fault && (n = span(p, p->nread, buffered(p), &at))) {
		size_t got = uio_copy_out(u, at, n);
		p->nread += got;
		done += got;
	}
	if (done)
		wakeup(&p->nread);
	return uio_result(u, done);
}

/* As much of u as there is room for; the readers are woken. */
static size_t fill(struct pipe *p, struct uio *u)
{
	size_t done = 0, n;
	char *at;
	while (u->resid && !u->fault && (n = span(p, p->nwritten, PIPE_SIZE - buffered(p), &at))) {
		size_t got = uio_copy_in(u, at, n);
		p->nwritten += got;
		done += got;
	}
	if (done)
		wakeup(&p->nwritten);
	return done;
}

/* A write that was interrupted, or found the readers gone, part way
 * returns what it wrote, as Linux's pipe_write does; SIGPIPE is sent
 * either way, unless pwritev2 said RWF_NOSIGNAL. */
long pipe_write(struct file *f, struct uio *u)
{
	struct pipe *p = f->pipe;
	size_t need = u->resid <= PIPE_BUF ? u->resid : 1; /* room to wait for */
	size_t done = 0;
	if (!u->resid)
		return 0;
	for (;;) {
		if (!p->readers) {
			if (!(u->rwf & RWF_NOSIGNAL))
				signal_send(myproc(), SIGPIPE);
			return done ? (long)done : -EPIPE;
		}
		if (PIPE_SIZE - buffered(p) >= need) {
			done += fill(p, u);
			if (!u->resid || u->fault)
				return uio_result(u, done);
			need = 1;
		}
		if (uio_nowait(f, u))
			return done ? (long)done : -EAGAIN;
		int err = sleep_on(&p->nread, 0);
		if (err)
			return done ? (long)done : err;
	}
}

void pipe_close(struct file *f)
{
	struct pipe *p = f->pipe;
	if (file_writable(f)) {
		p->writers--;
		wakeup(&p->nwritten); /* readers see the end of file */
	} else {
		p->readers--;
		wakeup(&p->nread); /* writers see EPIPE */
	}
	if (!p->readers && !p->writers) {
		kfree(p->buf);
		kfree(p);
	}
}

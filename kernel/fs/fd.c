/* kernel/fs/fd.c — descriptor tables (declared in kernel/fs/file.h): a process's
 * descriptors name shared files, and each has its close-on-exec bit, as in
 * Linux's fdtable. Descriptors are always the lowest free number, which is
 * what POSIX promises and shells count on (dup2-free redirection). */
#include "kernel/fs/file.h"
#include "kernel/ipc/mq.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "mm/kheap.h"

_Static_assert(NOFILE <= 64, "proc.cloexec has one bit per descriptor");

unsigned fd_limit(void)
{
	u64 cur = myproc()->rlim[RLIMIT_NOFILE].cur;
	return cur < NOFILE ? (unsigned)cur : NOFILE;
}

/* alloc_fd: only below the limit; descriptors above it (opened before it
 * was lowered) stay usable but are never handed out. */
int fd_reserve(unsigned from)
{
	struct proc *p = myproc();
	for (unsigned fd = from; fd < fd_limit(); fd++)
		if (!p->ofile[fd])
			return (int)fd;
	return -EMFILE;
}

static void set_cloexec(struct proc *p, unsigned fd, bool on)
{
	if (on)
		p->cloexec |= 1ul << fd;
	else
		p->cloexec &= ~(1ul << fd);
}

static void drop(struct proc *p, unsigned fd)
{
	struct file *f = p->ofile[fd];
	p->ofile[fd] = NULL;
	set_cloexec(p, fd, false);
	if (f && f->mq)
		mq_flush(f, p);
	if (f)
		file_close(f);
}

void fd_install(unsigned fd, struct file *f, bool cloexec)
{
	struct proc *p = myproc();
	drop(p, fd);
	p->ofile[fd] = f;
	set_cloexec(p, fd, cloexec);
}

struct file *fd_get(unsigned fd) { return fd < NOFILE ? myproc()->ofile[fd] : NULL; }

int fd_close(unsigned fd)
{
	if (!fd_get(fd))
		return -EBADF;
	drop(myproc(), fd);
	return 0;
}

bool fd_cloexec(unsigned fd) { return myproc()->cloexec >> fd & 1; }

void fd_set_cloexec(unsigned fd, bool on) { set_cloexec(myproc(), fd, on); }

/* The child shares every open file (offsets too), starts in the same
 * directory with the same umask, as fork(2) says, and runs the same file. */
void files_fork(struct proc *child, struct proc *parent)
{
	for (unsigned fd = 0; fd < NOFILE; fd++)
		if (parent->ofile[fd])
			child->ofile[fd] = file_dup(parent->ofile[fd]);
	child->cloexec = parent->cloexec;
	child->cwd = parent->cwd;
	if (child->cwd)
		ramfs_get(child->cwd);
	child->umask = parent->umask;
	proc_set_exe(child, parent->exe);
}

/* Also the working directory and the executable's name: all an exit leaves
 * of the process's files. */
void files_close_all(struct proc *p)
{
	for (unsigned fd = 0; fd < NOFILE; fd++)
		drop(p, fd);
	ramfs_put(p->cwd);
	p->cwd = NULL;
	proc_set_exe(p, NULL);
}

void proc_set_exe(struct proc *p, const char *name)
{
	kfree(p->exe);
	p->exe = NULL;
	if (name && (p->exe = kmalloc(strlen(name) + 1)))
		memcpy(p->exe, name, strlen(name) + 1);
}

void files_close_on_exec(struct proc *p)
{
	for (unsigned fd = 0; fd < NOFILE; fd++)
		if (p->cloexec >> fd & 1)
			drop(p, fd);
}

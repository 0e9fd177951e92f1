/* kernel/fd.c — descriptor tables (declared in kernel/file.h): a process's
 * descriptors name shared files, and each has its close-on-exec bit, as in
 * Linux's fdtable. Descriptors are always the lowest free number, which is
 * what POSIX promises and shells count on (dup2-free redirection). */
#include "kernel/file.h"
#include "kernel/proc.h"
#include "kernel/string.h"

_Static_assert(NOFILE <= 64, "proc.cloexec has one bit per descriptor");

int fd_reserve(unsigned from)
{
	struct proc *p = myproc();
	for (unsigned fd = from; fd < NOFILE; fd++)
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

/* The child shares every open file (offsets too) and starts in the same
 * directory, as fork(2) says. */
void files_fork(struct proc *child, struct proc *parent)
{
	for (unsigned fd = 0; fd < NOFILE; fd++)
		if (parent->ofile[fd])
			child->ofile[fd] = file_dup(parent->ofile[fd]);
	child->cloexec = parent->cloexec;
	memcpy(child->cwd, parent->cwd, sizeof(child->cwd));
}

void files_close_all(struct proc *p)
{
	for (unsigned fd = 0; fd < NOFILE; fd++)
		drop(p, fd);
}

void files_close_on_exec(struct proc *p)
{
	for (unsigned fd = 0; fd < NOFILE; fd++)
		if (p->cloexec >> fd & 1)
			drop(p, fd);
}

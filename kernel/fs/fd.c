/* kernel/fs/fd.c — descriptor tables (declared in kernel/fs/file.h): a process's
 * descriptors name shared files, and each has its close-on-exec bit, as in
 * Linux's fdtable. Descriptors are always the lowest free number, which is
 * what POSIX promises and shells count on (dup2-free redirection). */
#include "kernel/fs/file.h"
#include "kernel/accounting.h"
#include "kernel/ipc/mq.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "mm/kheap.h"

_Static_assert(NOFILE <= 64, "files.cloexec has one bit per descriptor");

unsigned fd_limit(void)
{
	u64 cur = myproc()->rlim[RLIMIT_NOFILE].cur;
	return cur < NOFILE ? (unsigned)cur : NOFILE;
}

/* alloc_fd: only below the limit; descriptors above it (opened before it
 * was lowered) stay usable but are never handed out. */
int fd_reserve(unsigned from)
{
	struct files *t = myproc()->files;
	for (unsigned fd = from; fd < fd_limit(); fd++)
		if (!t->ofile[fd])
			return (int)fd;
	return -EMFILE;
}

static void set_cloexec(struct files *t, unsigned fd, bool on)
{
	if (on)
		t->cloexec |= 1ul << fd;
	else
		t->cloexec &= ~(1ul << fd);
}

/* p is the process closing it: an mq notification it registered ends. */
static void drop(struct files *t, unsigned fd, const struct proc *p)
{
	struct file *f = t->ofile[fd];
	t->ofile[fd] = NULL;
	set_cloexec(t, fd, false);
	if (f && f->mq)
		mq_flush(f, p);
	if (f)
		file_close(f);
}

void fd_install(unsigned fd, struct file *f, bool cloexec)
{
	struct files *t = myproc()->files;
	drop(t, fd, myproc());
	t->ofile[fd] = f;
	set_cloexec(t, fd, cloexec);
}

struct file *fd_get(unsigned fd) { return fd < NOFILE ? myproc()->files->ofile[fd] : NULL; }

int fd_close(unsigned fd)
{
	if (!fd_get(fd))
		return -EBADF;
	drop(myproc()->files, fd, myproc());
	return 0;
}

bool fd_cloexec(unsigned fd) { return myproc()->files->cloexec >> fd & 1; }

void fd_set_cloexec(unsigned fd, bool on) { set_cloexec(myproc()->files, fd, on); }

/* A copy of t sharing every open file (offsets too), or NULL. */
static struct files *files_copy(const struct files *t)
{
	struct files *c = kmalloc(sizeof(*c));
	if (!c)
		return NULL;
	*c = (struct files){ .refs = 1, .cloexec = t ? t->cloexec : 0 };
	acct_add(ACCT_FD_TABLES, 1);
	for (unsigned fd = 0; t && fd < NOFILE; fd++)
		if (t->ofile[fd])
			c->ofile[fd] = file_dup(t->ofile[fd]);
	return c;
}

/* The last process using t is done with it (p: the one letting go). */
static void files_put(struct files *t, const struct proc *p)
{
	if (!t || --t->refs > 0)
		return;
	for (unsigned fd = 0; fd < NOFILE; fd++)
		drop(t, fd, p);
	kfree(t);
	acct_add(ACCT_FD_TABLES, -1);
}

static struct fs_struct *fs_copy(const struct fs_struct *fs)
{
	struct fs_struct *c = kmalloc(sizeof(*c));
	if (!c)
		return NULL;
	*c = (struct fs_struct){ .refs = 1, .cwd = fs ? fs->cwd : NULL, .umask = fs ? fs->umask : 022 };
	if (c->cwd)
		ramfs_get(c->cwd);
	return c;
}

static void fs_put(struct fs_struct *fs)
{
	if (!fs || --fs->refs > 0)
		return;
	ramfs_put(fs->cwd);
	kfree(fs);
}

int files_init(struct proc *p)
{
	p->files = files_copy(NULL);
	p->fs = fs_copy(NULL);
	return p->files && p->fs ? 0 : -ENOMEM;
}

/* fork(2): the child gets a copy of the table sharing every open file
 * (offsets too), starts in the same directory with the same umask, and runs
 * the same file; CLONE_FILES and CLONE_FS share the table and the directory
 * and umask instead, as Linux's copy_files and copy_fs. */
int files_fork(struct proc *child, struct proc *parent, bool share_files, bool share_fs)
{
	files_close_all(child); /* proc_alloc's empty ones */
	child->files = share_files ? parent->files : files_copy(parent->files);
	child->fs = share_fs ? parent->fs : fs_copy(parent->fs);
	if (share_files)
		child->files->refs++;
	if (share_fs)
		child->fs->refs++;
	proc_set_exe(child, parent->exe);
	return child->files && child->fs ? 0 : -ENOMEM;
}

/* Also the working directory and the executable's name: all an exit leaves
 * of the process's files. The table closes when its last user lets go. */
void files_close_all(struct proc *p)
{
	files_put(p->files, p);
	fs_put(p->fs);
	p->files = NULL;
	p->fs = NULL;
	proc_set_exe(p, NULL);
}


void proc_set_exe(struct proc *p, const char *name)
{
	kfree(p->exe);
	p->exe = NULL;
	if (name && (p->exe = kmalloc(strlen(name) + 1)))
		memcpy(p->exe, name, strlen(name) + 1);
}

int files_unshare(struct proc *p)
{
	if (p->files->refs == 1)
		return 0;
	struct files *own = files_copy(p->files);
	if (!own)
		return -ENOMEM;
	files_put(p->files, p);
	p->files = own;
	return 0;
}

void files_close_on_exec(struct proc *p)
{
	for (unsigned fd = 0; fd < NOFILE; fd++)
		if (p->files->cloexec >> fd & 1)
			drop(p->files, fd, p);
}

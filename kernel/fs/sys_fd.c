/* kernel/fs/sys_fd.c — the system calls that make and manage descriptors:
 * dup, dup2, dup3, fcntl, pipe, pipe2. Errors and their order are Linux's
 * (fs/file.c, fs/fcntl.c, fs/pipe.c). RLIMIT_NOFILE's soft limit bounds
 * every new descriptor (fd_limit: NOFILE is the most the table holds). */
#include "kernel/fs/pipe.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
/* What F_SETFL may change (Linux's SETFL_MASK, less what faultline lacks);
 * the rest of the argument is ignored. */
#define SETFL_MASK (O_APPEND | O_NONBLOCK)

static long dup_from(struct file *f, unsigned from, bool cloexec)
{
	int fd = fd_reserve(from);
	if (fd >= 0)
		fd_install((unsigned)fd, file_dup(f), cloexec);
	return fd;
}

SYSCALL1(dup, unsigned int, fd)
{
	struct file *f = fd_get(fd);
	return f ? dup_from(f, 0, false) : -EBADF;
}

/* ksys_dup3 after its flag checks: a target at or past the limit (EBADF),
 * then the source. Whatever newfd had is closed; the new one is not close-on-exec
 * unless asked. */
static long dup_to(unsigned oldfd, unsigned newfd, bool cloexec)
{
	if (newfd >= fd_limit())
		return -EBADF;
	struct file *f = fd_get(oldfd);
	if (!f)
		return -EBADF;
	fd_install(newfd, file_dup(f), cloexec);
	return newfd;
}

/* dup2 onto itself changes nothing (not even close-on-exec) once oldfd is
 * known to be open; dup3 refuses it. */
SYSCALL2(dup2, unsigned int, oldfd, unsigned int, newfd)
{
	if (oldfd == newfd)
		return fd_get(oldfd) ? (long)newfd : -EBADF;
	return dup_to(oldfd, newfd, false);
}

SYSCALL3(dup3, unsigned int, oldfd, unsigned int, newfd, int, flags)
{
	if (flags & ~O_CLOEXEC || oldfd == newfd)
		return -EINVAL;
	return dup_to(oldfd, newfd, flags & O_CLOEXEC);
}

/* An unknown command is EINVAL, after the descriptor is checked. */
SYSCALL3(fcntl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return arg >= fd_limit() ? -EINVAL : dup_from(f, (unsigned)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fd_cloexec(fd) ? FD_CLOEXEC : 0;
	case F_SETFD:
		fd_set_cloexec(fd, arg & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		return f->flags;
	case F_SETFL:
		f->flags = (f->flags & ~SETFL_MASK) | ((u32)arg & SETFL_MASK);
		return 0;
	default:
		return -EINVAL;
	}
}

/* As do_pipe2: both ends and both descriptors exist before the two ints
 * are copied out, but the descriptors are installed only after; if the
 * copy faults the files are closed and nothing was ever visible. The
 * second descriptor is the lowest free after the first, as Linux picks. */
SYSCALL2(pipe2, int __user *, ufds, int, flags)
{
	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	struct file *ends[2];
	int err = pipe_create((u32)flags & O_NONBLOCK, ends);
	if (err)
		return err;
	int fds[2] = { fd_reserve(0), -EMFILE };
	if (fds[0] >= 0)
		fds[1] = fd_reserve((unsigned)fds[0] + 1);
	err = fds[1] < 0 ? fds[1] : (int)copy_out(ufds, fds, sizeof(fds));
	if (err) {
		file_close(ends[0]);
		file_close(ends[1]);
		return err;
	}
	for (int i = 0; i < 2; i++)
		fd_install((unsigned)fds[i], ends[i], flags & O_CLOEXEC);
	return 0;
}

SYSCALL1(pipe, int __user *, ufds)
{
	return do_pipe2(ufds, 0);
}

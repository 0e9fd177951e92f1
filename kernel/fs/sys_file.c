/* kernel/fs/sys_file.c — the system calls that move data through open files:
 * read, write, readv, writev, pread64, pwrite64, preadv, pwritev, preadv2,
 * pwritev2, lseek, ioctl, ftruncate, and open, openat, close. Arguments are checked in the order Linux checks
 * them, so a call that breaks two rules gets Linux's errno; argument types
 * are Linux's (an fd is an unsigned int, so -1 is EBADF and high bits are
 * ignored). */
#include "kernel/fs/file.h"
#include "kernel/fs/path.h"
#include "kernel/fs/procfs.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "mm/kheap.h"

static bool mode_ok(const struct file *f, bool write)
{
	return write ? file_writable(f) : file_readable(f);
}

/* vfs_read/vfs_write: EBADF for the wrong access mode, then access_ok over
 * the whole count (even for /dev/null, which then never reads the buffer),
 * then the MAX_RW_COUNT cap. */
static long rw_at(struct file *f, void __user *buf, size_t count, bool write, u64 *pos)
{
	if (!mode_ok(f, write))
		return -EBADF;
	if (!access_ok(buf, count))
		return -EFAULT;
	struct iovec iov = { buf, MIN(count, MAX_RW_COUNT) };
	struct uio u = { .iov = &iov, .resid = iov.iov_len };
	return write ? file_write(f, &u, pos) : file_read(f, &u, pos);
}

static long rw_one(unsigned fd, void __user *buf, size_t count, bool write)
{
	struct file *f = fd_get(fd);
	return f ? rw_at(f, buf, count, write, &f->off) : -EBADF;
}

SYSCALL3(read, unsigned int, fd, char __user *, buf, size_t, count)
{
	return rw_one(fd, buf, count, false);
}

SYSCALL3(write, unsigned int, fd, const char __user *, buf, size_t, count)
{
	return rw_one(fd, (void __user *)buf, count, true);
}

/* ksys_pread64's order: a negative offset before the descriptor, and a
 * stream (ESPIPE) before the access mode. The file offset stays put. */
static long rw_pos(unsigned fd, void __user *buf, size_t count, i64 pos, bool write)
{
	if (pos < 0)
		return -EINVAL;
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (!file_seekable(f))
		return -ESPIPE;
	u64 off = (u64)pos;
	return rw_at(f, buf, count, write, &off);
}

SYSCALL4(pread64, unsigned int, fd, char __user *, buf, size_t, count, i64, pos)
{
	return rw_pos(fd, buf, count, pos, false);
}

SYSCALL4(pwrite64, unsigned int, fd, const char __user *, buf, size_t, count, i64, pos)
{
	return rw_pos(fd, (void __user *)buf, count, pos, true);
}

/* Linux's iovec_from_user (file.h): the array only, for readv and for both
 * sides of process_vm_readv/writev. */
long iovec_from_user(const struct iovec __user *uvec, u64 n, struct iovec **out)
{
	if (n > UIO_MAXIOV)
		return -EINVAL;
	struct iovec *iov = kmalloc(n * sizeof(*iov));
	if (!iov)
		return -ENOMEM;
	size_t bytes = n * sizeof(*iov);
	size_t whole = (bytes - copy_from_user(iov, uvec, bytes)) / sizeof(*iov);
	long err = whole < n ? -EFAULT : 0;
	for (size_t i = 0; i < whole; i++)
		if ((ssize_t)iov[i].iov_len < 0)
			err = -EINVAL;
	if (err)
		kfree(iov);
	else
		*out = iov;
	return err;
}

/* Linux's import_iovec: the array as iovec_from_user takes it, then every
 * segment must pass access_ok, and the total is capped at MAX_RW_COUNT
 * rather than refused. A single segment goes through import_ubuf instead,
 * which caps its length *before* access_ok. */
long import_iovec(const struct iovec __user *uvec, unsigned n, struct iovec **out, struct uio *u)
{
	struct iovec *iov;
	long err = iovec_from_user(uvec, n, &iov);
	if (err)
		return err;
	size_t total = 0;
	for (size_t i = 0; i < n && !err; i++) {
		size_t len = MIN(iov[i].iov_len, MAX_RW_COUNT - total);
		if (!access_ok(iov[i].iov_base, n == 1 ? len : iov[i].iov_len))
			err = -EFAULT;
		total += len;
	}
	if (err) {
		kfree(iov);
		return err;
	}
	*out = iov;
	*u = (struct uio){ .iov = iov, .resid = total };
	return 0;
}

/* kiocb_set_rw_flags, answered as tmpfs and Linux's pipes and devices
 * answer it: unknown flags, RWF_ATOMIC (no file here has atomic writes) and
 * RWF_DONTCACHE (nor a page cache) are EOPNOTSUPP; so is RWF_NOWAIT on a
 * tmpfs file, while pipes and devices take it. RWF_APPEND with
 * RWF_NOAPPEND is EINVAL. RWF_HIPRI, RWF_DSYNC and RWF_SYNC ask for nothing
 * that is not done anyway. */
#define RWF_HIPRI 0x1
#define RWF_DSYNC 0x2
#define RWF_SYNC 0x4
#define RWF_KNOWN (RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND | RWF_NOAPPEND | \
		   RWF_NOSIGNAL)

static long rw_flags_ok(const struct file *f, u32 rwf)
{
	if (rwf & ~RWF_KNOWN)
		return -EOPNOTSUPP;
	if (rwf & RWF_APPEND && rwf & RWF_NOAPPEND)
		return -EINVAL;
	if (rwf & RWF_NOWAIT && !f->pipe && !f->dev && !f->blk)
		return -EOPNOTSUPP;
	return 0;
}

/* vfs_readv/vfs_writev: the access mode, the iovec, and the flags only if
 * there is something to move (an empty transfer is 0 whatever they say).
 * A fault in a later segment ends the transfer with the bytes done so far. */
static long rw_vec_at(struct file *f, const struct iovec __user *uvec, unsigned n, bool write,
		      u64 *pos, u32 rwf)
{
	if (!mode_ok(f, write))
		return -EBADF;
	struct iovec *iov;
	struct uio u;
	long ret = import_iovec(uvec, n, &iov, &u);
	if (ret)
		return ret;
	u.rwf = rwf;
	if (u.resid && !(ret = rw_flags_ok(f, rwf)))
		ret = write ? file_write(f, &u, pos) : file_read(f, &u, pos);
	kfree(iov);
	return ret;
}

/* pos -1 is the file's own position (readv, and preadv2's rule); any other
 * must be one the file has (ESPIPE for a pipe), and stays the caller's. */
static long rw_vec(unsigned fd, const struct iovec __user *uvec, unsigned n, i64 pos, u32 rwf,
		   bool write)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (pos == -1)
		return rw_vec_at(f, uvec, n, write, &f->off, rwf);
	if (!file_seekable(f))
		return -ESPIPE;
	u64 off = (u64)pos;
	return rw_vec_at(f, uvec, n, write, &off, rwf);
}

/* import_iovec takes the count as an unsigned int: the upper half of the
 * register is ignored, so a count of 1 << 32 | 1 is 1. */
SYSCALL3(readv, unsigned int, fd, const struct iovec __user *, vec, unsigned int, vlen)
{
	return rw_vec(fd, vec, vlen, -1, 0, false);
}

SYSCALL3(writev, unsigned int, fd, const struct iovec __user *, vec, unsigned int, vlen)
{
	return rw_vec(fd, vec, vlen, -1, 0, true);
}

/* The offset comes in two registers for 32-bit callers' sake; on x86-64
 * the low one holds all of it and the high one is ignored (pos_from_hilo).
 * A negative offset is EINVAL before the descriptor is looked at. */
SYSCALL4(preadv, unsigned int, fd, const struct iovec __user *, vec, unsigned int, vlen, i64, pos)
{
	return pos < 0 ? -EINVAL : rw_vec(fd, vec, vlen, pos, 0, false);
}

SYSCALL4(pwritev, unsigned int, fd, const struct iovec __user *, vec, unsigned int, vlen, i64, pos)
{
	return pos < 0 ? -EINVAL : rw_vec(fd, vec, vlen, pos, 0, true);
}

/* As preadv, but an offset of -1 means the file position, and flags. */
SYSCALL6(preadv2, unsigned int, fd, const struct iovec __user *, vec, unsigned int, vlen, i64, pos,
	 u64, pos_high, u32, flags)
{
	(void)pos_high;
	return pos < -1 ? -EINVAL : rw_vec(fd, vec, vlen, pos, flags, false);
}

SYSCALL6(pwritev2, unsigned int, fd, const struct iovec __user *, vec, unsigned int, vlen, i64, pos,
	 u64, pos_high, u32, flags)
{
	(void)pos_high;
	return pos < -1 ? -EINVAL : rw_vec(fd, vec, vlen, pos, flags, true);
}

/* The last component, as Linux's open_last_lookups and do_open judge it.
 * Without O_CREAT: a trailing slash or O_DIRECTORY demands a directory, and
 * a final symlink is followed unless O_NOFOLLOW makes it ELOOP. With
 * O_CREAT: a trailing slash is EISDIR, an existing name is EEXIST under
 * O_EXCL (even a symlink), a directory (even ".") is EISDIR, and a symlink
 * is followed to create what it names. The mode loses the umask's bits. */
static int lookup_open(struct inode *start, const char *path, int flags, u32 mode,
		       struct inode **out)
{
	struct nameparts np;
	int links = 0;
	if (!(flags & O_CREAT)) {
		int err = path_resolve(start, path, !(flags & O_NOFOLLOW), &links, &np, out);
		if (!err && flags & O_DIRECTORY && !S_ISDIR((*out)->mode))
			err = -ENOTDIR;
		if (!err && S_ISLNK((*out)->mode))
			err = -ELOOP;
		return err;
	}
	for (;;) {
		int err = path_parent_links(start, path, &links, &np);
		if (err)
			return err;
		if (np.dots)
			return flags & O_EXCL ? -EEXIST : -EISDIR;
		if (np.slash)
			return -EISDIR;
		*out = ramfs_find(np.dir, np.name, np.len);
		if (!*out && procfs_contains(np.dir))
			return -ENOENT;
		if (!*out)
			return ramfs_create(np.dir, np.name, np.len,
					    S_IFREG | (mode & 07777 & ~myproc()->fs->umask), 0, out);
		if (flags & O_EXCL)
			return -EEXIST;
		if (!S_ISLNK((*out)->mode))
			return S_ISDIR((*out)->mode) ? -EISDIR : 0;
		if (flags & O_NOFOLLOW || ++links > MAXSYMLINKS)
			return -ELOOP;
		start = np.dir;
		path = ramfs_link_target(*out);
	}
}

/* may_open: a directory opened for writing, or with O_TRUNC, is EISDIR.
 * O_TRUNC empties a regular file even when opened read-only, as on Linux. */
static int open_inode(struct inode *ip, int flags, struct file **out)
{
	if (S_ISDIR(ip->mode) && ((flags & O_ACCMODE) != O_RDONLY || flags & O_TRUNC))
		return -EISDIR;
	int err = file_open(ip, flags, out);
	if (!err && S_ISREG(ip->mode) && flags & O_TRUNC)
		ramfs_truncate(ip, 0); /* shrinking cannot fail */
	return err;
}

/* do_sys_openat2's order: flags, the path name, a free descriptor (EMFILE
 * before any lookup error), then dirfd and the walk. Since Linux 6.4,
 * O_CREAT | O_DIRECTORY is EINVAL; other unknown flags are ignored. On
 * x86-64 every open is O_LARGEFILE (force_o_largefile), as F_GETFL shows. */
static long open_at(int dirfd, const char __user *upath, int flags, u32 mode)
{
	if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return -EINVAL;
	struct pathname pn;
	int err = pathname_get(upath, &pn);
	if (err)
		return err;
	struct inode *start, *ip;
	struct file *f;
	int fd = fd_reserve(0);
	err = fd < 0 ? fd : path_start(dirfd, pn.name, &start);
	if (!err)
		err = lookup_open(start, pn.name, flags, mode, &ip);
	pathname_put(&pn);
	if (!err)
		err = open_inode(ip, flags | O_LARGEFILE, &f);
	if (err)
		return err;
	fd_install((unsigned)fd, f, flags & O_CLOEXEC);
	return fd;
}

SYSCALL3(open, const char __user *, path, int, flags, unsigned short, mode)
{
	return open_at(AT_FDCWD, path, flags, mode);
}

SYSCALL4(openat, int, dirfd, const char __user *, path, int, flags, unsigned short, mode)
{
	return open_at(dirfd, path, flags, mode);
}

SYSCALL1(close, unsigned int, fd)
{
	return fd_close(fd);
}

SYSCALL3(lseek, unsigned int, fd, i64, off, unsigned int, whence)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	return file_lseek(f, off, whence);
}

SYSCALL3(ioctl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	return file_ioctl(f, cmd, arg);
}

/* do_ftruncate: a negative length before the descriptor; anything but a
 * regular file open for writing is EINVAL, not EBADF. */
SYSCALL2(ftruncate, unsigned int, fd, i64, length)
{
	if (length < 0)
		return -EINVAL;
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (!S_ISREG(f->ip->mode) || !file_writable(f))
		return -EINVAL;
	if (f->mq) { /* Linux's simple_setattr: only the size fstat shows */
		f->ip->size = (u64)length;
		return 0;
	}
	return ramfs_truncate(f->ip, (u64)length);
}

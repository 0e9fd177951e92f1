/* kernel/fs/sys_fs.c — the system calls about names rather than data: the stat
 * family, access, mkdir, unlink, rmdir, getdents64, getcwd, chdir, fchdir.
 * Checks come in the order Linux's namei and fs/stat.c make them, so the
 * errno for a call that breaks two rules is Linux's. Every process is root
 * (uid 0), which decides what access answers. */
#include "kernel/fs/dir.h"
#include "kernel/fs/path.h"
#include "kernel/fs/procfs.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "mm/kheap.h"

#define AT_REMOVEDIR 0x200
#define AT_NO_AUTOMOUNT 0x800
#define AT_STATX_SYNC_TYPE 0x6000
#define X_OK 1
#define ACCESS_MODES 7 /* F_OK (0) | X_OK | W_OK | R_OK */

static long stat_out(const struct inode *ip, struct stat __user *ust)
{
	struct stat st;
	stat_inode(ip, &st);
	return copy_out(ust, &st, sizeof(st));
}

SYSCALL2(fstat, unsigned int, fd, struct stat __user *, ust)
{
	struct file *f = fd_get(fd);
	return f ? stat_out(f->ip, ust) : -EBADF;
}

/* The name is looked up before the buffer is touched: a missing file is
 * ENOENT even with a bad buffer. lstat leaves a final symlink alone. */
static long stat_at(int dirfd, const char __user *upath, struct stat __user *ust, int flags)
{
	struct inode *ip;
	int err = path_at_flags(dirfd, upath, flags, &ip);
	return err ? err : stat_out(ip, ust);
}

SYSCALL2(stat, const char __user *, path, struct stat __user *, ust)
{
	return stat_at(AT_FDCWD, path, ust, 0);
}

SYSCALL2(lstat, const char __user *, path, struct stat __user *, ust)
{
	return stat_at(AT_FDCWD, path, ust, AT_SYMLINK_NOFOLLOW);
}

/* vfs_empty_path: since Linux 6.11 a NULL path with AT_EMPTY_PATH names
 * dirfd too (only for the stat calls). */
SYSCALL4(newfstatat, int, dirfd, const char __user *, path, struct stat __user *, ust, int, flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	struct inode *ip;
	if (!path && flags & AT_EMPTY_PATH) {
		int err = path_fd_inode(dirfd, &ip);
		return err ? err : stat_out(ip, ust);
	}
	return stat_at(dirfd, path, ust, flags);
}

/* Linux's generic_permission for root: reading and writing always pass,
 * searching a directory too, executing anything else needs some x bit. */
static long access_at(int dirfd, const char __user *upath, int mode)
{
	if (mode & ~ACCESS_MODES)
		return -EINVAL;
	struct inode *ip;
	int err = path_at(dirfd, upath, &ip);
	if (err)
		return err;
	if (mode & X_OK && !S_ISDIR(ip->mode) && !(ip->mode & 0111))
		return -EACCES;
	return 0;
}

SYSCALL2(access, const char __user *, path, int, mode)
{
	return access_at(AT_FDCWD, path, mode);
}

SYSCALL3(faccessat, int, dirfd, const char __user *, path, int, mode)
{
	return access_at(dirfd, path, mode);
}

/* filename_create: ".", ".." and "/" exist already; a trailing slash is
 * fine for a directory. The mode keeps its permission and sticky bits,
 * less the umask. */
static int make_dir(const struct nameparts *np, const void *mode)
{
	struct inode *ip;
	if (np->dots)
		return -EEXIST;
	u32 m = *(const u16 *)mode & 01777 & ~myproc()->fs->umask;
	if (procfs_contains(np->dir) && !ramfs_find(np->dir, np->name, np->len))
		return -ENOENT;
	return ramfs_create(np->dir, np->name, np->len, S_IFDIR | m, 0, &ip);
}

SYSCALL2(mkdir, const char __user *, path, unsigned short, mode)
{
	return path_change_at(AT_FDCWD, path, make_dir, &mode);
}

SYSCALL3(mkdirat, int, dirfd, const char __user *, path, unsigned short, mode)
{
	return path_change_at(dirfd, path, make_dir, &mode);
}

/* do_unlinkat: "." , ".." and "/" are EISDIR; with a trailing slash the
 * name must be a directory, so an existing file is ENOTDIR (and a
 * directory EISDIR, as always). */
static int unlink_name(const struct nameparts *np, UNUSED const void *arg)
{
	if (np->dots)
		return -EISDIR;
	struct inode *ip = ramfs_find(np->dir, np->name, np->len);
	if (np->slash && ip && !S_ISDIR(ip->mode))
		return -ENOTDIR;
	if (ip && procfs_contains(np->dir))
		return -EPERM;
	return ramfs_remove(np->dir, np->name, np->len, false);
}

/* do_rmdir: "." is EINVAL, ".." ENOTEMPTY, "/" EBUSY (a mount point). */
static int remove_dir(const struct nameparts *np, UNUSED const void *arg)
{
	if (np->dots)
		return np->len == 1 ? -EINVAL : np->len == 2 ? -ENOTEMPTY : -EBUSY;
	struct inode *ip = ramfs_find(np->dir, np->name, np->len);
	if (procfs_is_root(ip))
		return -EBUSY;
	if (ip && procfs_contains(np->dir))
		return -EPERM;
	return ramfs_remove(np->dir, np->name, np->len, true);
}

SYSCALL1(unlink, const char __user *, path)
{
	return path_change_at(AT_FDCWD, path, unlink_name, NULL);
}

SYSCALL1(rmdir, const char __user *, path)
{
	return path_change_at(AT_FDCWD, path, remove_dir, NULL);
}

SYSCALL3(unlinkat, int, dirfd, const char __user *, path, int, flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return path_change_at(dirfd, path, flags & AT_REMOVEDIR ? remove_dir : unlink_name, NULL);
}

SYSCALL3(getdents64, unsigned int, fd, void __user *, dirp, unsigned int, count)
{
	struct file *f = fd_get(fd);
	return f ? dir_getdents(f, dirp, count) : -EBADF;
}

/* The working directory is held, so it stays usable (if empty) after
 * someone removes it, and follows it when it is renamed. */
static long set_cwd(struct inode *ip)
{
	struct proc *p = myproc();
	if (!S_ISDIR(ip->mode))
		return -ENOTDIR;
	ramfs_get(ip);
	ramfs_put(p->fs->cwd);
	p->fs->cwd = ip;
	return 0;
}

SYSCALL1(chdir, const char __user *, path)
{
	struct inode *ip;
	int err = path_at(AT_FDCWD, path, &ip);
	return err ? err : set_cwd(ip);
}

SYSCALL1(fchdir, unsigned int, fd)
{
	struct file *f = fd_get(fd);
	return f ? set_cwd(f->ip) : -EBADF;
}

/* The length with its NUL, as the raw syscall returns it; ERANGE before
 * EFAULT; ENOENT once the directory has been removed. */
SYSCALL2(getcwd, char __user *, buf, unsigned long, size)
{
	struct inode *ip;
	char *cwd = kmalloc(PATH_MAX);
	if (!cwd)
		return -ENOMEM;
	path_cwd(&ip);
	long err = path_name(ip, cwd, PATH_MAX);
	size_t len = strlen(cwd) + 1;
	if (!err && len > size)
		err = -ERANGE;
	if (!err)
		err = copy_out(buf, cwd, len);
	kfree(cwd);
	return err ? err : (long)len;
}

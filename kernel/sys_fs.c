/* kernel/sys_fs.c — the system calls about names rather than data: the stat
 * family, access, mkdir, unlink, rmdir, getdents64, getcwd, chdir, fchdir.
 * Checks come in the order Linux's namei and fs/stat.c make them, so the
 * errno for a call that breaks two rules is Linux's. Every process is root
 * (uid 0), which decides what access answers. */
#include "kernel/dir.h"
#include "kernel/path.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "kernel/syscall.h"
#include "mm/kheap.h"

#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR 0x200
#define AT_NO_AUTOMOUNT 0x800
#define AT_EMPTY_PATH 0x1000
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

/* No symlinks, so lstat is stat. The name is looked up before the buffer
 * is touched: a missing file is ENOENT even with a bad buffer. */
static long stat_at(int dirfd, const char __user *upath, struct stat __user *ust)
{
	struct inode *ip;
	int err = path_at(dirfd, upath, &ip);
	return err ? err : stat_out(ip, ust);
}

SYSCALL2(stat, const char __user *, path, struct stat __user *, ust)
{
	return stat_at(AT_FDCWD, path, ust);
}

SYSCALL2(lstat, const char __user *, path, struct stat __user *, ust)
{
	return stat_at(AT_FDCWD, path, ust);
}

/* vfs_empty_path: since Linux 6.11 a NULL path counts as empty too. */
static bool empty_path(const char __user *upath)
{
	char c;
	return !upath || (get_user(c, upath) == 0 && c == '\0');
}

/* With AT_EMPTY_PATH an empty path names dirfd itself, whatever it is (a
 * pipe, a device) or, for AT_FDCWD, the working directory. */
SYSCALL4(newfstatat, int, dirfd, const char __user *, path, struct stat __user *, ust, int, flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if (!(flags & AT_EMPTY_PATH) || !empty_path(path))
		return stat_at(dirfd, path, ust);
	struct inode *ip;
	if (dirfd == AT_FDCWD) {
		int err = path_cwd(&ip);
		return err ? err : stat_out(ip, ust);
	}
	struct file *f = fd_get((unsigned)dirfd);
	return f ? stat_out(f->ip, ust) : -EBADF;
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

/* The calls that change a directory: the path is split before its last
 * component, which op then creates or removes. */
typedef int (*name_op)(const struct nameparts *np, u32 arg);

static long change_at(int dirfd, const char __user *upath, name_op op, u32 arg)
{
	char *path;
	struct inode *start;
	struct nameparts np;
	int err = path_from_user(upath, &path);
	if (err)
		return err;
	err = path_start(dirfd, path, &start);
	if (!err)
		err = path_parent(start, path, &np);
	if (!err)
		err = op(&np, arg);
	kfree(path);
	return err;
}

/* filename_create: ".", ".." and "/" exist already; a trailing slash is
 * fine for a directory. The mode keeps its permission and sticky bits,
 * less the umask. */
static int make_dir(const struct nameparts *np, u32 mode)
{
	struct inode *ip;
	if (np->dots)
		return -EEXIST;
	return ramfs_create(np->dir, np->name, np->len, S_IFDIR | (mode & 01777 & ~UMASK), 0, &ip);
}

SYSCALL2(mkdir, const char __user *, path, unsigned short, mode)
{
	return change_at(AT_FDCWD, path, make_dir, mode);
}

SYSCALL3(mkdirat, int, dirfd, const char __user *, path, unsigned short, mode)
{
	return change_at(dirfd, path, make_dir, mode);
}

/* do_unlinkat: "." , ".." and "/" are EISDIR; with a trailing slash the
 * name must be a directory, so an existing file is ENOTDIR (and a
 * directory EISDIR, as always). */
static int unlink_name(const struct nameparts *np, UNUSED u32 arg)
{
	if (np->dots)
		return -EISDIR;
	struct inode *ip = ramfs_find(np->dir, np->name, np->len);
	if (np->slash && ip && !S_ISDIR(ip->mode))
		return -ENOTDIR;
	return ramfs_remove(np->dir, np->name, np->len, false);
}

/* do_rmdir: "." is EINVAL, ".." ENOTEMPTY, "/" EBUSY (a mount point). */
static int remove_dir(const struct nameparts *np, UNUSED u32 arg)
{
	if (np->dots)
		return np->len == 1 ? -EINVAL : np->len == 2 ? -ENOTEMPTY : -EBUSY;
	return ramfs_remove(np->dir, np->name, np->len, true);
}

SYSCALL1(unlink, const char __user *, path)
{
	return change_at(AT_FDCWD, path, unlink_name, 0);
}

SYSCALL1(rmdir, const char __user *, path)
{
	return change_at(AT_FDCWD, path, remove_dir, 0);
}

SYSCALL3(unlinkat, int, dirfd, const char __user *, path, int, flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return change_at(dirfd, path, flags & AT_REMOVEDIR ? remove_dir : unlink_name, 0);
}

SYSCALL3(getdents64, unsigned int, fd, void __user *, dirp, unsigned int, count)
{
	struct file *f = fd_get(fd);
	return f ? dir_getdents(f, dirp, count) : -EBADF;
}

/* The working directory is kept as its absolute name, rebuilt from the
 * tree so that "..", "." and repeated slashes never pile up in it. */
static long set_cwd(struct inode *ip)
{
	struct proc *p = myproc();
	char name[sizeof(p->cwd)];
	if (!S_ISDIR(ip->mode))
		return -ENOTDIR;
	int err = path_name(ip, name, sizeof(name));
	if (!err)
		memcpy(p->cwd, name, sizeof(name));
	return err;
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
	long err = path_cwd(&ip);
	if (err)
		return err;
	const char *cwd = myproc()->cwd;
	size_t len = strlen(cwd) + 1;
	if (len > size)
		return -ERANGE;
	err = copy_out(buf, cwd, len);
	return err ? err : (long)len;
}

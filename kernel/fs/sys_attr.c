/* kernel/fs/sys_attr.c — the calls about an inode's attributes and its
 * filesystem rather than its data or names: chmod, fchmod, fchmodat, chown,
 * fchown, lchown, fchownat, umask, statfs, fstatfs, fsync, fdatasync. Every
 * process is root (CAP_CHOWN, CAP_FOWNER, CAP_FSETID), so no change is
 * refused for want of permission; the errors are the lookups' and the
 * descriptors', in Linux's order (fs/open.c, fs/statfs.c, fs/sync.c). */
#include "kernel/fs/file.h"
#include "kernel/fs/path.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"

#define S_ISUID 04000
#define S_ISGID 02000
#define S_IXGRP 00010
#define TMPFS_MAGIC 0x01021994
#define PIPEFS_MAGIC 0x50495045
#define ST_VALID 0x20 /* statfs's f_flags: the flags are filled in */

/* chmod_common: the permission bits, set-ID and sticky bits are replaced;
 * the file type stays. */
static long set_mode(struct inode *ip, u32 mode)
{
	ip->mode = (ip->mode & S_IFMT) | (mode & 07777);
	return 0;
}

SYSCALL2(fchmod, unsigned int, fd, unsigned short, mode)
{
	struct file *f = fd_get(fd);
	return f ? set_mode(f->ip, mode) : -EBADF;
}

SYSCALL3(fchmodat, int, dirfd, const char __user *, path, unsigned short, mode)
{
	struct inode *ip;
	int err = path_at(dirfd, path, &ip);
	return err ? err : set_mode(ip, mode);
}

SYSCALL2(chmod, const char __user *, path, unsigned short, mode)
{
	return do_fchmodat(AT_FDCWD, path, mode);
}

/* chown_common: -1 leaves an id as it is. Any chown of something that is
 * not a directory clears set-user-ID, and set-group-ID when group execute
 * is on (without it the bit marks mandatory locking and stays), even for
 * root and even when neither id changes (ATTR_KILL_SUID, ATTR_KILL_SGID). */
static long set_owner(struct inode *ip, u32 uid, u32 gid)
{
	if (uid != (u32)-1)
		ip->uid = uid;
	if (gid != (u32)-1)
		ip->gid = gid;
	if (!S_ISDIR(ip->mode)) {
		ip->mode &= ~S_ISUID;
		if ((ip->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			ip->mode &= ~S_ISGID;
	}
	return 0;
}

SYSCALL3(fchown, unsigned int, fd, u32, uid, u32, gid)
{
	struct file *f = fd_get(fd);
	return f ? set_owner(f->ip, uid, gid) : -EBADF;
}

/* do_fchownat: unknown flags first, then the lookup. */
SYSCALL5(fchownat, int, dirfd, const char __user *, path, u32, uid, u32, gid, int, flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct inode *ip;
	int err = path_at_flags(dirfd, path, flags, &ip);
	return err ? err : set_owner(ip, uid, gid);
}

SYSCALL3(chown, const char __user *, path, u32, uid, u32, gid)
{
	return do_fchownat(AT_FDCWD, path, uid, gid, 0);
}

SYSCALL3(lchown, const char __user *, path, u32, uid, u32, gid)
{
	return do_fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW);
}

/* Only the 0777 bits are kept; the old mask is the result. */
SYSCALL1(umask, int, mask)
{
	struct proc *p = myproc();
	u32 old = p->fs->umask;
	p->fs->umask = (u32)mask & 0777;
	return old;
}

/* Linux's x86-64 struct statfs. */
struct statfs {
	i64 f_type, f_bsize;
	u64 f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	i32 f_fsid[2];
	i64 f_namelen, f_frsize, f_flags, f_spare[4];
};
_Static_assert(sizeof(struct statfs) == 120, "struct statfs must match Linux x86-64");

/* tmpfs's answer with its default size: half of RAM in blocks and as many
 * inodes; free is what the files leave of that. A pipe is on pipefs. */
static long statfs_out(const struct file *f, struct statfs __user *ubuf)
{
	u64 pages, inodes, max;
	ramfs_usage(&pages, &inodes, &max);
	struct statfs s = {
		.f_type = f && f->pipe ? PIPEFS_MAGIC : TMPFS_MAGIC,
		.f_bsize = PAGE_SIZE,
		.f_blocks = max,
		.f_bfree = max > pages ? max - pages : 0,
		.f_files = max,
		.f_ffree = max > inodes ? max - inodes : 0,
		.f_namelen = NAME_MAX,
		.f_frsize = PAGE_SIZE,
		.f_flags = ST_VALID,
	};
	s.f_bavail = s.f_bfree;
	return copy_out(ubuf, &s, sizeof(s));
}

/* The name is looked up before the buffer is touched. */
SYSCALL2(statfs, const char __user *, path, struct statfs __user *, buf)
{
	struct inode *ip;
	int err = path_at(AT_FDCWD, path, &ip);
	return err ? err : statfs_out(NULL, buf);
}

SYSCALL2(fstatfs, unsigned int, fd, struct statfs __user *, buf)
{
	struct file *f = fd_get(fd);
	return f ? statfs_out(f, buf) : -EBADF;
}

/* Everything is in memory already: syncing is nothing to do. Files whose
 * Linux driver has no fsync (pipes, character devices, message queues)
 * are EINVAL. */
SYSCALL1(fsync, unsigned int, fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	return f->pipe || f->mq || S_ISCHR(f->ip->mode) ? -EINVAL : 0;
}

SYSCALL1(fdatasync, unsigned int, fd)
{
	return do_fsync(fd);
}

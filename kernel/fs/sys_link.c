/* kernel/fs/sys_link.c — the calls that add names for inodes or move them:
 * link, linkat, symlink, symlinkat, readlink, readlinkat, rename, renameat,
 * renameat2. Each checks in the order Linux's fs/namei.c does, so a call
 * that breaks two rules gets Linux's errno: the old name is walked (and its
 * errors reported) before the new one is even copied in. */
#include "kernel/fs/path.h"
#include "kernel/fs/procfs.h"
#include "kernel/string.h"
#include "kernel/syscall.h"

#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4

/* filename_create: ".", ".." and "/" exist already; a long name is
 * ENAMETOOLONG, an existing one EEXIST, and a missing one with a trailing
 * slash ENOENT (only mkdir may end in a slash). */
static int new_name(const struct nameparts *np)
{
	if (np->dots)
		return -EEXIST;
	if (np->len > NAME_MAX)
		return -ENAMETOOLONG;
	if (ramfs_find(np->dir, np->name, np->len))
		return -EEXIST;
	return np->slash || procfs_contains(np->dir) ? -ENOENT : 0;
}

static int make_symlink(const struct nameparts *np, const void *target)
{
	int err = new_name(np);
	return err ? err : ramfs_symlink(np->dir, np->name, np->len, target);
}

/* The target is copied in (and refused: EFAULT, ENAMETOOLONG, ENOENT when
 * empty) before the new name is looked at. Nothing checks what it names. */
SYSCALL3(symlinkat, const char __user *, utarget, int, dirfd, const char __user *, path)
{
	struct pathname target;
	int err = pathname_get(utarget, &target);
	if (err)
		return err;
	err = path_change_at(dirfd, path, make_symlink, target.name);
	pathname_put(&target);
	return err;
}

SYSCALL2(symlink, const char __user *, target, const char __user *, path)
{
	return do_symlinkat(target, AT_FDCWD, path);
}

/* bufsiz first; anything but a symlink is EINVAL. The name may be empty,
 * for an O_PATH descriptor of a symlink; faultline has no O_PATH, so an
 * empty name never names one: ENOENT, after dirfd is checked. The target
 * is not NUL-terminated and is cut to bufsiz bytes. */
SYSCALL4(readlinkat, int, dirfd, const char __user *, path, char __user *, buf, int, bufsiz)
{
	if (bufsiz <= 0)
		return -EINVAL;
	struct inode *ip;
	int err = path_at_flags(dirfd, path, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, &ip);
	if (err)
		return err;
	if (!S_ISLNK(ip->mode))
		return path_empty(path) ? -ENOENT : -EINVAL;
	const char *target = ramfs_link_target(ip);
	size_t n = MIN(strlen(target), (size_t)bufsiz);
	err = (int)copy_out(buf, target, n);
	return err ? err : (long)n;
}

SYSCALL3(readlink, const char __user *, path, char __user *, buf, int, bufsiz)
{
	return do_readlinkat(AT_FDCWD, path, buf, bufsiz);
}

/* vfs_link, after filename_create: a removed directory takes no names,
 * a directory gets no second one (EPERM). Pipes live on no filesystem
 * here: linking one (through AT_EMPTY_PATH) crosses filesystems. */
static int make_link(const struct nameparts *np, const void *ip)
{
	const struct inode *old = ip;
	int err = new_name(np);
	if (err)
		return err;
	if ((old->mode & S_IFMT) == S_IFIFO)
		return -EXDEV;
	return ramfs_link(np->dir, np->name, np->len, (struct inode *)old);
}

/* A final symlink is linked itself unless AT_SYMLINK_FOLLOW. */
SYSCALL5(linkat, int, olddirfd, const char __user *, oldpath, int, newdirfd,
	 const char __user *, newpath, int, flags)
{
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	int how = (flags & AT_EMPTY_PATH) | (flags & AT_SYMLINK_FOLLOW ? 0 : AT_SYMLINK_NOFOLLOW);
	struct inode *ip;
	int err = path_at_flags(olddirfd, oldpath, how, &ip);
	return err ? err : path_change_at(newdirfd, newpath, make_link, ip);
}

SYSCALL2(link, const char __user *, oldpath, const char __user *, newpath)
{
	return do_linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

/* Whether directory top is dir or one of its ancestors. */
static bool contains(const struct inode *top, const struct inode *dir)
{
	for (;; dir = dir->parent) {
		if (dir == top)
			return true;
		if (dir == ramfs_root())
			return false;
	}
}

/* vfs_rename's checks once both names are found: replacing needs the same
 * kind (EISDIR, ENOTDIR), a directory only replaces an empty one. */
static int replace(const struct nameparts *o, struct dentry *od, const struct nameparts *n,
		   struct dentry *nd, u32 flags)
{
	bool isdir = S_ISDIR(od->ip->mode);
	if (nd && nd->ip == od->ip)
		return 0; /* two names of one inode: nothing to do */
	if (!nd && !n->dir->nlink)
		return -ENOENT;
	if (flags & RENAME_EXCHANGE) {
		ramfs_exchange(o->dir, od, n->dir, nd);
		return 0;
	}
	if (nd && isdir != S_ISDIR(nd->ip->mode))
		return isdir ? -ENOTDIR : -EISDIR;
	if (nd && nd->ip->entries)
		return -ENOTEMPTY;
	return ramfs_rename(o->dir, od, n->dir, n->name, n->len);
}

/* do_renameat2 once both parents are walked: ".", ".." and "/" cannot
 * move or be replaced (EBUSY), then the names are found, then trailing
 * slashes judged, then no directory may move into itself (EINVAL) or over
 * one of its own ancestors (ENOTEMPTY). */
static int rename_names(const struct nameparts *o, const struct nameparts *n, u32 flags)
{
	if (o->dots)
		return -EBUSY;
	if (n->dots)
		return flags & RENAME_NOREPLACE ? -EEXIST : -EBUSY;
	if (o->len > NAME_MAX)
		return -ENAMETOOLONG;
	struct dentry *od = ramfs_lookup(o->dir, o->name, o->len), *nd;
	if (!od)
		return -ENOENT;
	if (n->len > NAME_MAX)
		return -ENAMETOOLONG;
	nd = ramfs_lookup(n->dir, n->name, n->len);
	if (flags & RENAME_NOREPLACE && nd)
		return -EEXIST;
	if (flags & RENAME_EXCHANGE && !nd)
		return -ENOENT;
	if (flags & RENAME_EXCHANGE && !S_ISDIR(nd->ip->mode) && n->slash)
		return -ENOTDIR;
	if (!S_ISDIR(od->ip->mode) && (o->slash || (!(flags & RENAME_EXCHANGE) && n->slash)))
		return -ENOTDIR;
	if (S_ISDIR(od->ip->mode) && o->dir != n->dir && contains(od->ip, n->dir))
		return -EINVAL;
	if (nd && S_ISDIR(nd->ip->mode) && o->dir != n->dir && contains(nd->ip, o->dir))
		return flags & RENAME_EXCHANGE ? -EINVAL : -ENOTEMPTY;
	if (procfs_is_root(od->ip) || (nd && procfs_is_root(nd->ip)))
		return -EBUSY;
	if (procfs_contains(o->dir) != procfs_contains(n->dir))
		return -EXDEV; /* /proc is a filesystem of its own on Linux */
	if (procfs_contains(o->dir))
		return nd ? -EPERM : -ENOENT;
	return replace(o, od, n, nd, flags);
}

/* One name, copied into *pn and walked to its parent *np (which points
 * into pn->name): 0, and the caller puts *pn when done with *np; or an
 * errno, and nothing is held. */
static int parent_of(int dirfd, const char __user *upath, struct pathname *pn, struct nameparts *np)
{
	struct inode *start;
	int err = pathname_get(upath, pn);
	if (err)
		return err;
	err = path_start(dirfd, pn->name, &start);
	if (!err)
		err = path_parent(start, pn->name, np);
	if (err)
		pathname_put(pn);
	return err;
}

/* RENAME_WHITEOUT needs a character device faultline cannot make: EINVAL,
 * as for a filesystem that does not support it. */
SYSCALL5(renameat2, int, olddirfd, const char __user *, oldpath, int, newdirfd,
	 const char __user *, newpath, unsigned int, flags)
{
	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE) ||
	    (flags & RENAME_NOREPLACE && flags & RENAME_EXCHANGE))
		return -EINVAL;
	struct pathname old, new;
	struct nameparts o, n;
	int err = parent_of(olddirfd, oldpath, &old, &o);
	if (err)
		return err;
	err = parent_of(newdirfd, newpath, &new, &n);
	if (!err) {
		err = rename_names(&o, &n, flags);
		pathname_put(&new);
	}
	pathname_put(&old);
	return err;
}

SYSCALL4(renameat, int, olddirfd, const char __user *, oldpath, int, newdirfd,
	 const char __user *, newpath)
{
	return do_renameat2(olddirfd, oldpath, newdirfd, newpath, 0);
}

SYSCALL2(rename, const char __user *, oldpath, const char __user *, newpath)
{
	return do_renameat2(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

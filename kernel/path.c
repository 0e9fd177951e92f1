/* kernel/path.c — path name lookup, with the errors Linux's namei gives:
 * ENOENT for a missing component, ENOTDIR for walking through (or a trailing
 * slash after) something that is not a directory, ENAMETOOLONG for a
 * component over NAME_MAX. "." and ".." are resolved by name, as Linux does
 * (no symlinks here, so "a/.." is simply the directory holding a). A
 * process's working directory is its absolute name (proc.cwd), looked up
 * again for every relative path; path_name makes such a name. */
#include "kernel/path.h"
#include "kernel/file.h"
#include "kernel/proc.h"
#include "kernel/string.h"
#include "mm/kheap.h"

/* One step from dir. An empty name (the root, "/") is dir itself. */
int path_step(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (len == 0 || (len == 1 && name[0] == '.')) {
		*out = dir;
		return 0;
	}
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		*out = dir->parent;
		return 0;
	}
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	*out = ramfs_find(dir, name, len);
	return *out ? 0 : -ENOENT;
}

static bool is_dots(const char *name, size_t len)
{
	return len == 0 || (len == 1 && name[0] == '.') ||
	       (len == 2 && name[0] == '.' && name[1] == '.');
}

/* Walk every component but the last, which is left for the caller to look
 * up or create. Runs of slashes count as one. */
int path_parent(struct inode *start, const char *path, struct nameparts *np)
{
	if (!*path)
		return -ENOENT;
	struct inode *dir = *path == '/' ? ramfs_root() : start;
	const char *p = path;
	for (;;) {
		while (*p == '/')
			p++;
		const char *name = p;
		while (*p && *p != '/')
			p++;
		const char *rest = p;
		while (*rest == '/')
			rest++;
		if (!*rest) {
			*np = (struct nameparts){ dir, name, (size_t)(p - name),
						  is_dots(name, (size_t)(p - name)), *p == '/' };
			return S_ISDIR(dir->mode) ? 0 : -ENOTDIR;
		}
		int err = path_step(dir, name, (size_t)(p - name), &dir);
		if (err)
			return err;
	}
}

int path_lookup(struct inode *start, const char *path, struct inode **out)
{
	struct nameparts np;
	int err = path_parent(start, path, &np);
	if (!err)
		err = path_step(np.dir, np.name, np.len, out);
	if (!err && np.slash && !S_ISDIR((*out)->mode))
		err = -ENOTDIR;
	return err;
}

/* The process keeps its working directory as a path; outside a process
 * (kernel threads, self-tests) it is the root. */
int path_cwd(struct inode **out)
{
	struct proc *p = myproc();
	if (!p || !p->cwd[0]) {
		*out = ramfs_root();
		return 0;
	}
	return path_lookup(ramfs_root(), p->cwd, out);
}

/* As Linux's path_init: an absolute path ignores dirfd entirely, even an
 * invalid one; otherwise dirfd must be AT_FDCWD or an open directory. */
int path_start(int dirfd, const char *path, struct inode **out)
{
	if (*path == '/') {
		*out = ramfs_root();
		return 0;
	}
	if (dirfd == AT_FDCWD)
		return path_cwd(out);
	struct file *f = fd_get((unsigned)dirfd);
	if (!f)
		return -EBADF;
	if (!S_ISDIR(f->ip->mode))
		return -ENOTDIR;
	*out = f->ip;
	return 0;
}

/* Linux's getname: EFAULT, then ENAMETOOLONG when no NUL comes within
 * PATH_MAX bytes, then ENOENT for the empty path. */
int path_from_user(const char __user *upath, char **out)
{
	char *buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	long len = strncpy_from_user(buf, upath, PATH_MAX);
	int err = len < 0 ? -EFAULT : len == PATH_MAX ? -ENAMETOOLONG : len == 0 ? -ENOENT : 0;
	if (err) {
		kfree(buf);
		return err;
	}
	*out = buf;
	return 0;
}

int path_at(int dirfd, const char __user *upath, struct inode **out)
{
	char *path;
	struct inode *start;
	int err = path_from_user(upath, &path);
	if (err)
		return err;
	err = path_start(dirfd, path, &start);
	if (!err)
		err = path_lookup(start, path, out);
	kfree(path);
	return err;
}

/* Built from the end, as Linux's d_path does: each directory's name in its
 * parent, up to the root. A removed directory has no name: ENOENT, which
 * is what getcwd says in one. */
int path_name(struct inode *ip, char *buf, size_t size)
{
	size_t at = size - 1;
	buf[at] = '\0';
	for (; ip != ramfs_root(); ip = ip->parent) {
		struct dentry *de = ip->nlink ? ramfs_entry_of(ip->parent, ip) : NULL;
		if (!de)
			return -ENOENT;
		size_t len = strlen(de->name);
		if (len + 1 > at)
			return -ENAMETOOLONG;
		at -= len;
		memcpy(buf + at, de->name, len);
		buf[--at] = '/';
	}
	if (at == size - 1)
		buf[--at] = '/';
	memmove(buf, buf + at, size - at);
	return 0;
}

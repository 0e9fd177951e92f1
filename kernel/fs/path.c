/* kernel/fs/path.c — path name lookup, with the errors Linux's namei gives:
 * ENOENT for a missing component, ENOTDIR for walking through (or a trailing
 * slash after) something that is not a directory, ENAMETOOLONG for a
 * component over NAME_MAX, ELOOP past MAXSYMLINKS symlinks. "." and ".."
 * are resolved in the directory reached, after any symlink that led there,
 * as Linux does: "link/.." is the parent of the link's target. A symlink's
 * target is walked from the directory holding the link (from the root if
 * it is absolute). A process's working directory is an inode it holds
 * (proc.cwd); path_name makes its absolute name. */
#include "kernel/fs/path.h"
#include "kernel/fs/file.h"
#include "kernel/fs/procfs.h"
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
	if (*out)
		procfs_revalidate(dir, *out);
	else /* /proc/PID comes into being when it is looked up */
		*out = procfs_lookup(dir, name, len);
	return *out ? 0 : -ENOENT;
}

static bool is_dots(const char *name, size_t len)
{
	return len == 0 || (len == 1 && name[0] == '.') ||
	       (len == 2 && name[0] == '.' && name[1] == '.');
}

/* A symlink found in the middle of a path: what its target names. */
static int through_link(struct inode *dir, int *links, struct inode **ip)
{
	struct nameparts np;
	return path_resolve(dir, ramfs_link_target(*ip), true, links, &np, ip);
}

/* Walk every component but the last, which is left for the caller to look
 * up or create. Runs of slashes count as one. */
int path_parent_links(struct inode *start, const char *path, int *links, struct nameparts *np)
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
		struct inode *next;
		int err = path_step(dir, name, (size_t)(p - name), &next);
		if (!err && S_ISLNK(next->mode))
			err = ++*links > MAXSYMLINKS ? -ELOOP : through_link(dir, links, &next);
		if (err)
			return err;
		dir = next;
	}
}

int path_parent(struct inode *start, const char *path, struct nameparts *np)
{
	int links = 0;
	return path_parent_links(start, path, &links, np);
}

/* A final symlink is followed in a loop rather than by recursion, so a
 * chain of forty costs no kernel stack. */
int path_resolve(struct inode *start, const char *path, bool follow, int *links,
		 struct nameparts *np, struct inode **out)
{
	bool want_dir = false;
	for (;;) {
		int err = path_parent_links(start, path, links, np);
		if (!err)
			err = path_step(np->dir, np->name, np->len, out);
		if (err)
			return err;
		want_dir |= np->slash;
		if (!S_ISLNK((*out)->mode) || !(follow || np->slash))
			return want_dir && !S_ISDIR((*out)->mode) ? -ENOTDIR : 0;
		if (++*links > MAXSYMLINKS)
			return -ELOOP;
		start = np->dir;
		path = ramfs_link_target(*out);
	}
}

int path_walk(struct inode *start, const char *path, bool follow, struct inode **out)
{
	struct nameparts np;
	int links = 0;
	return path_resolve(start, path, follow, &links, &np, out);
}

int path_lookup(struct inode *start, const char *path, struct inode **out)
{
	return path_walk(start, path, true, out);
}

/* Outside a process (kernel threads, self-tests) it is the root. */
int path_cwd(struct inode **out)
{
	struct proc *p = myproc();
	*out = p && p->fs->cwd ? p->fs->cwd : ramfs_root();
	return 0;
}

int path_fd_inode(int dirfd, struct inode **out)
{
	if (dirfd == AT_FDCWD)
		return path_cwd(out);
	struct file *f = fd_get((unsigned)dirfd);
	if (!f)
		return -EBADF;
	*out = f->ip;
	return 0;
}

/* As Linux's path_init: an absolute path ignores dirfd entirely, even an
 * invalid one; otherwise dirfd must be AT_FDCWD or an open directory. */
int path_start(int dirfd, const char *path, struct inode **out)
{
	if (*path == '/') {
		*out = ramfs_root();
		return 0;
	}
	int err = path_fd_inode(dirfd, out);
	return !err && !S_ISDIR((*out)->mode) ? -ENOTDIR : err;
}

/* Linux's getname: EFAULT, then ENAMETOOLONG when no NUL comes within
 * PATH_MAX bytes, then ENOENT for the empty path. Most paths are short and
 * stay in pn->short_name, on the caller's stack: no heap block to take,
 * clear and free (a PATH_MAX block was two frames the heap zeroes, 8,000
 * instructions for an 18-byte name). A longer path goes on where the first
 * part stopped, into a PATH_MAX block; each user byte is still read once
 * (no double fetch). */
int pathname_get(const char __user *upath, struct pathname *pn)
{
	long len = strncpy_from_user(pn->short_name, upath, SHORT_PATH);
	pn->name = pn->short_name;
	if (len == SHORT_PATH) {
		char *buf = kmalloc(PATH_MAX);
		if (!buf)
			return -ENOMEM;
		memcpy(buf, pn->short_name, SHORT_PATH);
		long rest = strncpy_from_user(buf + SHORT_PATH, upath + SHORT_PATH, PATH_MAX - SHORT_PATH);
		len = rest < 0 ? rest : SHORT_PATH + rest;
		pn->name = buf;
	}
	int err = len < 0 ? -EFAULT : len == PATH_MAX ? -ENAMETOOLONG : len == 0 ? -ENOENT : 0;
	if (err)
		pathname_put(pn);
	return err;
}

void pathname_put(struct pathname *pn)
{
	if (pn->name != pn->short_name)
		kfree(pn->name);
}

int path_from_user(const char __user *upath, char **out)
{
	struct pathname pn;
	int err = pathname_get(upath, &pn);
	if (err)
		return err;
	if (pn.name != pn.short_name) {
		*out = pn.name; /* already a heap block of its own */
		return 0;
	}
	size_t n = strlen(pn.name) + 1;
	*out = kmalloc(n);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, pn.name, n);
	return 0;
}

static int walk_at(int dirfd, const char __user *upath, bool follow, struct inode **out)
{
	struct pathname pn;
	struct inode *start;
	int err = pathname_get(upath, &pn);
	if (err)
		return err;
	err = path_start(dirfd, pn.name, &start);
	if (!err)
		err = path_walk(start, pn.name, follow, out);
	pathname_put(&pn);
	return err;
}

int path_at(int dirfd, const char __user *upath, struct inode **out)
{
	return walk_at(dirfd, upath, true, out);
}

int path_change_at(int dirfd, const char __user *upath, name_op op, const void *arg)
{
	struct pathname pn;
	struct inode *start;
	struct nameparts np;
	int err = pathname_get(upath, &pn);
	if (err)
		return err;
	err = path_start(dirfd, pn.name, &start);
	if (!err)
		err = path_parent(start, pn.name, &np);
	if (!err)
		err = op(&np, arg);
	pathname_put(&pn);
	return err;
}

bool path_empty(const char __user *upath)
{
	char c;
	return get_user(c, upath) == 0 && c == '\0';
}

int path_at_flags(int dirfd, const char __user *upath, int flags, struct inode **out)
{
	if (flags & AT_EMPTY_PATH && path_empty(upath))
		return path_fd_inode(dirfd, out);
	return walk_at(dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW), out);
}

/* Prepends "/name" to the string ending at buf + *at. */
static int prepend(char *buf, size_t *at, const char *name)
{
	size_t len = strlen(name);
	if (len + 1 > *at)
		return -ENAMETOOLONG;
	*at -= len;
	memcpy(buf + *at, name, len);
	buf[--*at] = '/';
	return 0;
}

/* Built from the end, as Linux's d_path does: each directory's name in its
 * parent, up to the root. A removed directory has no name: ENOENT, which
 * is what getcwd says in one. */
static int name_from(struct inode *ip, char *buf, size_t size, size_t at)
{
	for (; ip != ramfs_root(); ip = ip->parent) {
		struct dentry *de = ip->nlink ? ramfs_entry_of(ip->parent, ip) : NULL;
		int err = de ? prepend(buf, &at, de->name) : -ENOENT;
		if (err)
			return err;
	}
	if (at == size - 1)
		buf[--at] = '/';
	memmove(buf, buf + at, size - at);
	return 0;
}

int path_name(struct inode *ip, char *buf, size_t size)
{
	buf[size - 1] = '\0';
	return name_from(ip, buf, size, size - 1);
}

int path_name_of(const struct nameparts *np, char *buf, size_t size)
{
	char name[NAME_MAX + 1];
	size_t at = size - 1;
	memcpy(name, np->name, np->len);
	name[np->len] = '\0';
	buf[at] = '\0';
	int err = np->dots ? 0 : prepend(buf, &at, name);
	return err ? err : name_from(np->dir, buf, size, at);
}

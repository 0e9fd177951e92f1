/* kernel/fs/ramfs.c — inodes, directories and file data, all in kernel memory.
 * Nothing here touches user memory or knows about paths: kernel/fs/path.c walks
 * names, kernel/fs/file.c moves bytes to and from user space. Sizes, link
 * counts and getdents positions follow tmpfs, so stat(2) and getdents(2)
 * show what they show on Linux. */
#include "kernel/fs/ramfs.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kheap.h"
#include "mm/layout.h"

/* tmpfs counts 20 bytes per entry, plus two for "." and "..". */
#define BOGO_DIRENT_SIZE 20
#define FIRST_COOKIE 3 /* DIR_OFFSET_MIN: 0, 1 and 2 are taken (ramfs.h) */

static void inode_free(struct inode *ip);

static struct inode *root;
static u64 next_ino = 1;
static u64 data_pages, inodes; /* statfs: what the tree's files hold */

void ramfs_init_inode(struct inode *ip, u32 mode, u32 rdev)
{
	*ip = (struct inode){
		.mode = mode,
		.rdev = rdev,
		.ino = next_ino++,
		.nlink = S_ISDIR(mode) ? 2 : 1,
		.size = S_ISDIR(mode) ? 2 * BOGO_DIRENT_SIZE : 0,
		.next_cookie = FIRST_COOKIE,
	};
}

static struct inode *inode_alloc(u32 mode, u32 rdev)
{
	struct inode *ip = kmalloc(sizeof(*ip));
	if (ip) {
		ramfs_init_inode(ip, mode, rdev);
		inodes++;
	}
	return ip;
}

/* Made on first use, so lookups work before (or without) an initramfs. */
struct inode *ramfs_root(void)
{
	if (!root) {
		root = inode_alloc(S_IFDIR | 0755, 0);
		if (!root)
			panic("ramfs: no memory for the root directory");
		root->parent = root;
	}
	return root;
}

static bool named(const struct dentry *de, const char *name, size_t len)
{
	return strncmp(de->name, name, len) == 0 && de->name[len] == '\0';
}

static struct dentry **slot(struct inode *dir, const char *name, size_t len)
{
	struct dentry **pp = &dir->entries;
	while (*pp && !named(*pp, name, len))
		pp = &(*pp)->next;
	return pp;
}

struct dentry *ramfs_lookup(struct inode *dir, const char *name, size_t len)
{
	return *slot(dir, name, len);
}

struct inode *ramfs_find(struct inode *dir, const char *name, size_t len)
{
	struct dentry *de = ramfs_lookup(dir, name, len);
	return de ? de->ip : NULL;
}

static struct dentry *dentry_alloc(const char *name, size_t len, struct inode *ip)
{
	struct dentry *de = kmalloc(sizeof(*de) + len + 1);
	if (de) {
		memcpy(de->name, name, len);
		de->ip = ip;
	}
	return de;
}

/* A directory holds its parent, so ".." stays valid after both are removed
 * while the child is still open (Linux's dentry holds its d_parent). */
static void adopt(struct inode *dir, struct inode *ip)
{
	if (S_ISDIR(ip->mode)) {
		ip->parent = dir;
		dir->ref++;
		dir->nlink++; /* the child's ".." */
	}
}

/* A directory moving elsewhere lets its old parent go. */
static void move_dir(struct inode *ip, struct inode *to)
{
	struct inode *from = ip->parent;
	adopt(to, ip);
	from->nlink--;
	ramfs_put(from);
}

/* The newest entry: the next getdents position. */
static void insert(struct inode *dir, struct dentry *de)
{
	de->cookie = dir->next_cookie++;
	de->next = dir->entries;
	dir->entries = de;
	dir->size += BOGO_DIRENT_SIZE;
}

static void unhook(struct inode *dir, struct dentry **pp)
{
	struct dentry *de = *pp;
	*pp = de->next;
	kfree(de);
	dir->size -= BOGO_DIRENT_SIZE;
}

/* A removed directory (nlink 0) takes no new names: ENOENT, as Linux's
 * IS_DEADDIR checks say. */
int ramfs_create(struct inode *dir, const char *name, size_t len, u32 mode, u32 rdev,
		 struct inode **out)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (!dir->nlink)
		return -ENOENT;
	if (ramfs_find(dir, name, len))
		return -EEXIST;
	struct inode *ip = inode_alloc(mode, rdev);
	struct dentry *de = dentry_alloc(name, len, ip);
	if (!ip || !de) {
		if (ip)
			inode_free(ip);
		kfree(de);
		return -ENOMEM;
	}
	insert(dir, de);
	adopt(dir, ip);
	*out = ip;
	return 0;
}

/* The target and a NUL are written; the size is the target's length. */
int ramfs_set_target(struct inode *ip, const char *target, size_t n)
{
	long w = ramfs_write(ip, 0, target, n);
	if (w >= 0)
		w = ramfs_write(ip, n, "", 1);
	return w < 0 ? (int)w : ramfs_truncate(ip, n);
}

int ramfs_symlink(struct inode *dir, const char *name, size_t len, const char *target)
{
	struct inode *ip;
	int err = ramfs_create(dir, name, len, S_IFLNK | 0777, 0, &ip);
	if (!err && (err = ramfs_set_target(ip, target, strlen(target))))
		ramfs_remove(dir, name, len, false);
	return err;
}

int ramfs_link(struct inode *dir, const char *name, size_t len, struct inode *ip)
{
	if (!dir->nlink)
		return -ENOENT;
	if (ramfs_find(dir, name, len))
		return -EEXIST;
	if (S_ISDIR(ip->mode))
		return -EPERM;
	if (!ip->nlink)
		return -ENOENT;
	struct dentry *de = dentry_alloc(name, len, ip);
	if (!de)
		return -ENOMEM;
	insert(dir, de);
	ip->nlink++;
	return 0;
}

const char *ramfs_link_target(const struct inode *ip)
{
	return ip->target ? ip->target() : ip->data;
}

/* A replaced directory is removed as rmdir removes it. */
int ramfs_rename(struct inode *odir, struct dentry *de, struct inode *ndir, const char *name,
		 size_t len)
{
	struct inode *ip = de->ip;
	struct dentry *moved = dentry_alloc(name, len, ip);
	if (!moved)
		return -ENOMEM;
	struct inode *old = ramfs_find(ndir, name, len);
	if (old)
		ramfs_remove(ndir, name, len, S_ISDIR(old->mode));
	struct dentry **pp = &odir->entries;
	while (*pp != de)
		pp = &(*pp)->next;
	unhook(odir, pp);
	insert(ndir, moved);
	if (S_ISDIR(ip->mode) && odir != ndir)
		move_dir(ip, ndir);
	return 0;
}

/* Each name keeps its getdents position (simple_offset_rename_exchange). */
void ramfs_exchange(struct inode *adir, struct dentry *a, struct inode *bdir, struct dentry *b)
{
	struct inode *ip = a->ip;
	a->ip = b->ip;
	b->ip = ip;
	if (adir == bdir)
		return;
	if (S_ISDIR(a->ip->mode))
		move_dir(a->ip, adir);
	if (S_ISDIR(b->ip->mode))
		move_dir(b->ip, bdir);
}

/* tmpfs's blocks: the pages a regular file's size covers. */
static u64 pages_of(const struct inode *ip)
{
	return S_ISREG(ip->mode) ? ALIGN_UP(ip->size, PAGE_SIZE) / PAGE_SIZE : 0;
}

static void set_size(struct inode *ip, u64 size)
{
	data_pages -= pages_of(ip);
	ip->size = size;
	data_pages += pages_of(ip);
}

void ramfs_walk(ramfs_visit visit, void *arg)
{
	static u64 walks;
	u64 walk = ++walks;
	struct inode *dir = ramfs_root();
	struct dentry *de = dir->entries;
	for (;;) {
		if (!de) { /* this directory is done: on with the next name in its parent */
			if (dir == ramfs_root())
				return;
			de = ramfs_entry_of(dir->parent, dir)->next;
			dir = dir->parent;
			continue;
		}
		bool first = de->ip->walk != walk;
		de->ip->walk = walk;
		visit(dir, de, first, arg);
		if (S_ISDIR(de->ip->mode) && de->ip->entries) {
			dir = de->ip;
			de = dir->entries;
		} else {
			de = de->next;
		}
	}
}

size_t ramfs_entry_bytes(const struct dentry *de, bool first)
{
	size_t bytes = kheap_size(de);
	if (first)
		bytes += kheap_size(de->ip) + kheap_size(de->ip->data);
	return bytes;
}

u64 ramfs_next_ino(void) { return next_ino; }

void ramfs_usage(u64 *pages, u64 *used_inodes)
{
	*pages = data_pages;
	*used_inodes = inodes;
}

static void inode_free(struct inode *ip)
{
	set_size(ip, 0);
	kfree(ip->data);
	if (S_ISDIR(ip->mode) && ip->parent)
		ramfs_put(ip->parent);
	kfree(ip);
	inodes--;
}

static void free_if_unused(struct inode *ip)
{
	if (!ip->nlink && !ip->ref)
		inode_free(ip);
}

void ramfs_get(struct inode *ip) { ip->ref++; }

void ramfs_put(struct inode *ip)
{
	if (!ip)
		return;
	ip->ref--;
	free_if_unused(ip);
}

/* The checks in Linux's order: the name (ENAMETOOLONG, ENOENT), then its
 * type (unlink of a directory is EISDIR, rmdir of anything else ENOTDIR),
 * then emptiness. A removed directory has no links at all: its own "."
 * went with it. */
int ramfs_remove(struct inode *dir, const char *name, size_t len, bool isdir)
{
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	struct dentry **pp = slot(dir, name, len);
	if (!*pp)
		return -ENOENT;
	struct inode *ip = (*pp)->ip;
	if (S_ISDIR(ip->mode) != isdir)
		return isdir ? -ENOTDIR : -EISDIR;
	if (ip->entries)
		return -ENOTEMPTY;
	unhook(dir, pp);
	if (isdir)
		dir->nlink--;
	ip->nlink = isdir ? 0 : ip->nlink - 1;
	free_if_unused(ip);
	return 0;
}

struct dentry *ramfs_entry_at(struct inode *dir, u64 pos)
{
	struct dentry *de = dir->entries;
	if (pos == DIR_POS_FIRST)
		return de;
	if (pos >= DIR_POS_EOD)
		return NULL;
	while (de && de->cookie > pos)
		de = de->next;
	return de;
}

struct dentry *ramfs_entry_of(struct inode *dir, struct inode *ip)
{
	struct dentry *de = dir->entries;
	while (de && de->ip != ip)
		de = de->next;
	return de;
}

/* Room for need bytes. Doubling keeps appends linear; tmpfs reports a full
 * filesystem as ENOSPC, and here memory is the filesystem's size. */
static int reserve(struct inode *ip, u64 need)
{
	if (need <= ip->cap)
		return 0;
	u64 cap = MAX(need, 2 * ip->cap);
	char *data = kmalloc(cap);
	if (!data && cap > need)
		data = kmalloc(cap = need);
	if (!data)
		return -ENOSPC;
	memcpy(data, ip->data, ip->size);
	kfree(ip->data);
	ip->data = data;
	ip->cap = cap;
	return 0;
}

long ramfs_read(struct inode *ip, u64 off, void *buf, size_t n)
{
	if (off >= ip->size)
		return 0;
	n = MIN(n, ip->size - off);
	memcpy(buf, ip->data + off, n);
	return (long)n;
}

/* Writing past the end leaves a hole that reads as zeros, as on Linux. */
long ramfs_write(struct inode *ip, u64 off, const void *buf, size_t n)
{
	if (n == 0)
		return 0;
	int err = reserve(ip, off + n);
	if (err)
		return err;
	memcpy(ip->data + off, buf, n);
	set_size(ip, MAX(ip->size, off + n));
	return (long)n;
}

int ramfs_truncate(struct inode *ip, u64 len)
{
	if (len < ip->size) {
		memset(ip->data + len, 0, ip->size - len);
	} else {
		int err = reserve(ip, len);
		if (err)
			return err;
	}
	set_size(ip, len);
	return 0;
}

/* kernel/ramfs.c — inodes, directories and file data, all in kernel memory.
 * Nothing here touches user memory or knows about paths: kernel/path.c walks
 * names, kernel/file.c moves bytes to and from user space. Sizes, link
 * counts and getdents positions follow tmpfs, so stat(2) and getdents(2)
 * show what they show on Linux. */
#include "kernel/ramfs.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kheap.h"

/* tmpfs counts 20 bytes per entry, plus two for "." and "..". */
#define BOGO_DIRENT_SIZE 20
#define FIRST_COOKIE 3 /* DIR_OFFSET_MIN: 0, 1 and 2 are taken (ramfs.h) */

static struct inode *root;
static u64 next_ino = 1;

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
	if (ip)
		ramfs_init_inode(ip, mode, rdev);
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

struct inode *ramfs_find(struct inode *dir, const char *name, size_t len)
{
	for (struct dentry *de = dir->entries; de; de = de->next)
		if (named(de, name, len))
			return de->ip;
	return NULL;
}

/* A directory holds its parent, so ".." stays valid after both are removed
 * while the child is still open (Linux's dentry holds its d_parent). */
static void link_entry(struct inode *dir, struct dentry *de)
{
	de->cookie = dir->next_cookie++;
	de->next = dir->entries;
	dir->entries = de;
	dir->size += BOGO_DIRENT_SIZE;
	if (S_ISDIR(de->ip->mode)) {
		de->ip->parent = dir;
		dir->ref++;
		dir->nlink++; /* the child's ".." */
	}
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
	struct dentry *de = kmalloc(sizeof(*de) + len + 1);
	if (!ip || !de) {
		kfree(ip);
		kfree(de);
		return -ENOMEM;
	}
	memcpy(de->name, name, len);
	de->ip = ip;
	link_entry(dir, de);
	*out = ip;
	return 0;
}

static void inode_free(struct inode *ip)
{
	kfree(ip->data);
	if (S_ISDIR(ip->mode))
		ramfs_put(ip->parent);
	kfree(ip);
}

static void free_if_unused(struct inode *ip)
{
	if (!ip->nlink && !ip->ref)
		inode_free(ip);
}

void ramfs_get(struct inode *ip) { ip->ref++; }

void ramfs_put(struct inode *ip)
{
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
	struct dentry **pp = &dir->entries;
	while (*pp && !named(*pp, name, len))
		pp = &(*pp)->next;
	struct dentry *de = *pp;
	if (!de)
		return -ENOENT;
	struct inode *ip = de->ip;
	if (S_ISDIR(ip->mode) != isdir)
		return isdir ? -ENOTDIR : -EISDIR;
	if (ip->entries)
		return -ENOTEMPTY;
	*pp = de->next;
	kfree(de);
	dir->size -= BOGO_DIRENT_SIZE;
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
	ip->size = MAX(ip->size, off + n);
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
	ip->size = len;
	return 0;
}

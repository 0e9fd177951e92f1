/* kernel/ramfs.c — inodes, directories and file data, all in kernel memory.
 * Nothing here touches user memory or knows about paths: kernel/path.c walks
 * names, kernel/file.c moves bytes to and from user space. Sizes and link
 * counts follow tmpfs, so stat(2) shows what it shows on Linux. */
#include "kernel/ramfs.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/kheap.h"

/* tmpfs counts 20 bytes per entry, plus two for "." and "..". */
#define BOGO_DIRENT_SIZE 20

static struct inode *root;
static u64 next_ino = 1;

static struct inode *inode_alloc(u32 mode, u32 rdev)
{
	struct inode *ip = kmalloc(sizeof(*ip));
	if (!ip)
		return NULL;
	ip->mode = mode;
	ip->rdev = rdev;
	ip->ino = next_ino++;
	ip->nlink = S_ISDIR(mode) ? 2 : 1;
	ip->size = S_ISDIR(mode) ? 2 * BOGO_DIRENT_SIZE : 0;
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

struct inode *ramfs_find(struct inode *dir, const char *name, size_t len)
{
	for (struct dentry *de = dir->entries; de; de = de->next)
		if (strncmp(de->name, name, len) == 0 && de->name[len] == '\0')
			return de->ip;
	return NULL;
}

static void link_entry(struct inode *dir, struct dentry *de)
{
	struct dentry **pp = &dir->entries;
	while (*pp)
		pp = &(*pp)->next;
	*pp = de;
	dir->size += BOGO_DIRENT_SIZE;
	if (S_ISDIR(de->ip->mode)) {
		de->ip->parent = dir;
		dir->nlink++; /* the child's ".." */
	}
}

int ramfs_create(struct inode *dir, const char *name, size_t len, u32 mode, u32 rdev,
		 struct inode **out)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
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

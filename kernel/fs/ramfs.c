/* kernel/fs/ramfs.c — inodes, directories and file data, all in memory.
 * A regular file's data is a shmem object (mm/shmem.h), as on tmpfs: page
 * frames by file offset, the same frames every mapping of the file maps, so
 * read(2), write(2) and mmap always agree (the page cache, docs/ipc.md).
 * Nothing here touches user memory or knows about paths: kernel/fs/path.c walks
 * names, kernel/fs/file.c moves bytes to and from user space. Sizes, link
 * counts and getdents positions follow tmpfs, so stat(2) and getdents(2)
 * show what they show on Linux. */
#include "kernel/fs/ramfs.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/frame.h"
#include "mm/kheap.h"
#include "mm/layout.h"
#include "mm/rmap.h"
#include "mm/shmem.h"

/* tmpfs counts 20 bytes per entry, plus two for "." and "..". */
#define BOGO_DIRENT_SIZE 20
#define FIRST_COOKIE 3 /* DIR_OFFSET_MIN: 0, 1 and 2 are taken (ramfs.h) */

static void inode_free(struct inode *ip);

static struct inode *root;
static u64 next_ino = 1;
static u64 data_pages, inodes; /* statfs: what the tree's files hold (their objects count pages) */

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

/* A regular file's data is a shmem object from the start, as on tmpfs. */
static struct inode *inode_alloc(u32 mode, u32 rdev)
{
	struct inode *ip = kmalloc(sizeof(*ip));
	if (!ip)
		return NULL;
	ramfs_init_inode(ip, mode, rdev);
	if (S_ISREG(mode) && !(ip->shm = shmem_new(&data_pages))) {
		kfree(ip);
		return NULL;
	}
	inodes++;
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

/* The target and a NUL are kept; the size is the target's length. */
int ramfs_set_target(struct inode *ip, const char *target, size_t n)
{
	char *copy = kmalloc(n + 1);
	if (!copy)
		return -ENOSPC;
	memcpy(copy, target, n);
	copy[n] = '\0';
	kfree(ip->data);
	ip->data = copy;
	ip->size = n;
	return 0;
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
		bytes += kheap_size(de->ip) + kheap_size(de->ip->data) + kheap_size(de->ip->shm);
	return bytes;
}

size_t ramfs_entry_frames(const struct dentry *de, bool first)
{
	return first && de->ip->shm ? shmem_frames(de->ip->shm) : 0;
}

u64 ramfs_next_ino(void) { return next_ino; }

/* tmpfs's default size: half of RAM. */
static u64 max_pages(void)
{
	return frames_usable() / 2;
}

void ramfs_usage(u64 *pages, u64 *used_inodes, u64 *max)
{
	*pages = data_pages;
	*used_inodes = inodes;
	*max = max_pages();
}

static void inode_free(struct inode *ip)
{
	if (ip->shm)
		shmem_put(ip->shm);
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

int ramfs_page(struct inode *ip, u64 index, bool alloc, u64 *pa)
{
	int err = shmem_page(ip->shm, index, false, pa);
	if (!err && !*pa && alloc)
		err = data_pages >= max_pages() ? -ENOSPC : shmem_page(ip->shm, index, true, pa);
	if (!err && *pa)
		frame_get(*pa);
	return err;
}

long ramfs_read(struct inode *ip, u64 off, void *buf, size_t n)
{
	if (off >= ip->size)
		return 0;
	n = MIN(n, ip->size - off);
	for (size_t done = 0, chunk; done < n; done += chunk) {
		u64 at = off + done, pa;
		chunk = MIN(n - done, PAGE_SIZE - at % PAGE_SIZE);
		int err = ramfs_page(ip, at / PAGE_SIZE, false, &pa);
		if (err)
			return done ? (long)done : err;
		if (pa) {
			memcpy((char *)buf + done, (char *)phys_to_virt(pa) + at % PAGE_SIZE, chunk);
			frame_free(pa);
		} else {
			memset((char *)buf + done, 0, chunk); /* a hole */
		}
	}
	return (long)n;
}

/* Bytes [from, end of its page) become zeros, if that page exists: what
 * lies past the end of a file is never seen when it grows again (Linux
 * zeroes the partial page on truncate). */
int ramfs_zero_tail(struct inode *ip, u64 from)
{
	u64 pa;
	if (from % PAGE_SIZE == 0)
		return 0;
	int err = ramfs_page(ip, from / PAGE_SIZE, false, &pa);
	if (!err && pa) {
		memset((char *)phys_to_virt(pa) + from % PAGE_SIZE, 0, PAGE_SIZE - from % PAGE_SIZE);
		frame_free(pa);
	}
	return err;
}

/* Writing past the end leaves a hole that reads as zeros and holds no
 * pages, as on tmpfs; a full filesystem (half of RAM, tmpfs's default
 * size) is ENOSPC. */
long ramfs_write(struct inode *ip, u64 off, const void *buf, size_t n)
{
	if (n == 0)
		return 0;
	int err = off > ip->size ? ramfs_zero_tail(ip, ip->size) : 0;
	size_t done = 0, chunk;
	for (; done < n && !err; done += chunk) {
		u64 at = off + done, pa;
		chunk = MIN(n - done, PAGE_SIZE - at % PAGE_SIZE);
		if ((err = ramfs_page(ip, at / PAGE_SIZE, true, &pa)))
			break;
		memcpy((char *)phys_to_virt(pa) + at % PAGE_SIZE, (const char *)buf + done, chunk);
		frame_free(pa);
	}
	if (!done)
		return err;
	ip->size = MAX(ip->size, off + done);
	return (long)done;
}

/* Shrinking takes the pages past the new end out of every mapping (a later
 * touch there is SIGBUS: mm/fault.c) and frees them. */
int ramfs_truncate(struct inode *ip, u64 len)
{
	if (len < ip->size) {
		u64 keep = ALIGN_UP(len, PAGE_SIZE) / PAGE_SIZE;
		rmap_unmap_object(ip->shm, keep);
		shmem_truncate(ip->shm, keep);
	}
	int err = ramfs_zero_tail(ip, MIN(len, ip->size));
	if (!err)
		ip->size = len;
	return err;
}

/* kernel/ramfs.h — the in-memory filesystem that holds the whole tree, as
 * Linux's rootfs (tmpfs) does when it runs from an initramfs. Inodes carry
 * Linux's st_mode bits so stat(2) can report them unchanged. */
#pragma once
#include "kernel/types.h"

#define NAME_MAX 255   /* longest path component */

/* Linux's S_IF* values (the file type half of st_mode). */
#define S_IFMT 0170000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFREG 0100000
#define S_IFLNK 0120000
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)

struct dentry {
	struct dentry *next;   /* in creation order, as getdents will list them */
	struct inode *ip;
	char name[];           /* NUL-terminated, at most NAME_MAX bytes */
};

struct inode {
	u32 mode;              /* S_IF* type | permission bits */
	u32 nlink;
	u64 ino;
	u64 size;              /* regular: data bytes; directory: tmpfs's bogus size */
	u32 rdev;              /* character device: Linux's encoded number (dev.h) */
	char *data;            /* regular: bytes [size, cap) are always zero */
	u64 cap;
	struct dentry *entries; /* directory */
	struct inode *parent;   /* directory: what ".." names; the root is its own */
};

struct inode *ramfs_root(void);
/* name[0..len) is one component, never "." or "..". */
struct inode *ramfs_find(struct inode *dir, const char *name, size_t len);
int ramfs_create(struct inode *dir, const char *name, size_t len, u32 mode, u32 rdev,
		 struct inode **out);

/* Regular files, with kernel buffers. */
long ramfs_read(struct inode *ip, u64 off, void *buf, size_t n);
long ramfs_write(struct inode *ip, u64 off, const void *buf, size_t n);
int ramfs_truncate(struct inode *ip, u64 len);

/* kernel/fs/ramfs.h — the in-memory filesystem that holds the whole tree, as
 * Linux's rootfs (tmpfs) does when it runs from an initramfs. Inodes carry
 * Linux's st_mode bits so stat(2) can report them unchanged. */
#pragma once
#include "kernel/types.h"

#define NAME_MAX 255   /* longest path component */
#define RAMFS_DEV 1    /* st_dev: an anonymous device number (major 0), as tmpfs has */

/* Linux's S_IF* values (the file type half of st_mode). */
#define S_IFMT 0170000
#define S_IFDIR 0040000
#define S_IFCHR 0020000
#define S_IFREG 0100000
#define S_IFLNK 0120000
#define S_IFIFO 0010000
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m) & S_IFMT) == S_IFLNK)

/* getdents positions, numbered as tmpfs numbers them (Linux 6.18): 0 is
 * ".", 1 is "..", 2 the newest entry. Entries get increasing cookies from 3
 * as they are created and are listed newest first; position c resumes at
 * the newest entry whose cookie is at most c, so removing or adding names
 * during a listing never makes it skip or repeat one. */
#define DIR_POS_FIRST 2
#define DIR_POS_EOD 0x7fffffffu /* end of directory: DIR_OFFSET_EOD */

struct dentry {
	struct dentry *next;   /* newest first, as getdents lists them */
	struct inode *ip;
	u64 cookie;            /* its getdents position */
	char name[];           /* NUL-terminated, at most NAME_MAX bytes */
};

/* An inode lives while a name links it (nlink) or something holds it
 * (ref): tmpfs keeps an unlinked file readable until its last close. */
struct inode {
	u32 mode;              /* S_IF* type | permission bits */
	u32 uid, gid;          /* the owner: root (0) unless chown said otherwise */
	u32 nlink;             /* 0: removed, freed when ref drops to 0 too */
	u32 ref;               /* open files, and child directories (their "..") */
	u64 ino;
	u64 size;              /* regular: data bytes; directory: tmpfs's bogus size */
	u32 rdev;              /* character device: Linux's encoded number (dev.h) */
	char *data;            /* symlink: its target, NUL-terminated */
	struct shmem *shm;     /* regular: the object whose pages hold the data (mm/shmem.h) */
	struct dentry *entries; /* directory */
	struct inode *parent;   /* directory: what ".." names; the root is its own */
	u64 next_cookie;        /* directory: what the next entry gets */
	const char *(*target)(void); /* a symlink whose target is made afresh (/proc/self/exe) */
	u64 walk;               /* the last ramfs_walk that met it */
};

struct inode *ramfs_root(void);
/* An inode outside the tree (a pipe's), in memory the caller owns. */
void ramfs_init_inode(struct inode *ip, u32 mode, u32 rdev);
/* name[0..len) is one component, never "." or "..". */
struct inode *ramfs_find(struct inode *dir, const char *name, size_t len);
int ramfs_create(struct inode *dir, const char *name, size_t len, u32 mode, u32 rdev,
		 struct inode **out);
/* A symlink to target (NUL-terminated), checked as ramfs_create checks. */
int ramfs_symlink(struct inode *dir, const char *name, size_t len, const char *target);
/* A symlink's target: target[0..n), not NUL-terminated. */
int ramfs_set_target(struct inode *ip, const char *target, size_t n);
/* A new name for ip (a hard link): EEXIST, ENOENT in a removed directory,
 * EPERM for a directory, ENOENT for an inode no name links any more. */
int ramfs_link(struct inode *dir, const char *name, size_t len, struct inode *ip);
const char *ramfs_link_target(const struct inode *ip); /* a symlink's, NUL-terminated */
/* rename's last step, every check made: de (in odir) moves to ndir as
 * name, replacing whatever ndir had under that name (an empty directory if
 * de is one). Only ENOMEM can fail it, and then nothing changed. */
int ramfs_rename(struct inode *odir, struct dentry *de, struct inode *ndir, const char *name,
		 size_t len);
/* RENAME_EXCHANGE: the two names swap the inodes they link. */
void ramfs_exchange(struct inode *adir, struct dentry *a, struct inode *bdir, struct dentry *b);
struct dentry *ramfs_lookup(struct inode *dir, const char *name, size_t len);
/* Every name in the tree, depth first and without recursion (the tree may
 * be deep): visit(dir, de, first, arg), first being true the first time
 * this walk meets de->ip (a file with several hard links has several
 * names). For the leak check, which tells files left behind from leaks. */
typedef void (*ramfs_visit)(struct inode *dir, struct dentry *de, bool first, void *arg);
void ramfs_walk(ramfs_visit visit, void *arg);
/* The heap bytes a name holds: its entry, and (first) its inode and data;
 * and the frames: (first) its data pages and their radix nodes. */
size_t ramfs_entry_bytes(const struct dentry *de, bool first);
size_t ramfs_entry_frames(const struct dentry *de, bool first);
u64 ramfs_next_ino(void); /* the inode number the next new inode gets */
/* statfs's figures: data pages in use (tmpfs's blocks), inodes, and the
 * size in pages (half of RAM, as tmpfs's default). */
void ramfs_usage(u64 *pages, u64 *inodes, u64 *max);
/* unlink (isdir false) or rmdir (isdir true) of one name in dir. */
int ramfs_remove(struct inode *dir, const char *name, size_t len, bool isdir);
void ramfs_get(struct inode *ip);
void ramfs_put(struct inode *ip);
/* The entry at getdents position pos (at least DIR_POS_FIRST), or NULL at the end. */
struct dentry *ramfs_entry_at(struct inode *dir, u64 pos);
/* The name dir gives ip (a directory linked there), or NULL. */
struct dentry *ramfs_entry_of(struct inode *dir, struct inode *ip);

/* Regular files, with kernel buffers: bytes read or written, or -ENOSPC,
 * -ENOMEM, -EIO (a page that cannot come back from swap). */
long ramfs_read(struct inode *ip, u64 off, void *buf, size_t n);
long ramfs_write(struct inode *ip, u64 off, const void *buf, size_t n);
int ramfs_truncate(struct inode *ip, u64 len);
/* Bytes [from, end of its page) of a regular file become zeros, if that page
 * exists: done before the file grows past from (0 or -EIO). */
int ramfs_zero_tail(struct inode *ip, u64 from);
/* The frame of page index of a regular file in *pa, held for the caller
 * (frame_free it when done: reclaim leaves a held page alone), or 0 for a
 * hole; with alloc a hole gets a zeroed page (-ENOSPC when the filesystem
 * is full). 0 or -errno. */
int ramfs_page(struct inode *ip, u64 index, bool alloc, u64 *pa);

/* kernel/fs/path.h — turning path names into inodes, with Linux's errors. */
#pragma once
#include "kernel/fs/ramfs.h"
#include "mm/uaccess.h"

#define PATH_MAX 4096  /* bytes, including the NUL */
#define MAXSYMLINKS 40 /* symlinks one lookup may follow: then ELOOP */
#define AT_FDCWD (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_SYMLINK_FOLLOW 0x400
#define AT_EMPTY_PATH 0x1000

/* A path split before its last component. */
struct nameparts {
	struct inode *dir;   /* where the last component lives: always a directory */
	const char *name;    /* the last component, not NUL-terminated */
	size_t len;
	bool dots;           /* ".", ".." or the root itself: names that are never created */
	bool slash;          /* trailing slash: the result must be a directory */
};

/* Every lookup counts the symlinks it follows in *links, so that one whose
 * targets name more symlinks still stops after MAXSYMLINKS. */
int path_parent_links(struct inode *start, const char *path, int *links, struct nameparts *np);
int path_parent(struct inode *start, const char *path, struct nameparts *np);
int path_step(struct inode *dir, const char *name, size_t len, struct inode **out);
/* The whole path; a final symlink is followed only if follow (or the path
 * ends in a slash). */
int path_walk(struct inode *start, const char *path, bool follow, struct inode **out);
int path_lookup(struct inode *start, const char *path, struct inode **out); /* follows */
/* path_walk that also says where the result was found: *np is the last
 * component of the last path walked (a symlink's target, if one was
 * followed at the end). np->name points into path or into that target. */
int path_resolve(struct inode *start, const char *path, bool follow, int *links,
		 struct nameparts *np, struct inode **out);

/* Syscall helpers: where a relative path starts, and copying one in. */
int path_cwd(struct inode **out);
int path_start(int dirfd, const char *path, struct inode **out);
/* A path name copied in from user space (Linux's struct filename, whose
 * short names live inside it too): name points to short_name, or for a
 * path of SHORT_PATH bytes or more to a PATH_MAX heap block. */
#define SHORT_PATH 128
struct pathname {
	char *name;
	char short_name[SHORT_PATH];
};
/* 0, -EFAULT, -ENAMETOOLONG, -ENOENT (empty) or -ENOMEM; after 0,
 * pathname_put when done. */
int pathname_get(const char __user *upath, struct pathname *pn);
void pathname_put(struct pathname *pn);
/* The same errors, the name in a heap block of its own, for a caller that
 * keeps it past the call (execve, swapon): kfree(*out) when done. */
int path_from_user(const char __user *upath, char **out);
/* All three: what (dirfd, upath) names, the final symlink followed. */
int path_at(int dirfd, const char __user *upath, struct inode **out);
/* The same for the *at calls with flags: AT_SYMLINK_NOFOLLOW leaves a final
 * symlink alone; with AT_EMPTY_PATH an empty path names dirfd itself,
 * whatever it is (path_fd_inode). A NULL path is a fault, as in Linux's
 * getname; only the stat calls take it for an empty one. */
int path_at_flags(int dirfd, const char __user *upath, int flags, struct inode **out);
bool path_empty(const char __user *upath); /* "" (and not a fault) */
/* An open descriptor's inode (EBADF), or the working directory for AT_FDCWD. */
int path_fd_inode(int dirfd, struct inode **out);
/* The calls that change a directory: the path is split before its last
 * component, which op then creates or removes (with arg). */
typedef int (*name_op)(const struct nameparts *np, const void *arg);
int path_change_at(int dirfd, const char __user *upath, name_op op, const void *arg);
/* The absolute name of directory ip, as getcwd shows it. */
int path_name(struct inode *ip, char *buf, size_t size);
/* The absolute name of np's last component (a file), into buf. */
int path_name_of(const struct nameparts *np, char *buf, size_t size);

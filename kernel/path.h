/* kernel/path.h — turning path names into inodes, with Linux's errors. */
#pragma once
#include "kernel/ramfs.h"
#include "mm/uaccess.h"

#define PATH_MAX 4096  /* bytes, including the NUL */
#define AT_FDCWD (-100)
/* No umask(2) yet: every process has the default umask init gets. */
#define UMASK 022

/* A path split before its last component. */
struct nameparts {
	struct inode *dir;   /* where the last component lives: always a directory */
	const char *name;    /* the last component, not NUL-terminated */
	size_t len;
	bool dots;           /* ".", ".." or the root itself: names that are never created */
	bool slash;          /* trailing slash: the result must be a directory */
};

int path_parent(struct inode *start, const char *path, struct nameparts *np);
int path_step(struct inode *dir, const char *name, size_t len, struct inode **out);
int path_lookup(struct inode *start, const char *path, struct inode **out);

/* Syscall helpers: where a relative path starts, and copying one in. */
int path_cwd(struct inode **out);
int path_start(int dirfd, const char *path, struct inode **out);
int path_from_user(const char __user *upath, char **out); /* kfree(*out) when done */
/* All three: what (dirfd, upath) names. */
int path_at(int dirfd, const char __user *upath, struct inode **out);
/* The absolute name of directory ip, as getcwd shows it. */
int path_name(struct inode *ip, char *buf, size_t size);

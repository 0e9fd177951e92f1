/* user/scratch.h — a private directory on a tmpfs for the tests of names,
 * modes and links (fsops, links, vectorio), and their one-line checks.
 *
 * The directory is /dev/shm/NAME.PID: /dev/shm is a tmpfs on Linux, so the
 * host answers as tmpfs does (statfs's magic, rename's and link's rules),
 * which is what faultline's ramfs copies; faultline makes /dev/shm at boot
 * too (POSIX shared memory lives there). scratch_enter() makes the directory
 * and chdirs into it, so the tests use relative names; scratch_leave()
 * removes everything in it, whatever a failed case left behind.
 */
#pragma once
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tap.h"

static long got;
static int err;

/* One case: expr must return want, or fail with errno e when want is -1. */
#define CHECK(expr, want, e, ...) \
	(errno = 0, got = (long)(expr), err = errno, \
	 tap_syscall(got, err, want, e, NULL, __VA_ARGS__))

static char scratch_dir[64];

/* The raw stat family (musl may convert struct stat itself); a mode of 0
 * says the call failed. */
static inline struct stat stat_at(const char *path, int flags)
{
	struct stat st = { 0 };

	if (syscall(SYS_newfstatat, AT_FDCWD, path, &st, flags))
		st.st_mode = 0;
	return st;
}

static inline struct stat stat_of(const char *path) { return stat_at(path, 0); }
static inline struct stat lstat_of(const char *path) { return stat_at(path, AT_SYMLINK_NOFOLLOW); }

static inline void scratch_enter(const char *name)
{
	snprintf(scratch_dir, sizeof scratch_dir, "/dev/shm/%s.%d", name, getpid());
	if (mkdir(scratch_dir, 0755) || chdir(scratch_dir))
		bail("scratch directory");
}

/* Everything under dirfd, depth first; symlinks are removed, not followed. */
static inline void remove_tree(int dirfd)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *e;

	if (!d)
		bail("fdopendir");
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (e->d_type == DT_DIR) {
			int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY);
			if (sub < 0)
				bail("open a directory to remove");
			remove_tree(sub);
		}
		if (unlinkat(dirfd, e->d_name, e->d_type == DT_DIR ? AT_REMOVEDIR : 0))
			bail("remove a scratch file");
		rewinddir(d);
	}
	closedir(d);
}

static inline void scratch_leave(void)
{
	if (chdir("/"))
		bail("chdir /");
	int fd = open(scratch_dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		bail("open the scratch directory");
	remove_tree(fd);
	if (rmdir(scratch_dir))
		bail("rmdir the scratch directory");
}

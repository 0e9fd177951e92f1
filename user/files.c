/* user/files.c — file semantics in /tmp (tmpfs on faultline): data, offsets,
 * sizes, names, directories, the working directory and the descriptor
 * table, each as Linux defines it.
 *
 * Everything happens in a fresh directory /tmp/files.PID (so two runs on one
 * host do not collide), which is the cwd for the relative names below and
 * is removed at the end. Syscalls whose raw form matters (getdents64
 * records, getcwd's return value, struct stat) go through syscall(2);
 * the stat family is raw too because musl may copy struct stat itself.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
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

static char dir[64];
static unsigned char buf[16384], pattern[5000];

static bool all(const unsigned char *p, int v, size_t n)
{
	while (n--)
		if (*p++ != v)
			return false;
	return true;
}

static long size_of(int fd)
{
	struct stat st;

	return syscall(SYS_fstat, fd, &st) ? -1 : st.st_size;
}

/* ---- data and offsets ------------------------------------------------------- */

static void data(void)
{
	int fd = open("data", O_CREAT | O_RDWR | O_TRUNC, 0644);

	for (size_t i = 0; i < sizeof pattern; i++)
		pattern[i] = i * 7 + 3;
	CHECK(write(fd, pattern, sizeof pattern), 5000, 0, "write 5000 bytes to a new file");
	CHECK(lseek(fd, 0, SEEK_CUR), 5000, 0, "the offset moved to 5000");
	CHECK(lseek(fd, 0, SEEK_SET), 0, 0, "lseek(0, SEEK_SET) -> 0");
	CHECK(read(fd, buf, sizeof buf), 5000, 0, "read it back: 5000 bytes");
	tap_ok(!memcmp(buf, pattern, sizeof pattern), "... the bytes written");
	CHECK(read(fd, buf, sizeof buf), 0, 0, "read at end of file -> 0");
	CHECK(lseek(fd, -100, SEEK_END), 4900, 0, "lseek(-100, SEEK_END) -> 4900");
	CHECK(lseek(fd, 50, SEEK_CUR), 4950, 0, "lseek(50, SEEK_CUR) -> 4950");
	CHECK(lseek(fd, -1, SEEK_SET), -1, EINVAL, "lseek to a negative offset -> EINVAL");
	CHECK(lseek(fd, 0, 42), -1, EINVAL, "lseek with whence 42 -> EINVAL");

	/* Writing past the end leaves a hole that reads as zeros. */
	CHECK(lseek(fd, 8192, SEEK_SET), 8192, 0, "lseek past the end -> 8192");
	CHECK(write(fd, "!", 1), 1, 0, "write 1 byte at 8192");
	CHECK(size_of(fd), 8193, 0, "size is now 8193");
	CHECK(pread(fd, buf, sizeof buf, 5000), 3193, 0, "pread the hole and the byte");
	tap_ok(all(buf, 0, 3192) && buf[3192] == '!', "the hole reads as zeros");

	/* pread/pwrite use their own offset and leave the file's alone. */
	CHECK(pwrite(fd, "PQRS", 4, 100), 4, 0, "pwrite 4 bytes at 100");
	CHECK(pread(fd, buf, 6, 99), 6, 0, "pread 6 bytes at 99");
	tap_ok(buf[0] == pattern[99] && !memcmp(buf + 1, "PQRS", 4) && buf[5] == pattern[104],
	       "pread sees exactly the pwritten bytes in place");
	CHECK(lseek(fd, 0, SEEK_CUR), 8193, 0, "the file offset did not move");
	CHECK(pread(fd, buf, 10, 9000), 0, 0, "pread past the end -> 0");
	CHECK(pread(fd, buf, 10, -1), -1, EINVAL, "pread at a negative offset -> EINVAL");

	/* Shrinking must drop the data: growing again brings back zeros. */
	CHECK(ftruncate(fd, 10000), 0, 0, "ftruncate grows to 10000");
	CHECK(pread(fd, buf, sizeof buf, 8193), 1807, 0, "... and reads to the new end");
	tap_ok(all(buf, 0, 1807), "... which is zeros");
	CHECK(ftruncate(fd, 10), 0, 0, "ftruncate shrinks to 10");
	CHECK(size_of(fd), 10, 0, "size is 10");
	CHECK(ftruncate(fd, 20), 0, 0, "ftruncate grows to 20 again");
	CHECK(pread(fd, buf, sizeof buf, 0), 20, 0, "read 20 bytes");
	tap_ok(!memcmp(buf, pattern, 10) && all(buf + 10, 0, 10),
	       "the first 10 kept, the old bytes 10..19 are gone (zeros)");
	CHECK(ftruncate(fd, -1), -1, EINVAL, "ftruncate to a negative size -> EINVAL");
	int ro = open("data", O_RDONLY);
	CHECK(ftruncate(ro, 0), -1, EINVAL, "ftruncate an O_RDONLY descriptor -> EINVAL");
	CHECK(write(ro, "x", 1), -1, EBADF, "write to an O_RDONLY descriptor -> EBADF");
	close(ro), close(fd);

	/* O_APPEND: every write goes to the end, whatever the offset; on Linux
	 * even pwrite does (pwrite(2), BUGS), without moving the offset. */
	fd = open("data", O_WRONLY | O_APPEND);
	CHECK(lseek(fd, 0, SEEK_SET), 0, 0, "O_APPEND: lseek to 0");
	CHECK(write(fd, "end", 3), 3, 0, "O_APPEND: write 3 bytes");
	CHECK(lseek(fd, 0, SEEK_CUR), 23, 0, "O_APPEND: they went to the end (offset 23)");
	CHECK(pwrite(fd, "PW", 2, 0), 2, 0, "O_APPEND: pwrite at 0");
	CHECK(size_of(fd), 25, 0, "O_APPEND: pwrite appended too (size 25)");
	CHECK(lseek(fd, 0, SEEK_CUR), 23, 0, "O_APPEND: pwrite left the offset alone");
	CHECK(read(fd, buf, 1), -1, EBADF, "read from an O_WRONLY descriptor -> EBADF");
	close(fd);
}

/* ---- names: O_EXCL, unlink, directories -------------------------------------- */

static void names(void)
{
	CHECK(open("data", O_CREAT | O_EXCL | O_RDWR, 0644), -1, EEXIST,
	      "O_CREAT|O_EXCL on an existing file -> EEXIST");
	int fd = open("data", O_RDWR | O_TRUNC);
	CHECK(size_of(fd), 0, 0, "O_TRUNC empties an existing file");
	close(fd);
	CHECK(open("nothing", O_RDONLY), -1, ENOENT, "open a missing file -> ENOENT");
	fd = open("gone", O_CREAT | O_EXCL | O_RDWR, 0644);
	tap_ok(fd >= 0, "O_CREAT|O_EXCL on a new name creates it");

	/* An unlinked file lives on while a descriptor refers to it. */
	CHECK(write(fd, "still here", 10), 10, 0, "write to it");
	CHECK(unlink("gone"), 0, 0, "unlink it while open");
	CHECK(open("gone", O_RDONLY), -1, ENOENT, "the name is gone (ENOENT)");
	CHECK(pread(fd, buf, sizeof buf, 0), 10, 0, "the open descriptor still reads it");
	tap_ok(!memcmp(buf, "still here", 10), "... with its data");
	struct stat st;
	CHECK(syscall(SYS_fstat, fd, &st) ? -1 : (long)st.st_nlink, 0, 0, "fstat: st_nlink is 0");
	CHECK(unlink("gone"), -1, ENOENT, "unlink it again -> ENOENT");
	close(fd);

	CHECK(mkdir("d", 0755), 0, 0, "mkdir d");
	CHECK(mkdir("d", 0755), -1, EEXIST, "mkdir d again -> EEXIST");
	close(open("d/f", O_CREAT | O_WRONLY, 0644));
	CHECK(rmdir("d"), -1, ENOTEMPTY, "rmdir a non-empty directory -> ENOTEMPTY");
	CHECK(rmdir("d/f"), -1, ENOTDIR, "rmdir a file -> ENOTDIR");
	CHECK(unlink("d"), -1, EISDIR, "unlink a directory -> EISDIR");
	CHECK(open("d", O_WRONLY), -1, EISDIR, "open a directory for writing -> EISDIR");
	CHECK(open("d/f", O_RDONLY | O_DIRECTORY), -1, ENOTDIR, "O_DIRECTORY on a file -> ENOTDIR");
	CHECK(open("d/f/x", O_RDONLY), -1, ENOTDIR, "a file as a path component -> ENOTDIR");
	CHECK(open("no/x", O_CREAT | O_WRONLY, 0644), -1, ENOENT,
	      "O_CREAT in a missing directory -> ENOENT");
	CHECK(mkdir("no/x", 0755), -1, ENOENT, "mkdir in a missing directory -> ENOENT");
	CHECK(rmdir("d/."), -1, EINVAL, "rmdir d/. -> EINVAL");
	CHECK(unlink("d/f"), 0, 0, "unlink d/f");
	CHECK(rmdir("d"), 0, 0, "rmdir d, now empty");
	CHECK(rmdir("d"), -1, ENOENT, "rmdir d again -> ENOENT");
}

/* ---- getdents64 ---------------------------------------------------------------- */

#define NFILES 20

struct dirent64_k { /* the kernel's record; d_name runs to d_reclen */
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static void listing(void)
{
	static const char *dots[] = { ".", "..", "sub" };
	char name[16];
	int seen[NFILES + 3] = { 0 }, calls = 0, strangers = 0, bad_layout = 0, bad_type = 0;
	long r;

	mkdir("list", 0755);
	mkdir("list/sub", 0755);
	for (int i = 0; i < NFILES; i++) {
		snprintf(name, sizeof name, "list/file%02d", i);
		close(open(name, O_CREAT | O_WRONLY, 0644));
	}
	int fd = open("list", O_RDONLY | O_DIRECTORY);
	CHECK(syscall(SYS_getdents64, fd, buf, 8), -1, EINVAL,
	      "getdents64 with room for no record -> EINVAL");
	/* 160 bytes hold 4 to 6 of these records: many calls are needed. */
	while ((r = syscall(SYS_getdents64, fd, buf, 160)) > 0 && calls++ < 100) {
		for (long at = 0; at < r;) {
			struct dirent64_k *d = (void *)(buf + at);
			size_t len = strnlen(d->d_name, d->d_reclen - offsetof(struct dirent64_k, d_name));
			int idx = -1;

			bad_layout += d->d_reclen % 8 || at + d->d_reclen > r ||
				      offsetof(struct dirent64_k, d_name) + len >= d->d_reclen;
			if (sscanf(d->d_name, "file%d", &idx) == 1 && idx >= 0 && idx < NFILES)
				bad_type += d->d_type != DT_REG;
			for (int k = 0; k < 3; k++)
				if (!strcmp(d->d_name, dots[k]))
					idx = NFILES + k, bad_type += d->d_type != DT_DIR;
			if (idx < 0 || idx >= NFILES + 3)
				strangers++;
			else
				seen[idx]++;
			at += d->d_reclen ? d->d_reclen : r;
		}
	}
	int once = 0;
	for (int i = 0; i < NFILES + 3; i++)
		once += seen[i] == 1;
	tap_ok(r == 0 && calls > 1, "getdents64 in 160-byte calls runs to 0 (end) after %s",
	       calls > 1 ? "several calls" : "too few calls");
	tap_eq(bad_layout, 0, "every record: d_reclen a multiple of 8, name NUL-terminated inside it");
	tap_eq(once, NFILES + 3, "each of ., .., sub and %d files listed exactly once", NFILES);
	tap_eq(strangers, 0, "no other names listed");
	tap_eq(bad_type, 0, "d_type: DT_DIR for directories, DT_REG for files");
	close(fd);
	fd = open("list/file00", O_RDONLY);
	CHECK(syscall(SYS_getdents64, fd, buf, sizeof buf), -1, ENOTDIR,
	      "getdents64 on a regular file -> ENOTDIR");
	close(fd);
}

/* ---- stat ------------------------------------------------------------------------- */

struct statcase {
	const char *name;
	int nr, dirfd;
	const char *path;
	int flags;
	mode_t mode; /* the whole st_mode */
	long size;   /* -1: not checked (a directory's size is the file system's choice) */
};

static void stats(void)
{
	int fd = open("st", O_CREAT | O_RDWR | O_TRUNC, 0644);
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	struct stat st, first;
	const struct statcase cases[] = {
		{ "stat(file)", SYS_stat, 0, "st", 0, S_IFREG | 0644, 1234 },
		{ "fstat(file)", SYS_fstat, fd, NULL, 0, S_IFREG | 0644, 1234 },
		{ "newfstatat(AT_FDCWD, file)", SYS_newfstatat, AT_FDCWD, "st", 0, S_IFREG | 0644, 1234 },
		{ "newfstatat(dirfd, file)", SYS_newfstatat, dfd, "st", 0, S_IFREG | 0644, 1234 },
		{ "newfstatat(fd, \"\", AT_EMPTY_PATH)", SYS_newfstatat, fd, "", AT_EMPTY_PATH,
		  S_IFREG | 0644, 1234 },
		{ "newfstatat(AT_SYMLINK_NOFOLLOW)", SYS_newfstatat, AT_FDCWD, "st",
		  AT_SYMLINK_NOFOLLOW, S_IFREG | 0644, 1234 },
		{ "stat(dir)", SYS_stat, 0, "list/sub", 0, S_IFDIR | 0755, -1 },
		{ "newfstatat(dirfd, dir)", SYS_newfstatat, dfd, "list", 0, S_IFDIR | 0755, -1 },
	};

	if (write(fd, pattern, 1234) != 1234)
		bail("write");
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct statcase *c = &cases[i];

		memset(&st, 0xa5, sizeof st);
		errno = 0;
		got = c->nr == SYS_stat ? syscall(c->nr, c->path, &st)
		    : c->nr == SYS_fstat ? syscall(c->nr, c->dirfd, &st)
		    : syscall(c->nr, c->dirfd, c->path, &st, c->flags);
		if (i == 0)
			first = st;
		tap_ok(got == 0 && st.st_mode == c->mode && (c->size < 0 || st.st_size == c->size) &&
		       (c->size < 0 || (st.st_ino == first.st_ino && st.st_nlink == 1)),
		       "%s: st_mode %#o%s", c->name, c->mode,
		       c->size < 0 ? "" : ", st_size 1234, st_nlink 1, same st_ino");
		if (got || st.st_mode != c->mode)
			tap_diag("returned %ld (%s), st_mode %#o, st_size %ld", got,
				 tap_errname(errno), st.st_mode, (long)st.st_size);
	}
	CHECK(syscall(SYS_stat, "missing", &st), -1, ENOENT, "stat a missing name -> ENOENT");
	CHECK(syscall(SYS_stat, "st/x", &st), -1, ENOTDIR, "stat file/x -> ENOTDIR");
	CHECK(syscall(SYS_newfstatat, fd, "", &st, 0), -1, ENOENT,
	      "newfstatat(fd, \"\") without AT_EMPTY_PATH -> ENOENT");
	CHECK(syscall(SYS_fstat, 999, &st), -1, EBADF, "fstat a closed descriptor -> EBADF");
	close(fd), close(dfd);
}

/* ---- the working directory ------------------------------------------------------- */

static void cwd(void)
{
	char want[96];
	size_t len = strlen(dir);

	CHECK(syscall(SYS_getcwd, buf, sizeof buf), (long)len + 1, 0,
	      "getcwd returns the length with the NUL");
	tap_ok(!strcmp((char *)buf, dir), "getcwd is the directory chdir'ed to");
	CHECK(chdir("list/sub"), 0, 0, "chdir to a relative path");
	snprintf(want, sizeof want, "%s/list/sub", dir);
	CHECK(syscall(SYS_getcwd, buf, sizeof buf), (long)strlen(want) + 1, 0, "getcwd after it");
	tap_ok(!strcmp((char *)buf, want), "... is the absolute path");
	CHECK(syscall(SYS_stat, "../file01", buf), 0, 0, "relative names resolve from the new cwd");
	CHECK(chdir("../.."), 0, 0, "chdir ../..");
	CHECK(syscall(SYS_getcwd, buf, len + 1), (long)len + 1, 0, "getcwd with size exactly enough");
	CHECK(syscall(SYS_getcwd, buf, len), -1, ERANGE, "getcwd one byte too small -> ERANGE");
	CHECK(syscall(SYS_getcwd, buf, 0), -1, ERANGE, "getcwd size 0 -> ERANGE");
	CHECK(syscall(SYS_getcwd, NULL, sizeof buf), -1, EFAULT, "getcwd into NULL -> EFAULT");
	CHECK(chdir("st"), -1, ENOTDIR, "chdir to a file -> ENOTDIR");
	CHECK(chdir("missing"), -1, ENOENT, "chdir to a missing name -> ENOENT");
}

/* ---- the descriptor table ---------------------------------------------------------- */

static void fds(void)
{
	int fd = open("st", O_RDWR | O_CLOEXEC);
	int plain = open("st", O_RDONLY);
	int lowest = plain + 1;

	CHECK(fcntl(fd, F_GETFD), FD_CLOEXEC, 0, "open(O_CLOEXEC): F_GETFD -> FD_CLOEXEC");
	CHECK(fcntl(plain, F_GETFD), 0, 0, "open without it: F_GETFD -> 0");
	CHECK(dup(fd), lowest, 0, "dup takes the lowest free descriptor");
	CHECK(fcntl(lowest, F_GETFD), 0, 0, "a dup is not close-on-exec");
	lseek(fd, 7, SEEK_SET);
	CHECK(lseek(lowest, 0, SEEK_CUR), 7, 0, "a dup shares the file offset");
	CHECK(dup2(fd, fd), fd, 0, "dup2(fd, fd) -> fd");
	CHECK(dup2(fd, plain), plain, 0, "dup2 onto an open descriptor replaces it");
	CHECK(lseek(plain, 0, SEEK_CUR), 7, 0, "... which now shares fd's offset");
	CHECK(dup2(999, plain), -1, EBADF, "dup2 from a closed descriptor -> EBADF");
	/* Raw dup3: musl turns dup3(..., 0) into dup2 and checks fd == fd itself. */
	CHECK(syscall(SYS_dup3, fd, fd, 0), -1, EINVAL, "dup3(fd, fd) -> EINVAL");
	CHECK(syscall(SYS_dup3, fd, 40, O_CLOEXEC), 40, 0, "dup3(O_CLOEXEC) to 40");
	CHECK(fcntl(40, F_GETFD), FD_CLOEXEC, 0, "... is close-on-exec");
	CHECK(syscall(SYS_dup3, fd, 41, O_RDWR), -1, EINVAL,
	      "dup3 with a flag other than O_CLOEXEC -> EINVAL");
	CHECK(fcntl(fd, F_DUPFD, 50), 50, 0, "F_DUPFD 50 -> 50");
	CHECK(fcntl(fd, F_DUPFD, 50), 51, 0, "F_DUPFD 50 again -> 51");
	CHECK(fcntl(fd, F_DUPFD_CLOEXEC, 50), 52, 0, "F_DUPFD_CLOEXEC 50 -> 52");
	CHECK(fcntl(52, F_GETFD), FD_CLOEXEC, 0, "... is close-on-exec");
	CHECK(fcntl(50, F_SETFD, FD_CLOEXEC), 0, 0, "F_SETFD FD_CLOEXEC");
	CHECK(fcntl(50, F_GETFD), FD_CLOEXEC, 0, "... F_GETFD sees it");
	CHECK(fcntl(51, F_GETFD), 0, 0, "... on that descriptor only");
	/* O_LARGEFILE is left out: Linux adds it to every open on 64-bit. */
	int mask = O_ACCMODE | O_APPEND | O_NONBLOCK;
	CHECK(fcntl(fd, F_GETFL) & mask, O_RDWR, 0, "F_GETFL -> O_RDWR");
	CHECK(fcntl(fd, F_SETFL, O_WRONLY | O_APPEND | O_NONBLOCK), 0, 0,
	      "F_SETFL O_WRONLY|O_APPEND|O_NONBLOCK");
	CHECK(fcntl(51, F_GETFL) & mask, O_RDWR | O_APPEND | O_NONBLOCK, 0,
	      "F_GETFL on a dup: flags changed, access mode not");
	CHECK(fcntl(999, F_GETFD), -1, EBADF, "fcntl on a closed descriptor -> EBADF");
	for (int i = 50; i <= 52; i++)
		close(i);
	close(40), close(lowest), close(plain);
	CHECK(close(fd), 0, 0, "close");
	CHECK(close(fd), -1, EBADF, "close it again -> EBADF");
}

static void cleanup(void)
{
	char name[16];
	bool ok = true;

	for (int i = 0; i < NFILES; i++) {
		snprintf(name, sizeof name, "list/file%02d", i);
		ok &= !unlink(name);
	}
	ok &= !unlink("data") && !unlink("st") && !rmdir("list/sub") && !rmdir("list");
	ok &= !chdir("/") && !rmdir(dir);
	tap_ok(ok, "everything removed again, the directory last");
}

int main(void)
{
	/* The modes asked for (0644, 0755) are the ones expected, so only a
	 * stricter umask inherited from the host (077) could change them. */
	umask(022);
	snprintf(dir, sizeof dir, "/tmp/files.%d", getpid());
	if (mkdir(dir, 0755) || chdir(dir))
		bail(dir);
	data();
	names();
	listing();
	stats();
	cwd();
	fds();
	cleanup();
	return done_testing();
}

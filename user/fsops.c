/* user/fsops.c — the calls that change or report what a name is rather
 * than what it holds: umask, chmod/fchmod/fchmodat, chown/fchown/lchown/
 * fchownat, statfs/fstatfs, fsync/fdatasync, each with Linux's errno order
 * and bad pointers. Every process on faultline is root, and so is this test
 * on the host, so ownership may be given to anyone.
 *
 * It works in a scratch directory on a tmpfs (user/scratch.h). Raw
 * syscalls throughout: libc must not check or convert anything itself.
 */
#include <sys/statfs.h>

#include "child.h"
#include "scratch.h"

#define TMPFS_MAGIC 0x01021994
#define PIPEFS_MAGIC 0x50495045
#define BAD ((void *)0xffff800000000000UL) /* a kernel address */
#define PAGE 4096

static unsigned mode_of(const char *path) { return stat_of(path).st_mode; }

static void touch(const char *name, unsigned mode)
{
	int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, mode);

	if (fd < 0)
		bail("create a file");
	close(fd);
}

/* ---- umask -------------------------------------------------------------- */

static int child_umask(void *unused)
{
	(void)unused;
	return (int)syscall(SYS_umask, 0);
}

static void umasks(void)
{
	long old = syscall(SYS_umask, 027);

	CHECK(syscall(SYS_umask, 077), 027, 0, "umask(077) returns the mask set before (027)");
	CHECK(syscall(SYS_umask, 0xffff), 077, 0, "umask(0xffff) -> 077");
	CHECK(syscall(SYS_umask, 027), 0777, 0, "... and set only the 0777 bits");

	touch("u_file", 0777);
	tap_eq(mode_of("u_file"), S_IFREG | 0750, "open(O_CREAT, 0777) under umask 027 -> 0750");
	CHECK(syscall(SYS_mkdir, "u_dir", 01777), 0, 0, "mkdir(01777) under umask 027");
	tap_eq(mode_of("u_dir"), S_IFDIR | 01750, "... -> 01750: the sticky bit is kept");
	CHECK(syscall(SYS_mkdirat, AT_FDCWD, "u_dir2", 0777), 0, 0, "mkdirat(0777)");
	tap_eq(mode_of("u_dir2"), S_IFDIR | 0750, "... -> 0750");

	child_case(child_umask, NULL, EXITED(027), "a forked child inherits the umask: its umask(0)");

	syscall(SYS_umask, 0);
	touch("u_all", 07777);
	tap_eq(mode_of("u_all"), S_IFREG | 07777, "umask 0: open(O_CREAT, 07777) keeps every bit");
	syscall(SYS_umask, old);
}

/* ---- chmod ---------------------------------------------------------------- */

static void chmods(void)
{
	touch("m_file", 0644);
	mkdir("m_dir", 0755);
	CHECK(syscall(SYS_chmod, "m_file", 0600), 0, 0, "chmod(file, 0600)");
	tap_eq(mode_of("m_file"), S_IFREG | 0600, "... stat shows 0600");
	CHECK(syscall(SYS_chmod, "m_file", 0177777), 0, 0, "chmod with file-type bits too");
	tap_eq(mode_of("m_file"), S_IFREG | 07777, "... only the 07777 bits change");
	CHECK(syscall(SYS_chmod, "m_dir", 01700), 0, 0, "chmod(dir, 01700)");
	tap_eq(mode_of("m_dir"), S_IFDIR | 01700, "... stat shows 01700");

	int fd = open("m_file", O_RDONLY);
	CHECK(syscall(SYS_fchmod, fd, 0640), 0, 0, "fchmod(fd opened read-only, 0640)");
	tap_eq(mode_of("m_file"), S_IFREG | 0640, "... stat shows 0640");
	close(fd);
	CHECK(syscall(SYS_fchmod, fd, 0640), -1, EBADF, "fchmod on a closed fd -> EBADF");
	CHECK(syscall(SYS_fchmod, -1, 0640), -1, EBADF, "fchmod(-1) -> EBADF");

	int dfd = open("m_dir", O_RDONLY | O_DIRECTORY);
	touch("m_dir/inner", 0644);
	CHECK(syscall(SYS_fchmodat, dfd, "inner", 0604), 0, 0, "fchmodat(dirfd, name, 0604)");
	tap_eq(mode_of("m_dir/inner"), S_IFREG | 0604, "... the file in that directory changed");
	CHECK(syscall(SYS_fchmodat, AT_FDCWD, "m_file", 0400), 0, 0, "fchmodat(AT_FDCWD, ...)");
	tap_eq(mode_of("m_file"), S_IFREG | 0400, "... stat shows 0400");
	CHECK(syscall(SYS_fchmodat, 1000, "inner", 0600), -1, EBADF, "fchmodat(fd 1000, relative) -> EBADF");
	CHECK(syscall(SYS_fchmodat, open("m_file", O_RDONLY), "inner", 0600), -1, ENOTDIR,
	      "fchmodat(file fd, relative) -> ENOTDIR");
	close(dfd);

	CHECK(syscall(SYS_chmod, "missing", 0600), -1, ENOENT, "chmod of a missing name -> ENOENT");
	CHECK(syscall(SYS_chmod, "m_file/x", 0600), -1, ENOTDIR, "chmod through a file -> ENOTDIR");
	CHECK(syscall(SYS_chmod, "", 0600), -1, ENOENT, "chmod(\"\") -> ENOENT");
	CHECK(syscall(SYS_chmod, NULL, 0600), -1, EFAULT, "chmod(NULL) -> EFAULT");
	CHECK(syscall(SYS_chmod, BAD, 0600), -1, EFAULT, "chmod(kernel address) -> EFAULT");
	CHECK(syscall(SYS_fchmodat, AT_FDCWD, BAD, 0600), -1, EFAULT, "fchmodat(bad path) -> EFAULT");

	static char longname[300], longpath[PAGE + 1];
	memset(longname, 'n', 256);
	CHECK(syscall(SYS_chmod, longname, 0600), -1, ENAMETOOLONG,
	      "chmod of a 256-byte name -> ENAMETOOLONG");
	memset(longpath, '/', PAGE);
	CHECK(syscall(SYS_chmod, longpath, 0600), -1, ENAMETOOLONG,
	      "chmod of a 4096-byte path -> ENAMETOOLONG");
}

/* ---- chown ---------------------------------------------------------------- */

static void chowns(void)
{
	touch("o_file", 0644);
	struct stat st = stat_of("o_file");
	tap_ok(st.st_uid == 0 && st.st_gid == 0, "a new file belongs to root:root");
	CHECK(syscall(SYS_chown, "o_file", 1000, 2000), 0, 0, "chown(file, 1000, 2000)");
	st = stat_of("o_file");
	tap_ok(st.st_uid == 1000 && st.st_gid == 2000, "... stat shows 1000:2000");
	CHECK(syscall(SYS_chown, "o_file", -1, 3000), 0, 0, "chown(file, -1, 3000)");
	st = stat_of("o_file");
	tap_ok(st.st_uid == 1000 && st.st_gid == 3000, "... uid kept, gid 3000");
	CHECK(syscall(SYS_chown, "o_file", 4000, -1), 0, 0, "chown(file, 4000, -1)");
	st = stat_of("o_file");
	tap_ok(st.st_uid == 4000 && st.st_gid == 3000, "... uid 4000, gid kept");

	int fd = open("o_file", O_RDONLY);
	CHECK(syscall(SYS_fchown, fd, 5, 6), 0, 0, "fchown(fd, 5, 6)");
	st = stat_of("o_file");
	tap_ok(st.st_uid == 5 && st.st_gid == 6, "... stat shows 5:6");
	CHECK(syscall(SYS_fchownat, AT_FDCWD, "o_file", 7, 8, 0), 0, 0, "fchownat(AT_FDCWD, 7, 8)");
	st = stat_of("o_file");
	tap_ok(st.st_uid == 7 && st.st_gid == 8, "... stat shows 7:8");
	CHECK(syscall(SYS_fchownat, fd, "", 9, 10, AT_EMPTY_PATH), 0, 0,
	      "fchownat(fd, \"\", AT_EMPTY_PATH) changes the open file");
	st = stat_of("o_file");
	tap_ok(st.st_uid == 9 && st.st_gid == 10, "... stat shows 9:10");
	CHECK(syscall(SYS_fchownat, fd, "", 9, 10, 0), -1, ENOENT,
	      "fchownat(fd, \"\") without AT_EMPTY_PATH -> ENOENT");
	CHECK(syscall(SYS_fchownat, AT_FDCWD, "o_file", 0, 0, 0x1), -1, EINVAL,
	      "fchownat with an unknown flag -> EINVAL");
	close(fd);
	CHECK(syscall(SYS_fchown, fd, 0, 0), -1, EBADF, "fchown on a closed fd -> EBADF");

	/* A chown of anything but a directory clears set-user-ID, and
	 * set-group-ID when group execute is on (else it marks locking). */
	syscall(SYS_chmod, "o_file", 06755);
	CHECK(syscall(SYS_chown, "o_file", 0, 0), 0, 0, "chown of a 06755 file");
	tap_eq(mode_of("o_file"), S_IFREG | 0755, "... clears set-user-ID and set-group-ID");
	syscall(SYS_chmod, "o_file", 06745);
	syscall(SYS_chown, "o_file", 0, 0);
	tap_eq(mode_of("o_file"), S_IFREG | 02745, "chown of 06745: set-group-ID without g+x stays");
	syscall(SYS_chmod, "o_file", 06755);
	syscall(SYS_chown, "o_file", -1, -1);
	tap_eq(mode_of("o_file"), S_IFREG | 0755, "chown(-1, -1) of 06755 clears them too");
	mkdir("o_dir", 0755);
	syscall(SYS_chmod, "o_dir", 06755);
	CHECK(syscall(SYS_chown, "o_dir", 1, 1), 0, 0, "chown of a 06755 directory");
	tap_eq(mode_of("o_dir"), S_IFDIR | 06755, "... keeps both bits");

	CHECK(syscall(SYS_chown, "missing", 0, 0), -1, ENOENT, "chown of a missing name -> ENOENT");
	CHECK(syscall(SYS_lchown, "missing", 0, 0), -1, ENOENT, "lchown of a missing name -> ENOENT");
	CHECK(syscall(SYS_chown, NULL, 0, 0), -1, EFAULT, "chown(NULL) -> EFAULT");
	CHECK(syscall(SYS_lchown, BAD, 0, 0), -1, EFAULT, "lchown(kernel address) -> EFAULT");
	CHECK(syscall(SYS_fchownat, AT_FDCWD, BAD, 0, 0, 0), -1, EFAULT, "fchownat(bad path) -> EFAULT");
	CHECK(syscall(SYS_chown, "o_file/x", 0, 0), -1, ENOTDIR, "chown through a file -> ENOTDIR");
}

/* ---- statfs --------------------------------------------------------------- */

static void statfses(void)
{
	struct statfs s, t;

	memset(&s, 0xa5, sizeof s);
	CHECK(syscall(SYS_statfs, ".", &s), 0, 0, "statfs of the scratch directory");
	tap_eq(s.f_type, TMPFS_MAGIC, "... f_type TMPFS_MAGIC");
	tap_eq(s.f_bsize, PAGE, "... f_bsize 4096");
	tap_eq(s.f_frsize, PAGE, "... f_frsize 4096");
	tap_eq(s.f_namelen, 255, "... f_namelen 255");
	tap_ok(s.f_blocks > 0 && s.f_bfree <= s.f_blocks && s.f_bavail == s.f_bfree,
	       "... f_blocks > 0, f_bavail == f_bfree <= f_blocks");
	tap_ok(s.f_files > 0 && s.f_ffree <= s.f_files, "... f_files > 0, f_ffree <= f_files");
	tap_ok(s.f_spare[0] == 0 && s.f_spare[3] == 0, "... f_spare is zero");

	/* 1 MiB of data takes 256 blocks (a little slack for whatever else runs). */
	static char mib[1 << 20];
	int fd = open("s_big", O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0 || write(fd, mib, sizeof mib) != sizeof mib)
		bail("write 1 MiB");
	CHECK(syscall(SYS_fstatfs, fd, &t), 0, 0, "fstatfs of a file holding 1 MiB");
	tap_eq(t.f_type, TMPFS_MAGIC, "... f_type TMPFS_MAGIC");
	long used = (long)(s.f_bfree - t.f_bfree);
	tap_ok(used >= 256 && used < 256 + 32, "... f_bfree fell by 256 (by %ld)", used);
	close(fd);
	unlink("s_big");

	int p[2];
	if (pipe(p))
		bail("pipe");
	CHECK(syscall(SYS_fstatfs, p[0], &t), 0, 0, "fstatfs of a pipe");
	tap_eq(t.f_type, PIPEFS_MAGIC, "... f_type PIPEFS_MAGIC");
	close(p[0]);
	close(p[1]);

	CHECK(syscall(SYS_fstatfs, p[0], &t), -1, EBADF, "fstatfs on a closed fd -> EBADF");
	CHECK(syscall(SYS_statfs, "missing", &t), -1, ENOENT, "statfs of a missing name -> ENOENT");
	CHECK(syscall(SYS_statfs, "missing", BAD), -1, ENOENT,
	      "statfs of a missing name, bad buffer -> ENOENT (the name first)");
	CHECK(syscall(SYS_statfs, ".", BAD), -1, EFAULT, "statfs with a bad buffer -> EFAULT");
	CHECK(syscall(SYS_statfs, BAD, &t), -1, EFAULT, "statfs with a bad path -> EFAULT");
	CHECK(syscall(SYS_statfs, "", &t), -1, ENOENT, "statfs(\"\") -> ENOENT");
	fd = open(".", O_RDONLY);
	CHECK(syscall(SYS_fstatfs, fd, NULL), -1, EFAULT, "fstatfs(fd, NULL) -> EFAULT");
	close(fd);
}

/* ---- fsync, fdatasync ----------------------------------------------------- */

static void syncs(void)
{
	int fd = open("y_file", O_CREAT | O_RDWR, 0644);
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	int null = open("/dev/null", O_RDWR);
	int p[2];

	if (fd < 0 || dfd < 0 || null < 0 || pipe(p))
		bail("open for fsync");
	CHECK(syscall(SYS_fsync, fd), 0, 0, "fsync(regular file) -> 0");
	CHECK(syscall(SYS_fdatasync, fd), 0, 0, "fdatasync(regular file) -> 0");
	CHECK(syscall(SYS_fsync, dfd), 0, 0, "fsync(directory) -> 0");
	CHECK(syscall(SYS_fdatasync, dfd), 0, 0, "fdatasync(directory) -> 0");
	CHECK(syscall(SYS_fsync, p[0]), -1, EINVAL, "fsync(pipe) -> EINVAL");
	CHECK(syscall(SYS_fdatasync, p[1]), -1, EINVAL, "fdatasync(pipe) -> EINVAL");
	CHECK(syscall(SYS_fsync, null), -1, EINVAL, "fsync(/dev/null) -> EINVAL");
	CHECK(syscall(SYS_fsync, -1), -1, EBADF, "fsync(-1) -> EBADF");
	CHECK(syscall(SYS_fdatasync, 1000), -1, EBADF, "fdatasync(1000) -> EBADF");
	close(fd);
	close(dfd);
	close(null);
	close(p[0]);
	close(p[1]);
	CHECK(syscall(SYS_fsync, fd), -1, EBADF, "fsync on a closed fd -> EBADF");
}

int main(void)
{
	scratch_enter("fsops");
	umasks();
	chmods();
	chowns();
	statfses();
	syncs();
	scratch_leave();
	return done_testing();
}

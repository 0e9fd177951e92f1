/* user/links.c — names for inodes: symlinks (symlink, readlink, lookups
 * that follow them or not, ELOOP), hard links (link, linkat, nlink) and
 * rename/renameat2 with every rule Linux enforces, plus /proc/self/exe.
 * Cases that break two rules at once pin down which errno Linux checks
 * first.
 *
 * It works in a scratch directory on a tmpfs (user/scratch.h); raw
 * syscalls, so that libc checks nothing itself.
 */
#include <sys/auxv.h>

#include "child.h"
#include "scratch.h"

#define BAD ((void *)0xffff800000000000UL) /* a kernel address */
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2

static char buf[8192];

static void put(const char *name, const char *text)
{
	int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (long)strlen(text))
		bail("write a file");
	close(fd);
}

/* The file's text, or "" if it cannot be read. */
static const char *text_of(const char *name)
{
	int fd = open(name, O_RDONLY);
	long n = fd < 0 ? 0 : read(fd, buf, sizeof buf - 1);

	buf[n > 0 ? n : 0] = 0;
	if (fd >= 0)
		close(fd);
	return buf;
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa = stat_of(a), sb = stat_of(b);

	return sa.st_mode && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

/* ---- symlinks ----------------------------------------------------------- */

/* Links P0 -> first, P1 -> P0 + suffix, ... Pn -> Pn-1 + suffix. */
static void chain(char p, const char *first, const char *suffix, int n)
{
	char name[16], target[16];

	syscall(SYS_symlink, first, (snprintf(name, sizeof name, "%c0", p), name));
	for (int i = 1; i <= n; i++) {
		snprintf(name, sizeof name, "%c%d", p, i);
		snprintf(target, sizeof target, "%c%d%s", p, i - 1, suffix);
		syscall(SYS_symlink, target, name);
	}
}

static void symlinks(void)
{
	put("file", "hello");
	mkdir("dir", 0755);
	put("dir/inner", "inner");

	CHECK(syscall(SYS_symlink, "file", "l_file"), 0, 0, "symlink(\"file\", \"l_file\")");
	struct stat st = lstat_of("l_file");
	tap_eq(st.st_mode, S_IFLNK | 0777, "lstat: S_IFLNK | 0777");
	tap_eq(st.st_size, 4, "lstat: st_size is the target's length");
	tap_eq(st.st_nlink, 1, "lstat: one link");
	tap_eq(stat_of("l_file").st_mode, S_IFREG | 0644, "stat follows it to the file");
	tap_ok(!strcmp(text_of("l_file"), "hello"), "open follows it");

	memset(buf, 'x', sizeof buf);
	CHECK(syscall(SYS_readlink, "l_file", buf, 100), 4, 0, "readlink -> 4");
	tap_ok(!memcmp(buf, "filex", 5), "... \"file\" with no NUL appended");
	CHECK(syscall(SYS_readlink, "l_file", buf, 2), 2, 0, "readlink with bufsiz 2 -> 2 (cut)");
	CHECK(syscall(SYS_readlink, "l_file", buf, 0), -1, EINVAL, "readlink with bufsiz 0 -> EINVAL");
	CHECK(syscall(SYS_readlink, "l_file", buf, -1), -1, EINVAL, "readlink with bufsiz -1 -> EINVAL");
	CHECK(syscall(SYS_readlink, BAD, buf, 0), -1, EINVAL,
	      "readlink(bad path, bufsiz 0) -> EINVAL (bufsiz first)");
	CHECK(syscall(SYS_readlink, "file", buf, 100), -1, EINVAL, "readlink of a file -> EINVAL");
	CHECK(syscall(SYS_readlink, "missing", buf, 100), -1, ENOENT, "readlink of a missing name -> ENOENT");
	CHECK(syscall(SYS_readlink, "l_file", BAD, 100), -1, EFAULT, "readlink into a bad buffer -> EFAULT");
	CHECK(syscall(SYS_readlink, BAD, buf, 100), -1, EFAULT, "readlink(bad path) -> EFAULT");
	CHECK(syscall(SYS_readlink, "", buf, 100), -1, ENOENT, "readlink(\"\") -> ENOENT");
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(syscall(SYS_readlinkat, dfd, "l_file", buf, 100), 4, 0, "readlinkat(dirfd, \"l_file\") -> 4");

	CHECK(syscall(SYS_symlink, "file", "l_file"), -1, EEXIST, "symlink over an existing name -> EEXIST");
	CHECK(syscall(SYS_symlink, "", "l_empty"), -1, ENOENT, "symlink with an empty target -> ENOENT");
	CHECK(syscall(SYS_symlink, BAD, "l_bad"), -1, EFAULT, "symlink(bad target) -> EFAULT");
	CHECK(syscall(SYS_symlink, "file", BAD), -1, EFAULT, "symlink(target, bad path) -> EFAULT");
	CHECK(syscall(SYS_symlink, BAD, "l_file"), -1, EFAULT,
	      "symlink(bad target, existing name) -> EFAULT (the target first)");
	CHECK(syscall(SYS_symlink, "file", "l_new/"), -1, ENOENT,
	      "symlink to a new name with a trailing slash -> ENOENT");
	CHECK(syscall(SYS_symlink, "file", "missing/l"), -1, ENOENT, "symlink in a missing directory -> ENOENT");
	CHECK(syscall(SYS_symlinkat, "inner", dfd, "dir/l_inner"), 0, 0, "symlinkat(dirfd, \"dir/l_inner\")");
	tap_ok(!strcmp(text_of("dir/l_inner"), "inner"), "... a relative target is read from the link's directory");
	close(dfd);

	/* Dangling links, and what creation through them does. */
	CHECK(syscall(SYS_symlink, "nothing", "l_dangling"), 0, 0, "a symlink to a missing name");
	tap_eq(stat_of("l_dangling").st_mode, 0, "stat of it -> ENOENT");
	tap_eq(lstat_of("l_dangling").st_mode, S_IFLNK | 0777, "lstat of it is the link");
	CHECK(open("l_dangling", O_CREAT | O_EXCL | O_WRONLY, 0600), -1, EEXIST,
	      "open(O_CREAT | O_EXCL) on a dangling link -> EEXIST");
	CHECK(open("l_dangling", O_CREAT | O_WRONLY | O_NOFOLLOW, 0600), -1, ELOOP,
	      "open(O_CREAT | O_NOFOLLOW) on a link -> ELOOP");
	int fd = open("l_dangling", O_CREAT | O_WRONLY, 0600);
	tap_ok(fd >= 0, "open(O_CREAT) through a dangling link succeeds");
	close(fd);
	tap_eq(stat_of("nothing").st_mode, S_IFREG | 0600, "... and created the name it points to");

	/* Links to directories, absolute targets, "..". */
	CHECK(syscall(SYS_symlink, "dir", "l_dir"), 0, 0, "a symlink to a directory");
	tap_ok(!strcmp(text_of("l_dir/inner"), "inner"), "a path through it reaches the directory's files");
	tap_eq(stat_of("l_dir/").st_mode, S_IFDIR | 0755, "stat(\"l_dir/\") is the directory");
	tap_eq(lstat_of("l_dir/").st_mode, S_IFDIR | 0755, "lstat(\"l_dir/\") follows: the slash asks for a directory");
	tap_eq(lstat_of("l_file/").st_mode, 0, "lstat(\"l_file/\") fails (ENOTDIR)");
	CHECK(syscall(SYS_stat, "l_file/", &st), -1, ENOTDIR, "stat(\"l_file/\") -> ENOTDIR");
	CHECK(syscall(SYS_readlink, "l_dir/", buf, 100), -1, EINVAL, "readlink(\"l_dir/\") follows: a directory, EINVAL");
	tap_ok(same_file("dir/l_inner/..", "dir") == false && same_file("l_dir/..", "."),
	       "\"l_dir/..\" is the parent of the target");
	snprintf(buf, sizeof buf, "%s/file", scratch_dir);
	CHECK(syscall(SYS_symlink, buf, "l_abs"), 0, 0, "a symlink with an absolute target");
	tap_ok(!strcmp(text_of("l_abs"), "hello"), "... reads the file");
	CHECK(syscall(SYS_symlink, "../file", "dir/l_up"), 0, 0, "dir/l_up -> \"../file\"");
	tap_ok(same_file("dir/l_up", "file"), "... names the file next to dir");
	CHECK(open("l_dir", O_RDONLY | O_NOFOLLOW), -1, ELOOP, "open(link to dir, O_NOFOLLOW) -> ELOOP");
	CHECK(open("l_dir", O_RDONLY | O_NOFOLLOW | O_DIRECTORY), -1, ENOTDIR,
	      "open(link, O_NOFOLLOW | O_DIRECTORY) -> ENOTDIR");
	fd = open("l_dir/inner", O_RDONLY | O_NOFOLLOW);
	tap_ok(fd >= 0, "O_NOFOLLOW follows links before the last component");
	close(fd);
	CHECK(syscall(SYS_mkdir, "l_dir", 0755), -1, EEXIST, "mkdir over a link -> EEXIST");
	CHECK(syscall(SYS_rmdir, "l_dir"), -1, ENOTDIR, "rmdir of a link to a directory -> ENOTDIR");
	CHECK(syscall(SYS_chdir, "l_dir"), 0, 0, "chdir through a link");
	CHECK(syscall(SYS_getcwd, buf, sizeof buf), (long)strlen(scratch_dir) + 5, 0,
	      "getcwd names the directory, not the link");
	tap_ok(!strncmp(buf, scratch_dir, strlen(scratch_dir)) && !strcmp(buf + strlen(scratch_dir), "/dir"),
	       "... %s/dir", scratch_dir);
	if (chdir(scratch_dir))
		bail("chdir back");

	/* Attributes: chmod follows, lchown does not. */
	CHECK(syscall(SYS_chmod, "l_file", 0600), 0, 0, "chmod through a link");
	tap_eq(stat_of("file").st_mode, S_IFREG | 0600, "... changes the file");
	tap_eq(lstat_of("l_file").st_mode, S_IFLNK | 0777, "... not the link");
	CHECK(syscall(SYS_lchown, "l_file", 42, 43), 0, 0, "lchown of a link");
	tap_ok(lstat_of("l_file").st_uid == 42 && stat_of("file").st_uid == 0, "... changes the link only");
	CHECK(syscall(SYS_fchownat, AT_FDCWD, "l_file", 44, 45, AT_SYMLINK_NOFOLLOW), 0, 0,
	      "fchownat(AT_SYMLINK_NOFOLLOW)");
	tap_ok(lstat_of("l_file").st_uid == 44 && stat_of("file").st_uid == 0, "... changes the link only");
	CHECK(syscall(SYS_chown, "l_file", 46, 47), 0, 0, "chown through a link");
	tap_ok(lstat_of("l_file").st_uid == 44 && stat_of("file").st_uid == 46, "... changes the file");
	CHECK(syscall(SYS_access, "l_dangling", F_OK), 0, 0, "access follows (the target exists now)");

	/* Loops: 40 links may be followed in one lookup, not 41. */
	CHECK(syscall(SYS_symlink, "l_self", "l_self"), 0, 0, "a link to itself");
	CHECK(syscall(SYS_stat, "l_self", &st), -1, ELOOP, "stat of it -> ELOOP");
	CHECK(open("l_self", O_RDONLY), -1, ELOOP, "open of it -> ELOOP");
	CHECK(open("l_self", O_CREAT | O_RDONLY, 0644), -1, ELOOP, "open(O_CREAT) of it -> ELOOP");
	CHECK(syscall(SYS_stat, "l_self/x", &st), -1, ELOOP, "a path through it -> ELOOP");
	tap_eq(lstat_of("l_self").st_mode, S_IFLNK | 0777, "lstat of it is fine");
	chain('c', "file", "", 40);
	CHECK(syscall(SYS_stat, "c39", &st), 0, 0, "a chain of 40 links resolves");
	CHECK(syscall(SYS_stat, "c40", &st), -1, ELOOP, "a chain of 41 links -> ELOOP");
	syscall(SYS_symlink, "c20", "d20");
	CHECK(syscall(SYS_stat, "d20", &st), 0, 0, "21 links");
	chain('e', "dir", "/.", 39);
	CHECK(syscall(SYS_stat, "e39/inner", &st), 0, 0, "40 links, each in the middle of the next target");
	syscall(SYS_symlink, "e39/.", "e40");
	CHECK(syscall(SYS_stat, "e40/inner", &st), -1, ELOOP, "41 such links -> ELOOP");

	/* Removing a link leaves its target. */
	CHECK(syscall(SYS_unlink, "l_file"), 0, 0, "unlink a link");
	tap_ok(!strcmp(text_of("file"), "hello"), "... the file is still there");
	CHECK(syscall(SYS_unlink, "l_dir"), 0, 0, "unlink a link to a directory");
	tap_eq(stat_of("dir").st_mode, S_IFDIR | 0755, "... the directory is still there");
}

/* ---- hard links ----------------------------------------------------------- */

static void hardlinks(void)
{
	put("h_file", "data");
	mkdir("h_dir", 0755);
	CHECK(syscall(SYS_link, "h_file", "h_two"), 0, 0, "link(\"h_file\", \"h_two\")");
	tap_ok(same_file("h_file", "h_two"), "... both names are one inode");
	tap_eq(stat_of("h_file").st_nlink, 2, "... nlink 2");
	put("h_two", "DATA");
	tap_ok(!strcmp(text_of("h_file"), "DATA"), "a write through one name shows through the other");
	CHECK(syscall(SYS_unlink, "h_file"), 0, 0, "unlink the first name");
	tap_eq(stat_of("h_two").st_nlink, 1, "... nlink 1");
	tap_ok(!strcmp(text_of("h_two"), "DATA"), "... the data is still there");
	CHECK(syscall(SYS_link, "h_two", "h_dir/h_three"), 0, 0, "link into another directory");
	tap_eq(stat_of("h_two").st_nlink, 2, "... nlink 2");

	CHECK(syscall(SYS_link, "h_two", "h_dir/h_three"), -1, EEXIST, "link over an existing name -> EEXIST");
	CHECK(syscall(SYS_link, "h_dir", "h_dirlink"), -1, EPERM, "link of a directory -> EPERM");
	CHECK(syscall(SYS_link, "h_dir", "h_two"), -1, EEXIST, "link of a directory over a name -> EEXIST");
	CHECK(syscall(SYS_link, "missing", "h_new"), -1, ENOENT, "link of a missing name -> ENOENT");
	CHECK(syscall(SYS_link, "missing", BAD), -1, ENOENT, "link(missing, bad new) -> ENOENT (old first)");
	CHECK(syscall(SYS_link, BAD, "h_new"), -1, EFAULT, "link(bad old) -> EFAULT");
	CHECK(syscall(SYS_link, "h_two", BAD), -1, EFAULT, "link(old, bad new) -> EFAULT");
	CHECK(syscall(SYS_link, "h_two/", "h_new"), -1, ENOTDIR, "link(\"file/\", ...) -> ENOTDIR");
	CHECK(syscall(SYS_link, "h_two", "h_new/"), -1, ENOENT, "link(..., \"new/\") -> ENOENT");
	CHECK(syscall(SYS_link, "h_two", "missing/h_new"), -1, ENOENT, "link into a missing directory -> ENOENT");
	CHECK(syscall(SYS_linkat, AT_FDCWD, "h_two", AT_FDCWD, "h_new", 0x1), -1, EINVAL,
	      "linkat with an unknown flag -> EINVAL");
	CHECK(syscall(SYS_linkat, AT_FDCWD, BAD, AT_FDCWD, "h_new", 0x1), -1, EINVAL,
	      "linkat(bad path, unknown flag) -> EINVAL (flags first)");

	syscall(SYS_symlink, "h_two", "h_sym");
	CHECK(syscall(SYS_linkat, AT_FDCWD, "h_sym", AT_FDCWD, "h_symlink2", 0), 0, 0,
	      "linkat of a symlink without AT_SYMLINK_FOLLOW");
	tap_eq(lstat_of("h_symlink2").st_mode, S_IFLNK | 0777, "... links the symlink itself");
	tap_eq(lstat_of("h_sym").st_nlink, 2, "... which now has nlink 2");
	CHECK(syscall(SYS_linkat, AT_FDCWD, "h_sym", AT_FDCWD, "h_follow", 0x400), 0, 0,
	      "linkat(AT_SYMLINK_FOLLOW)");
	tap_ok(same_file("h_follow", "h_two"), "... links the file it names");
	tap_eq(stat_of("h_two").st_nlink, 3, "... which now has nlink 3");

	int fd = open("h_two", O_RDONLY);
	CHECK(syscall(SYS_linkat, fd, "", AT_FDCWD, "h_empty", 0x1000), 0, 0,
	      "linkat(fd, \"\", AT_EMPTY_PATH) links the open file");
	tap_ok(same_file("h_empty", "h_two"), "... the same inode");
	CHECK(syscall(SYS_linkat, fd, "", AT_FDCWD, "h_empty2", 0), -1, ENOENT,
	      "linkat(fd, \"\") without AT_EMPTY_PATH -> ENOENT");
	close(fd);
}

/* ---- rename --------------------------------------------------------------- */

static void renames(void)
{
	mkdir("r", 0755);
	if (chdir("r"))
		bail("chdir r");
	put("a", "A");
	put("b", "B");
	ino_t ino_a = stat_of("a").st_ino;
	CHECK(syscall(SYS_rename, "a", "c"), 0, 0, "rename(\"a\", \"c\")");
	tap_ok(stat_of("a").st_mode == 0 && stat_of("c").st_ino == ino_a, "... the inode has the new name only");
	int fd = open("b", O_RDONLY);
	CHECK(syscall(SYS_rename, "c", "b"), 0, 0, "rename onto an existing file replaces it");
	tap_ok(!strcmp(text_of("b"), "A") && stat_of("c").st_mode == 0, "... the name now has the moved file");
	struct stat st;
	syscall(SYS_fstat, fd, &st);
	tap_eq(st.st_nlink, 0, "... the replaced file, still open, has nlink 0");
	CHECK(read(fd, buf, 10), 1, 0, "... and can still be read");
	close(fd);

	CHECK(syscall(SYS_rename, "b", "b"), 0, 0, "rename onto itself -> 0");
	syscall(SYS_link, "b", "b2");
	CHECK(syscall(SYS_rename, "b", "b2"), 0, 0, "rename onto another name of the same inode -> 0");
	tap_ok(stat_of("b").st_mode && stat_of("b2").st_nlink == 2, "... and both names stay");
	syscall(SYS_unlink, "b2");

	mkdir("d1", 0755);
	mkdir("d2", 0755);
	mkdir("full", 0755);
	put("full/x", "x");
	put("f", "F");
	CHECK(syscall(SYS_rename, "d1", "d2"), 0, 0, "rename a directory onto an empty one");
	tap_eq(stat_of("d1").st_mode, 0, "... the old name is gone");
	CHECK(syscall(SYS_rename, "d2", "full"), -1, ENOTEMPTY, "onto a directory that is not empty -> ENOTEMPTY");
	CHECK(syscall(SYS_rename, "f", "d2"), -1, EISDIR, "a file onto a directory -> EISDIR");
	CHECK(syscall(SYS_rename, "d2", "f"), -1, ENOTDIR, "a directory onto a file -> ENOTDIR");
	CHECK(syscall(SYS_rename, "d2", "d2/sub"), -1, EINVAL, "a directory into itself -> EINVAL");
	mkdir("d2/sub", 0755);
	CHECK(syscall(SYS_rename, "d2", "d2/sub/deeper"), -1, EINVAL, "a directory into its subdirectory -> EINVAL");
	CHECK(syscall(SYS_rename, "d2/sub", "d2"), -1, ENOTEMPTY, "a directory onto its parent -> ENOTEMPTY");
	CHECK(syscall(SYS_rename, "full/x", "full"), -1, ENOTEMPTY, "a file onto its parent -> ENOTEMPTY");
	CHECK(syscall(SYS_rename, "missing", "g"), -1, ENOENT, "rename of a missing name -> ENOENT");
	CHECK(syscall(SYS_rename, "missing", BAD), -1, EFAULT,
	      "rename(missing, bad new) -> EFAULT: both parents are walked before either name is looked up");
	CHECK(syscall(SYS_rename, BAD, "g"), -1, EFAULT, "rename(bad old) -> EFAULT");
	CHECK(syscall(SYS_rename, "f", BAD), -1, EFAULT, "rename(old, bad new) -> EFAULT");
	CHECK(syscall(SYS_rename, "f", "missing/g"), -1, ENOENT, "rename into a missing directory -> ENOENT");
	CHECK(syscall(SYS_rename, ".", "g"), -1, EBUSY, "rename(\".\") -> EBUSY");
	CHECK(syscall(SYS_rename, "f", ".."), -1, EBUSY, "rename onto \"..\" -> EBUSY");
	CHECK(syscall(SYS_rename, "f/", "g"), -1, ENOTDIR, "rename(\"file/\", ...) -> ENOTDIR");
	CHECK(syscall(SYS_rename, "f", "g/"), -1, ENOTDIR, "rename(file, \"new/\") -> ENOTDIR");
	CHECK(syscall(SYS_rename, "d2/", "d3/"), 0, 0, "rename(\"dir/\", \"new/\") -> 0");
	static char longname[300];
	memset(longname, 'n', 256);
	CHECK(syscall(SYS_rename, "f", longname), -1, ENAMETOOLONG, "rename to a 256-byte name -> ENAMETOOLONG");
	CHECK(syscall(SYS_rename, longname, "missing/g"), -1, ENOENT,
	      "rename(long name, missing dir) -> ENOENT: both parents are walked first");

	/* A directory moving to another parent: link counts and "..". */
	nlink_t before = stat_of(".").st_nlink, full_before = stat_of("full").st_nlink;
	CHECK(syscall(SYS_rename, "d3", "full/d3"), 0, 0, "move a directory into another");
	tap_eq(stat_of(".").st_nlink, before - 1, "... the old parent lost a link");
	tap_eq(stat_of("full").st_nlink, full_before + 1, "... the new parent gained one");
	tap_ok(same_file("full/d3/..", "full"), "... its \"..\" is the new parent");
	tap_ok(same_file("full/d3/sub/../..", "full"), "... and its subdirectory's \"../..\"");

	/* The working directory moves with its directory. */
	if (chdir("full/d3/sub"))
		bail("chdir full/d3/sub");
	CHECK(syscall(SYS_rename, "../../../full", "../../../moved"), 0, 0, "rename an ancestor of the cwd");
	CHECK(syscall(SYS_getcwd, buf, sizeof buf), (long)strlen(scratch_dir) + 16, 0, "getcwd");
	tap_ok(!strcmp(buf + strlen(scratch_dir), "/r/moved/d3/sub"), "... names the new place (%s)", buf);
	put("here", "h");
	tap_ok(stat_of("../../x").st_mode == (S_IFREG | 0644), "relative names still work from it");
	if (chdir(scratch_dir) || chdir("r"))
		bail("chdir back");

	/* renameat2's flags. */
	put("n1", "one");
	put("n2", "two");
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "n1", AT_FDCWD, "n2", RENAME_NOREPLACE), -1, EEXIST,
	      "RENAME_NOREPLACE onto an existing name -> EEXIST");
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "n1", AT_FDCWD, "n3", RENAME_NOREPLACE), 0, 0,
	      "RENAME_NOREPLACE onto a new name -> 0");
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "n3", AT_FDCWD, "..", RENAME_NOREPLACE), -1, EEXIST,
	      "RENAME_NOREPLACE onto \"..\" -> EEXIST");
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "n3", AT_FDCWD, "n2", RENAME_EXCHANGE), 0, 0,
	      "RENAME_EXCHANGE of two files");
	tap_ok(!strcmp(text_of("n2"), "one") && !strcmp(text_of("n3"), "two"), "... they swapped");
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "n3", AT_FDCWD, "n4", RENAME_EXCHANGE), -1, ENOENT,
	      "RENAME_EXCHANGE with a missing name -> ENOENT");
	mkdir("x_dir", 0755);
	put("x_dir/in", "in");
	nlink_t here = stat_of(".").st_nlink, moved = stat_of("moved").st_nlink;
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "x_dir", AT_FDCWD, "moved/x", RENAME_EXCHANGE), 0, 0,
	      "RENAME_EXCHANGE of a directory and a file in another directory");
	tap_ok(lstat_of("x_dir").st_mode == (S_IFREG | 0644) && !strcmp(text_of("moved/x/in"), "in"),
	       "... they swapped");
	tap_ok(stat_of(".").st_nlink == here - 1 && stat_of("moved").st_nlink == moved + 1,
	       "... and the parents' link counts followed");
	tap_ok(same_file("moved/x/..", "moved"), "... the directory's \"..\" too");
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "moved", AT_FDCWD, "moved/x", RENAME_EXCHANGE), -1, EINVAL,
	      "RENAME_EXCHANGE of a directory with its child -> EINVAL");
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "moved/x", AT_FDCWD, "moved", RENAME_EXCHANGE), -1, EINVAL,
	      "RENAME_EXCHANGE of a directory with its parent -> EINVAL");
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "n2", AT_FDCWD, "n3", RENAME_EXCHANGE | RENAME_NOREPLACE),
	      -1, EINVAL, "RENAME_EXCHANGE | RENAME_NOREPLACE -> EINVAL");
	CHECK(syscall(SYS_renameat2, AT_FDCWD, "n2", AT_FDCWD, "n3", 0x20), -1, EINVAL,
	      "an unknown flag -> EINVAL");
	CHECK(syscall(SYS_renameat2, AT_FDCWD, BAD, AT_FDCWD, "n3", 0x20), -1, EINVAL,
	      "an unknown flag and a bad path -> EINVAL (flags first)");
	int dfd = open("moved", O_RDONLY | O_DIRECTORY);
	CHECK(syscall(SYS_renameat, AT_FDCWD, "n2", dfd, "n2"), 0, 0, "renameat into a directory fd");
	tap_ok(!strcmp(text_of("moved/n2"), "one"), "... the file moved");
	close(dfd);
	if (chdir(scratch_dir))
		bail("chdir back");
}

/* ---- /proc/self/exe ---------------------------------------------------------- */

static int child_exe(void *unused)
{
	(void)unused;
	char b[512];
	long n = syscall(SYS_readlink, "/proc/self/exe", b, sizeof b - 1);

	return n > 0 && n == (long)strlen(buf) && !memcmp(b, buf, n) ? 0 : 1;
}

static void self_exe(void)
{
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	struct stat st;

	memset(buf, 0, sizeof buf);
	got = syscall(SYS_readlink, "/proc/self/exe", buf, sizeof buf - 1);
	tap_ok(got > 0 && buf[0] == '/', "readlink(\"/proc/self/exe\") is an absolute name (%s)", buf);
	tap_ok(same_file(buf, execfn), "... of the file that was run (%s)", execfn);
	tap_eq(lstat_of("/proc/self/exe").st_mode & S_IFMT, S_IFLNK, "lstat: it is a symlink");
	CHECK(syscall(SYS_stat, "/proc/self/exe", &st), 0, 0, "stat follows it");
	tap_ok(same_file("/proc/self/exe", execfn), "... to the program's file");
	char small[4];
	CHECK(syscall(SYS_readlink, "/proc/self/exe", small, 4), 4, 0, "readlink with bufsiz 4 -> 4");
	child_case(child_exe, NULL, EXITED(0), "a forked child's /proc/self/exe is the same");
}

int main(void)
{
	scratch_enter("links");
	symlinks();
	hardlinks();
	renames();
	self_exe();
	scratch_leave();
	return done_testing();
}

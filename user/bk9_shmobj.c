/* user/bk9_shmobj.c — POSIX shared memory objects (shm_open, shm_unlink in
 * /dev/shm) through their whole life: creation rules, sizes, reopening,
 * O_TRUNC under a mapping, unlink while mapped, other users. Ideas from
 * LTP's shm_open/shm_unlink conformance tests and gVisor's shm tests,
 * written fresh. Each rule was first seen on Linux (tmpfs):
 *  - a new object is empty (size 0), S_IFREG with the mode less the
 *    umask, close-on-exec; O_EXCL on an existing name is EEXIST.
 *  - a read-only descriptor cannot ftruncate (EINVAL) or map shared
 *    writable (EACCES), but maps shared readable and sees every store.
 *  - opening with O_TRUNC empties the object: mapped pages give SIGBUS.
 *  - after shm_unlink the name is free; a new object under it shares
 *    nothing with the old one, which lives on in its mapping.
 *  - sizes: 2^62 bytes is a valid size, a byte written at its last offset
 *    costs one page; a negative size is EINVAL.
 *  - the mode bits hold for another user; the sticky /dev/shm keeps it
 *    from removing our object (EPERM, through musl's unlink), but it may
 *    make its own, which root may open.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "child.h"

#define PAGE 4096
#define NAME "/bk9_shmobj"
#define PATH "/dev/shm/bk9_shmobj"
#define NOBODY 65534

static int child_touch(void *at)
{
	return *(volatile char *)at;
}

static void create_cases(void)
{
	struct stat st;

	shm_unlink(NAME);
	umask(022);
	int fd = shm_open(NAME, O_CREAT | O_EXCL | O_RDWR, 0666);
	tap_ok(fd >= 0, "shm_open(O_CREAT|O_EXCL) a new object");
	tap_ok(fstat(fd, &st) == 0 && st.st_size == 0 && st.st_mode == (S_IFREG | 0644) && st.st_nlink == 1,
	       "... empty, S_IFREG 0644 (0666 less umask 022), one link");
	tap_ok(fcntl(fd, F_GETFD) == FD_CLOEXEC, "... close-on-exec");
	tap_ok(stat(PATH, &st) == 0 && S_ISREG(st.st_mode), "... it is " PATH);
	errno = 0;
	tap_ok(shm_open(NAME, O_CREAT | O_EXCL | O_RDWR, 0600) == -1 && errno == EEXIST,
	       "O_CREAT|O_EXCL again -> EEXIST");
	tap_ok(stat("/dev/shm", &st) == 0 && (st.st_mode & 07777) == 01777, "/dev/shm is 01777");

	char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	tap_ok(p != MAP_FAILED, "mmap a page of the empty object -> mapped");
	child_case(child_touch, p, KILLED(SIGBUS), "... touching it -> SIGBUS");
	tap_ok(ftruncate(fd, 10000) == 0, "ftruncate to 10000");
	p[0] = 'h';
	p[PAGE - 1] = 'i';
	munmap(p, PAGE);
	close(fd);
}

static void reopen_cases(void)
{
	struct stat st;
	int ro = shm_open(NAME, O_RDONLY, 0);

	tap_ok(ro >= 0 && fstat(ro, &st) == 0 && st.st_size == 10000, "reopen O_RDONLY: size 10000");
	errno = 0;
	tap_ok(ftruncate(ro, 0) == -1 && errno == EINVAL, "ftruncate a read-only descriptor -> EINVAL");
	errno = 0;
	tap_ok(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED && errno == EACCES,
	       "map it shared and writable -> EACCES");
	char *r = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, ro, 0);
	tap_ok(r != MAP_FAILED && r[0] == 'h' && r[PAGE - 1] == 'i' && r[9999] == 0,
	       "map it shared and readable: the earlier stores are there");
	int rw = shm_open(NAME, O_RDWR, 0);
	char *w = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
	w[9999] = 'z';
	tap_ok(r[9999] == 'z', "a store through a second, writable mapping shows in the read-only one");
	int tr = shm_open(NAME, O_RDWR | O_TRUNC, 0);
	tap_ok(tr >= 0 && fstat(tr, &st) == 0 && st.st_size == 0, "reopen with O_TRUNC: size 0");
	child_case(child_touch, r, KILLED(SIGBUS), "... the read-only mapping's page 0 -> SIGBUS");
	child_case(child_touch, w + 2 * PAGE, KILLED(SIGBUS), "... the writable one's page 2 -> SIGBUS");
	munmap(r, 3 * PAGE);
	munmap(w, 3 * PAGE);
	close(ro);
	close(rw);
	close(tr);
}

static void unlink_cases(void)
{
	int fd = shm_open(NAME, O_RDWR, 0);
	struct stat st;

	if (fd < 0 || ftruncate(fd, PAGE))
		bail("reopen");
	char *old = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	old[0] = 'o';
	tap_ok(shm_unlink(NAME) == 0, "shm_unlink while mapped (no descriptor open)");
	errno = 0;
	tap_ok(shm_open(NAME, O_RDWR, 0) == -1 && errno == ENOENT, "... the name is gone (ENOENT)");
	tap_ok(old[0] == 'o', "... the mapping still holds the data");
	fd = shm_open(NAME, O_CREAT | O_EXCL | O_RDWR, 0600);
	tap_ok(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "a new object under the name: size 0");
	ftruncate(fd, PAGE);
	char *new = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	new[0] = 'n';
	tap_ok(old[0] == 'o' && new[0] == 'n', "... it shares nothing with the old one");
	munmap(old, PAGE);
	munmap(new, PAGE);
	close(fd);
}

static void size_cases(void)
{
	int fd = shm_open(NAME, O_RDWR, 0);
	struct stat st;

	errno = 0;
	tap_ok(ftruncate(fd, -1) == -1 && errno == EINVAL, "ftruncate to -1 -> EINVAL");
	tap_ok(ftruncate(fd, 0) == 0 && ftruncate(fd, 1l << 62) == 0, "ftruncate to 0, then to 2^62 -> 0");
	tap_ok(fstat(fd, &st) == 0 && st.st_size == 1l << 62 && st.st_blocks == 0,
	       "... size 2^62, no blocks");
	tap_ok(pwrite(fd, "e", 1, (1l << 62) - 1) == 1, "pwrite the last byte -> 1");
	tap_ok(fstat(fd, &st) == 0 && st.st_blocks == PAGE / 512, "... one page of blocks");
	char *p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, (1l << 62) - PAGE);
	tap_ok(p != MAP_FAILED && p[PAGE - 1] == 'e', "map the last page: the byte is there");
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	tap_ok(ftruncate(fd, 0) == 0 && fstat(fd, &st) == 0 && st.st_blocks == 0,
	       "ftruncate to 0 frees it");
	close(fd);
}

/* Each runs as uid 65534 and exits 0 if its call failed with the errno
 * expected; else with the errno it got, or 100 if the call succeeded. */
static int become_nobody(void)
{
	return setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY);
}

static int want_errno(long r, int e)
{
	return r >= 0 ? 100 : errno == e ? 0 : errno;
}

static int nobody_opens(void *flags)
{
	if (become_nobody())
		return 90;
	errno = 0;
	return want_errno(shm_open(NAME, *(int *)flags, 0), EACCES);
}

static int nobody_unlinks(void *unused)
{
	(void)unused;
	if (become_nobody())
		return 90;
	errno = 0;
	return want_errno(shm_unlink(NAME), EPERM);
}

static int nobody_creates(void *unused)
{
	(void)unused;
	if (become_nobody())
		return 90;
	int fd = shm_open("/bk9_nobody", O_CREAT | O_EXCL | O_RDWR, 0600);
	return fd < 0 ? errno : 0;
}

static void user_cases(void)
{
	struct stat st;
	int rdonly = O_RDONLY, rdwr = O_RDWR;

	shm_unlink("/bk9_nobody");
	int fd = shm_open(NAME, O_RDWR, 0);
	if (fd < 0 || fchmod(fd, 0600))
		bail("fchmod");
	if (!tap_not_yet(3, "file permission checks (mode bits, the sticky bit)")) {
		child_case(nobody_opens, &rdonly, EXITED(0), "uid 65534 opens our 0600 object O_RDONLY -> EACCES");
		fchmod(fd, 0644);
		child_case(nobody_opens, &rdwr, EXITED(0), "uid 65534 opens our 0644 object O_RDWR -> EACCES");
		child_case(nobody_unlinks, NULL, EXITED(0), "uid 65534 unlinks our object in sticky /dev/shm -> EPERM");
	}
	close(fd);
	child_case(nobody_creates, NULL, EXITED(0), "uid 65534 makes its own object");
	if (!tap_not_yet(1, "owners for new files (st_uid is always 0)") &&
	    !tap_ok(stat("/dev/shm/bk9_nobody", &st) == 0 && st.st_uid == NOBODY && (st.st_mode & 0777) == 0600,
		    "... that object is uid 65534's, mode 0600"))
		tap_diag("uid %d, mode %#o", (int)st.st_uid, st.st_mode);
	fd = shm_open("/bk9_nobody", O_RDWR, 0);
	tap_ok(fd >= 0, "... root opens it anyway");
	close(fd);
	tap_ok(shm_unlink("/bk9_nobody") == 0, "... and removes it");
	shm_unlink(NAME);
}

int main(void)
{
	create_cases();
	reopen_cases();
	unlink_cases();
	size_cases();
	user_cases();
	return done_testing();
}

/* user/mlockargs.c — which pages mlock, mlock2, mlockall and MAP_LOCKED
 * lock, and when they fail, as Linux decides:
 *
 *   - the range is every page [addr, addr + len) touches;
 *   - areas are locked up to the first hole, which is ENOMEM, and then
 *     nothing is brought in;
 *   - a PROT_NONE page cannot be brought in: ENOMEM, the area stays locked;
 *   - a length that wraps once the start's offset is added (-1) is a
 *     length of 0; a range that wraps is EINVAL;
 *   - MLOCK_ONFAULT and MCL_ONFAULT lock pages as they are touched;
 *   - mlockall(MCL_CURRENT) skips pages it cannot bring in (a private file
 *     mapping past the end of its file) where mlock fails;
 *   - MAP_LOCKED maps resident and locked.
 * MADV_DONTNEED on a locked page is EINVAL: that is how the tests see a
 * lock without /proc/self/smaps. RLIMIT_MEMLOCK is memlock.c's. */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "swap.h"

#define TASK_SIZE_MAX 0x7ffffffff000UL
#define MLOCK_ONFAULT 1

static int dontneed(void *p)
{
	return madvise(p, PAGE, MADV_DONTNEED) ? errno : 0;
}

static void range(void)
{
	char *p = map_anon(3 * PAGE);

	tap_try(mlock(p + PAGE + 4000, 200), 0, 0, "mlock of 200 bytes across a page boundary -> 0");
	tap_resident(p + PAGE, 2 * PAGE, 2, "... locked and brought in both pages");
	tap_resident(p, PAGE, 0, "... and not the page before");
	tap_eq(dontneed(p + 2 * PAGE), EINVAL, "MADV_DONTNEED on the second page -> EINVAL");
	tap_eq(dontneed(p), 0, "MADV_DONTNEED on the unlocked page -> 0");
	tap_try(syscall(SYS_mlock, p, -1L), 0, 0, "mlock with length -1 (a length of 0) -> 0");
	tap_try(syscall(SYS_mlock, p + 1, -1L), 0, 0, "... also from a misaligned start");
	tap_try(syscall(SYS_mlock, p, -2 * (long)PAGE), -1, EINVAL, "mlock of a range that wraps -> EINVAL");
	tap_try(syscall(SYS_munlock, p, -2 * (long)PAGE), -1, EINVAL, "munlock of it -> EINVAL");
	tap_try(mlock(p, 0), 0, 0, "mlock with length 0 -> 0");
	tap_try(syscall(SYS_mlock, TASK_SIZE_MAX, PAGE), -1, ENOMEM, "mlock at TASK_SIZE_MAX -> ENOMEM");
	munmap(p, 3 * PAGE);
}

static void holes(void)
{
	char *p = map_anon(3 * PAGE);

	munmap(p + PAGE, PAGE);
	tap_try(mlock(p, 3 * PAGE), -1, ENOMEM, "mlock over a hole -> ENOMEM");
	tap_resident(p, PAGE, 0, "... brought nothing in");
	tap_eq(dontneed(p), EINVAL, "... but locked the area before the hole");
	tap_eq(dontneed(p + 2 * PAGE), 0, "... and not the one after it");
	tap_try(munlock(p, 3 * PAGE), -1, ENOMEM, "munlock over a hole -> ENOMEM");
	tap_eq(dontneed(p), 0, "... after unlocking the area before the hole");
	munmap(p, 3 * PAGE);

	p = map_anon(2 * PAGE);
	mprotect(p + PAGE, PAGE, PROT_NONE);
	tap_try(mlock(p, 2 * PAGE), -1, ENOMEM, "mlock of a range ending in PROT_NONE -> ENOMEM");
	tap_resident(p, PAGE, 1, "... after bringing in the accessible page");
	tap_eq(dontneed(p + PAGE), EINVAL, "... and locking the PROT_NONE page too");
	munlock(p, 2 * PAGE);
	munmap(p, 2 * PAGE);
}

static void onfault(void)
{
	char *p = map_anon(4 * PAGE);

	tap_try(syscall(SYS_mlock2, p, 4 * PAGE, 2), -1, EINVAL, "mlock2 with an unknown flag -> EINVAL");
	tap_try(syscall(SYS_mlock2, p, 4 * PAGE, MLOCK_ONFAULT), 0, 0, "mlock2(MLOCK_ONFAULT) -> 0");
	tap_resident(p, 4 * PAGE, 0, "... brought nothing in");
	tap_eq(dontneed(p), EINVAL, "... but locked the range");
	p[PAGE] = 1;
	tap_resident(p, 4 * PAGE, 1, "a touched page is in");
	tap_try(syscall(SYS_mlock2, p, 4 * PAGE, 0), 0, 0, "mlock2 with flags 0 -> 0");
	tap_resident(p, 4 * PAGE, 4, "... brought every page in");
	munlock(p, 4 * PAGE);

	madvise(p, 4 * PAGE, MADV_DONTNEED);
	tap_try(mlockall(MCL_CURRENT | MCL_ONFAULT), 0, 0, "mlockall(MCL_CURRENT | MCL_ONFAULT) -> 0");
	tap_resident(p, 4 * PAGE, 0, "... brought nothing in");
	tap_eq(dontneed(p), EINVAL, "... but locked the mapping");
	munlockall();
	tap_try(mlockall(MCL_FUTURE | MCL_ONFAULT), 0, 0, "mlockall(MCL_FUTURE | MCL_ONFAULT) -> 0");
	char *q = map_anon(4 * PAGE);
	tap_resident(q, 4 * PAGE, 0, "a later mapping is not brought in");
	tap_eq(dontneed(q), EINVAL, "... but is locked");
	munlockall();
	munmap(p, 4 * PAGE);
	munmap(q, 4 * PAGE);
}

static void locked_map(void)
{
	char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);

	if (p == MAP_FAILED)
		bail("mmap MAP_LOCKED");
	tap_resident(p, 4 * PAGE, 4, "MAP_LOCKED: every page resident untouched");
	tap_eq(dontneed(p), EINVAL, "MAP_LOCKED: MADV_DONTNEED -> EINVAL");
	munmap(p, 4 * PAGE);
}

/* A private mapping of 4 pages of a 1-byte file: pages 1-3 cannot be
 * brought in (touching them is SIGBUS). */
static void past_eof(void)
{
	int fd = open("mlockargs.tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
	char *p;

	if (fd < 0 || write(fd, "x", 1) != 1)
		bail("mlockargs.tmp");
	p = mmap(NULL, 4 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		bail("mmap of the file");
	tap_try(mlock(p, 4 * PAGE), -1, ENOMEM, "mlock of a file mapping past its end -> ENOMEM");
	tap_resident(p, PAGE, 1, "... after bringing in the page within the file");
	munlock(p, 4 * PAGE);
	madvise(p, PAGE, MADV_DONTNEED);
	tap_try(mlockall(MCL_CURRENT), 0, 0, "mlockall(MCL_CURRENT) with that mapping -> 0");
	tap_resident(p, PAGE, 1, "... brought in the page within the file");
	munlockall();
	munmap(p, 4 * PAGE);
	close(fd);
	unlink("mlockargs.tmp");
}

int main(void)
{
	range();
	holes();
	onfault();
	locked_map();
	past_eof();
	return done_testing();
}

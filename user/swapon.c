/* user/swapon.c — swapon(2) and swapoff(2): what they refuse, and (on
 * faultline) taking an area away and giving it back.
 *
 * Linux checks the flags first (unknown bits: EINVAL, before the path is
 * even read), then copies the path in (bad pointer: EFAULT; "" or a missing
 * file: ENOENT), opens it read-write (a directory: EISDIR), and then wants
 * a block device or a regular file holding a swap signature ("SWAPSPACE2"
 * at the end of the first page); anything else, a character device or a
 * file of zeros, is EINVAL. An area already in use is EBUSY. swapoff of a
 * path that is not an active area is EINVAL. Every call goes through
 * syscall(2), as root on the host too, and none of these can succeed: the
 * scratch file has no signature, so the host's swap stays as it was.
 *
 * On faultline only (uname version says "faultline"), where the test machine's
 * disks are ours to change: a third, blank disk /dev/vdc is refused; and
 * swapoff of the area that holds our paged-out pages brings every one of
 * them back into RAM intact, after which swapon restores it (with its old
 * priority, if that was an explicit one).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "swap.h"

#define NP 32
#define SEED 0x5a9
#define KERNEL_ADDR 0xffff800000000000UL
#define BLANK "/dev/vdc"

static long do_swapon(const char *path, long flags) { return syscall(SYS_swapon, path, flags); }
static long do_swapoff(const char *path) { return syscall(SYS_swapoff, path); }

struct refusal {
	const char *what;
	const char *path;
	long flags;
	int on_err, off_err; /* swapon's errno; swapoff's, 0 for "not tried" */
};

static void refusals(const char *file, const char *hole)
{
	const struct refusal r[] = {
		{ "a regular file of zeros", file, 0, EINVAL, EINVAL },
		{ "a character device (/dev/null)", "/dev/null", 0, EINVAL, EINVAL },
		{ "a directory (/tmp)", "/tmp", 0, EISDIR, EISDIR },
		{ "a missing file", "/no/such/swap", 0, ENOENT, ENOENT },
		{ "the empty path", "", 0, ENOENT, ENOENT },
		{ "a missing file with an unknown flag bit", "/no/such/swap", 0x100000, EINVAL, 0 },
		{ "path NULL", NULL, 0, EFAULT, EFAULT },
		{ "path in an unmapped page", hole, 0, EFAULT, EFAULT },
		{ "path a kernel address", (const char *)KERNEL_ADDR, 0, EFAULT, EFAULT },
	};

	for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
		tap_try(do_swapon(r[i].path, r[i].flags), -1, r[i].on_err, "swapon of %s -> %s",
			r[i].what, tap_errname(r[i].on_err));
		if (r[i].off_err)
			tap_try(do_swapoff(r[i].path), -1, r[i].off_err, "swapoff of %s -> %s",
				r[i].what, tap_errname(r[i].off_err));
	}
}

static bool listed(const char *name, int *prio)
{
	struct swap_area a[MAX_AREAS];
	int n = read_swaps(a);

	for (int i = 0; i < n; i++)
		if (!strcmp(a[i].name, name))
			return *prio = a[i].prio, true;
	return false;
}

/* A block device that is not swap: no signature where mkswap puts one. */
static void blank_disk(void)
{
	static char page[PAGE];
	struct stat st;
	const char *why = NULL;
	int fd = open(BLANK, O_RDONLY), prio;
	long got = 0;

	if (fd < 0)
		why = "cannot open " BLANK;
	else if (fstat(fd, &st) || !S_ISBLK(st.st_mode))
		why = BLANK " is not a block device";
	else if (listed(BLANK, &prio))
		why = BLANK " is in use as swap";
	else if ((got = read(fd, page, PAGE)) == PAGE && !memcmp(page + PAGE - 10, "SWAPSPACE2", 10))
		why = BLANK " has a swap signature";
	if (why) {
		tap_skip(why, "swapon of a disk without a swap signature");
		if (fd >= 0)
			close(fd);
		return;
	}
	/* The test machine's third disk is blank; a kernel that cannot read a
	 * block device through read() is taken at its word. */
	if (got != PAGE)
		tap_diag("read of " BLANK " returned %ld: taking it to be blank", got);
	close(fd);
	if (!tap_try(do_swapon(BLANK, 0), -1, EINVAL,
		     "swapon of a disk without a swap signature (" BLANK ") -> EINVAL") &&
	    try_ret == 0)
		do_swapoff(BLANK); /* put things back as they were */
}

/* Pages some pages out, then takes their area away and gives it back. */
static void off_and_on(void)
{
	struct swap_area before[MAX_AREAS], after[MAX_AREAS], *t = NULL;
	int n = read_swaps(before), prio;
	long total = meminfo_kb("SwapTotal"), grew = 0;
	char *buf = map_anon(NP * PAGE);

	fill_pages(buf, 0, NP, 1, SEED);
	page_out(buf, NP * PAGE, "the buffer");
	if (read_swaps(after) != n || n <= 0) {
		tap_skip("no swap area", "swapoff of the area holding our pages");
		return;
	}
	/* Ours went to the highest-priority area with room: the one that grew. */
	for (int i = 0; i < n; i++)
		if (after[i].used_kb - before[i].used_kb > grew)
			grew = after[i].used_kb - before[i].used_kb, t = &after[i];
	show_swaps();
	if (!tap_ok(grew >= NP * 4, "one swap area holds the %d pages", NP))
		return;
	tap_try(do_swapon(t->name, 0), -1, EBUSY, "swapon of an active area (%s) -> EBUSY",
		t->name);
	if (!tap_try(do_swapoff(t->name), 0, 0, "swapoff of %s -> 0", t->name))
		return;
	tap_ok(!listed(t->name, &prio), "%s is gone from /proc/swaps", t->name);
	tap_eq(total - meminfo_kb("SwapTotal"), t->size_kb, "SwapTotal fell by its size");
	tap_resident(buf, NP * PAGE, NP, "swapoff brought every page back into RAM");
	tap_eq(bad_pages(buf, 0, NP, 1, SEED), 0, "every page holds its data");

	/* A negative priority was the kernel's own choice and cannot be asked
	 * for: Linux gives the area the next lower one (after renumbering the
	 * others at swapoff), so only an explicit priority comes back exactly. */
	tap_try(do_swapon(t->name, t->prio >= 0 ? SWAP_FLAG_PREFER | t->prio : 0), 0, 0,
		"swapon of %s again -> 0", t->name);
	tap_ok(listed(t->name, &prio) && (t->prio < 0 || prio == t->prio),
	       "%s is back in /proc/swaps%s", t->name, t->prio < 0 ? "" : " with its priority");
	show_swaps();
	munmap(buf, NP * PAGE);
}

/* The highest negative priority in /proc/swaps (-2 at boot on faultline's
 * test machine, turned on without priorities), or INT_MIN if none. */
static int highest_auto_priority(void)
{
	struct swap_area a[MAX_AREAS];
	int n = read_swaps(a), best = INT_MIN;

	for (int i = 0; i < n; i++)
		if (a[i].prio < 0 && a[i].prio > best)
			best = a[i].prio;
	return best;
}

int main(void)
{
	char file[64];
	char *hole = map_anon(PAGE);
	static const char zeros[PAGE];
	struct swap_area a[MAX_AREAS];
	int fd;

	if (munmap(hole, PAGE))
		bail("munmap");
	snprintf(file, sizeof file, "/tmp/swapon.%d", getpid());
	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, zeros, PAGE) != PAGE)
		bail("create the scratch file");
	close(fd);
	refusals(file, hole);
	unlink(file);
	tap_ok(highest_auto_priority() <= -2,
	       "no swap area has priority -1: Linux's automatic priorities start at -2");

	if (!on_faultline()) {
		/* The host's areas are not ours to take away, but refusing one costs nothing. */
		if (read_swaps(a) > 0)
			tap_try(do_swapon(a[0].name, 0), -1, EBUSY, "swapon of an active area -> EBUSY");
		tap_skip("not on faultline", "swapon of a disk without a swap signature");
		tap_skip("not on faultline", "swapoff of the area holding our pages");
		return done_testing();
	}
	blank_disk();
	off_and_on();
	return done_testing();
}

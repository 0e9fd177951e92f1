/* user/pageout.c — system calls whose user buffer is out in swap, and the
 * error rules of madvise(MADV_PAGEOUT), mincore and MADV_DONTNEED.
 *
 * A page pushed out with MADV_PAGEOUT is not present, yet it is perfectly
 * valid user memory: the kernel's own copy_from_user, copy_to_user,
 * get_user and put_user must take the fault, read the page back from swap
 * and carry on, exactly as a user access would (Linux's page-fault path
 * does not care whether the access came from the kernel). A buffer a call
 * only partly overwrites must come back with its old bytes around the new
 * ones, not as a fresh zero page. Each case pages out a four-page buffer,
 * makes one call on a part of it (most parts straddle a page boundary),
 * checks the result and every byte of the buffer, and then asks mincore
 * whether the touched pages are resident again.
 *
 * Without swap (the usual Linux host) MADV_PAGEOUT leaves anonymous pages
 * in RAM, so that the pages left is asserted only when SwapTotal > 0 (see
 * page_out in swap.h); the calls are checked either way.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "swap.h"

#define NP 4 /* pages in a case's buffer */
#define KERNEL_ADDR 0xffff800000000000UL
#define ARCH_GET_FS 0x1003 /* <asm/prctl.h>, which musl does not ship */

static int fd;                       /* a scratch file in /tmp */
static unsigned char snap[NP * PAGE]; /* the buffer as it was paged out */
static const unsigned char *was;      /* the part of snap a call works on */

/* ---- the calls ------------------------------------------------------------- */

/* Each works on p = the part of the paged-out buffer its case names and
 * returns NULL if the call did what Linux does, else what went wrong. */

static const char *do_write(unsigned char *p, size_t len)
{
	static unsigned char back[NP * PAGE];

	if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET) || write(fd, p, len) != (long)len)
		return "write() did not write it all";
	if (pread(fd, back, len, 0) != (long)len || memcmp(back, was, len))
		return "the file does not hold the buffer's bytes";
	return NULL;
}

static const char *do_read(unsigned char *p, size_t len)
{
	unsigned char src[256];

	for (size_t i = 0; i < len; i++)
		src[i] = 'R' + i;
	if (ftruncate(fd, 0) || pwrite(fd, src, len, 0) != (long)len || lseek(fd, 0, SEEK_SET))
		return "cannot set up the file";
	if (read(fd, p, len) != (long)len)
		return "read() did not read it all";
	return memcmp(p, src, len) ? "the buffer does not hold the file's bytes" : NULL;
}

static const char *do_uname(unsigned char *p, size_t len)
{
	struct utsname ref;

	if (uname(&ref) || syscall(SYS_uname, p))
		return "uname() failed";
	return memcmp(p, &ref, len) ? "not the struct utsname uname() gives elsewhere" : NULL;
}

/* The raw syscall: musl would use the vDSO and never enter the kernel. */
static const char *do_clock_gettime(unsigned char *p, size_t len)
{
	struct timespec before, after, got;

	(void)len;
	if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &before) ||
	    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, p) ||
	    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &after))
		return "clock_gettime() failed";
	memcpy(&got, p, sizeof got);
	if (got.tv_sec < before.tv_sec || got.tv_sec > after.tv_sec || got.tv_nsec < 0 ||
	    got.tv_nsec >= 1000000000)
		return "the time is not between the times read before and after";
	return NULL;
}

/* ARCH_GET_FS stores one u64 with put_user. */
static const char *do_get_fs(unsigned char *p, size_t len)
{
	uint64_t ref;

	if (syscall(SYS_arch_prctl, ARCH_GET_FS, &ref) ||
	    syscall(SYS_arch_prctl, ARCH_GET_FS, p))
		return "arch_prctl(ARCH_GET_FS) failed";
	return memcmp(p, &ref, len) ? "not the FS base" : NULL;
}

/* nanosleep reads its timespec from the paged-out buffer. */
static void prep_nanosleep(unsigned char *p)
{
	memcpy(p, &(struct timespec){ 0, 1000 }, sizeof(struct timespec));
}

static const char *do_nanosleep(unsigned char *p, size_t len)
{
	(void)len;
	return syscall(SYS_nanosleep, p, NULL) ? "nanosleep() failed" : NULL;
}

static const char *do_pipe2(unsigned char *p, size_t len)
{
	int fds[2];
	char c = 0;

	(void)len;
	if (syscall(SYS_pipe2, p, 0))
		return "pipe2() failed";
	memcpy(fds, p, sizeof fds);
	if (write(fds[1], "x", 1) != 1 || read(fds[0], &c, 1) != 1 || c != 'x')
		return "the descriptors stored are not the two ends of a pipe";
	close(fds[0]);
	close(fds[1]);
	return NULL;
}

struct pcase {
	const char *name;
	size_t off, len; /* the bytes the call reads or writes */
	bool out;        /* it writes them: only they may change */
	void (*prepare)(unsigned char *p);
	const char *(*run)(unsigned char *p, size_t len);
};

static const struct pcase cases[] = {
	{ "write() of 3 pages to a file", 100, 3 * PAGE, false, NULL, do_write },
	{ "read() from a file, across a page boundary", PAGE - 50, 100, true, NULL, do_read },
	{ "uname(), across a page boundary", 2 * PAGE - 100, sizeof(struct utsname), true,
	  NULL, do_uname },
	{ "clock_gettime(), across a page boundary", 3 * PAGE - 8, sizeof(struct timespec),
	  true, NULL, do_clock_gettime },
	{ "arch_prctl(ARCH_GET_FS)", PAGE + 8, 8, true, NULL, do_get_fs },
	{ "nanosleep() reading its timespec", 3 * PAGE + 16, sizeof(struct timespec), false,
	  prep_nanosleep, do_nanosleep },
	{ "pipe2(), across a page boundary", 3 * PAGE - 4, 2 * sizeof(int), true, NULL,
	  do_pipe2 },
};

static void paged_out_case(const struct pcase *c)
{
	unsigned char *buf = map_anon(NP * PAGE);
	unsigned char *first = buf + c->off / PAGE * PAGE;
	size_t span = (c->off + c->len + PAGE - 1) / PAGE * PAGE - c->off / PAGE * PAGE;
	const char *why;
	char what[96];

	fill_pages(buf, 0, NP, 1, c->off);
	if (c->prepare)
		c->prepare(buf + c->off);
	memcpy(snap, buf, sizeof snap);
	snprintf(what, sizeof what, "the buffer for %s", c->name);
	page_out(buf, NP * PAGE, what);
	was = snap + c->off;
	why = c->run(buf + c->off, c->len);
	/* Residency first: checking the bytes would bring every page back. */
	tap_resident(first, span, span / PAGE, "%s: the pages it touched are resident again",
		     c->name);
	if (!why && c->out && (memcmp(buf, snap, c->off) ||
			       memcmp(buf + c->off + c->len, snap + c->off + c->len,
				      sizeof snap - c->off - c->len)))
		why = "bytes around the ones it wrote changed";
	if (!why && !c->out && memcmp(buf, snap, sizeof snap))
		why = "the buffer changed";
	tap_ok(!why, "%s: result right, every byte of the buffer right", c->name);
	if (why)
		tap_diag("%s", why);
	munmap(buf, NP * PAGE);
}

/* ---- errors and MADV_DONTNEED ---------------------------------------------- */

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void errors(void)
{
	/* One read-write page, an unmapped page, a read-only page. */
	unsigned char *rw = map_anon(3 * PAGE), *hole = rw + PAGE, *ro = rw + 2 * PAGE;
	unsigned char vec[4];

	if (munmap(hole, PAGE) || mprotect(ro, PAGE, PROT_READ))
		bail("munmap/mprotect");
	fill_page(rw, 0, 1);

	tap_try(madvise(rw + 1, PAGE, MADV_PAGEOUT), -1, EINVAL,
		"madvise(MADV_PAGEOUT), misaligned start -> EINVAL");
	tap_try(madvise(hole, PAGE, MADV_PAGEOUT), -1, ENOMEM,
		"madvise(MADV_PAGEOUT), unmapped range -> ENOMEM");
	tap_try(madvise(rw, 2 * PAGE, MADV_PAGEOUT), -1, ENOMEM,
		"madvise(MADV_PAGEOUT), range running into an unmapped page -> ENOMEM");
	tap_try(madvise(rw, 0, MADV_PAGEOUT), 0, 0, "madvise(MADV_PAGEOUT), length 0 -> 0");

	tap_try(mincore(rw + 1, PAGE, vec), -1, EINVAL, "mincore, misaligned start -> EINVAL");
	tap_try(mincore(hole, PAGE, vec), -1, ENOMEM, "mincore, unmapped range -> ENOMEM");
	tap_try(mincore(rw, 2 * PAGE, vec), -1, ENOMEM,
		"mincore, range running into an unmapped page -> ENOMEM");
	tap_try(mincore(rw, 0, vec), 0, 0, "mincore, length 0 -> 0");
	tap_try(mincore(rw, PAGE, NULL), -1, EFAULT, "mincore, vec NULL -> EFAULT");
	tap_try(mincore(rw, PAGE, hole), -1, EFAULT, "mincore, vec unmapped -> EFAULT");
	tap_try(mincore(rw, PAGE, ro), -1, EFAULT, "mincore, vec read-only -> EFAULT");
	tap_try(mincore(rw, PAGE, (void *)KERNEL_ADDR), -1, EFAULT,
		"mincore, vec a kernel address -> EFAULT");
	tap_ok(all_zero(ro, PAGE), "mincore wrote nothing into the read-only page");

	/* MADV_DONTNEED drops a private anonymous page: it reads back as
	 * zeros. Out in swap, the slot is dropped too, not read back. */
	tap_try(madvise(rw, PAGE, MADV_DONTNEED), 0, 0, "madvise(MADV_DONTNEED) -> 0");
	tap_ok(all_zero(rw, PAGE), "MADV_DONTNEED: the page reads back as zeros");
	fill_page(rw, 0, 2);
	page_out(rw, PAGE, "a page before MADV_DONTNEED");
	tap_try(madvise(rw, PAGE, MADV_DONTNEED), 0, 0,
		"madvise(MADV_DONTNEED) on a paged-out page -> 0");
	tap_ok(all_zero(rw, PAGE), "MADV_DONTNEED on a paged-out page: it reads back as zeros");
	munmap(rw, PAGE);
	munmap(ro, PAGE);
}

int main(void)
{
	char path[64];

	snprintf(path, sizeof path, "/tmp/pageout.%d", getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		bail("open /tmp file");
	unlink(path);
	if (!have_swap())
		tap_diag("%s: residency after MADV_PAGEOUT is not checked", NO_SWAP);

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		paged_out_case(&cases[i]);
	errors();
	close(fd);
	return done_testing();
}

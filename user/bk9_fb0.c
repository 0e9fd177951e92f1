/* user/bk9_fb0.c — /dev/fb0 at its edges: ioctls whose structure is half
 * readable, mmap offsets near 2^63 and 2^64, a mapping split by munmap
 * and mprotect and then forked. Only faultline has the device; on a host
 * without it the plan is "1..0 # SKIP". The rules are Linux's fbdev
 * (drivers/video/fbdev/core/fb_chrdev.c, mm/mmap.c), as docs/ipc.md
 * names them:
 *  - FBIOPUT_VSCREENINFO copies the mode back into the caller's structure,
 *    so from a read-only page it is EFAULT; FBIOPAN_DISPLAY reads its
 *    structure before it refuses (EFAULT, then EINVAL).
 *  - mmap: an offset that is not page-aligned is EINVAL; one whose last
 *    page would pass 2^64 is EOVERFLOW before the driver is asked
 *    (file_mmap_ok: a character device's offsets run to ULONG_MAX, which
 *    this host shows with /dev/zero at 2^63: mapped); below that, past the
 *    framebuffer, EINVAL (vm_iomap_memory), 2^63 included.
 *  - pieces of a split mapping keep their own offsets; a child forked
 *    from them shares the pixels.
 *  - device memory is not reached through another address space:
 *    process_vm_readv/writev of a mapping of it is EFAULT (pinning a
 *    VM_IO|VM_PFNMAP page fails), /proc/PID/mem EIO (no vm_ops->access).
 *    A MAP_PRIVATE mapping is the same area kind: a forced write through
 *    /proc/self/mem is EIO too, and even a page of it that our own store
 *    copied into RAM is refused to process_vm_readv (the whole area is).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "child.h"

#define PAGE 4096ul
/* <linux/fb.h>'s numbers and sizes (musl has no such header). */
#define FBIOGET_VSCREENINFO 0x4600
#define FBIOPUT_VSCREENINFO 0x4601
#define FBIOGET_FSCREENINFO 0x4602
#define FBIOPAN_DISPLAY 0x4606
#define VAR_SIZE 160 /* struct fb_var_screeninfo */
#define FIX_SIZE 80  /* struct fb_fix_screeninfo, smem_len at 24 */

static int fd;
static size_t len; /* the framebuffer in whole pages */
static char *ro;   /* a read-only page */

static long raw_mmap(size_t n, int prot, int flags, unsigned long off)
{
	return syscall(SYS_mmap, NULL, n, prot, flags, fd, off);
}

static void ioctl_cases(void)
{
	char var[VAR_SIZE];
	char *edge = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (edge == MAP_FAILED || munmap(edge + PAGE, PAGE) || ioctl(fd, FBIOGET_VSCREENINFO, var))
		bail("setup");
	SYSCALL_CASE(-1, EFAULT, "FBIOGET_VSCREENINFO into a read-only page -> EFAULT", SYS_ioctl, fd,
		     FBIOGET_VSCREENINFO, ro);
	SYSCALL_CASE(-1, EFAULT, "FBIOGET_FSCREENINFO 1 byte short of room -> EFAULT", SYS_ioctl, fd,
		     FBIOGET_FSCREENINFO, edge + PAGE - FIX_SIZE + 1);
	SYSCALL_CASE(0, 0, "FBIOGET_FSCREENINFO ending on the last byte -> 0", SYS_ioctl, fd,
		     FBIOGET_FSCREENINFO, edge + PAGE - FIX_SIZE);
	SYSCALL_CASE(-1, EFAULT, "FBIOPUT_VSCREENINFO from a read-only page (copied back) -> EFAULT",
		     SYS_ioctl, fd, FBIOPUT_VSCREENINFO, ro);
	memcpy(edge + PAGE - VAR_SIZE, var, VAR_SIZE);
	SYSCALL_CASE(0, 0, "FBIOPUT_VSCREENINFO ending on the last byte -> 0", SYS_ioctl, fd,
		     FBIOPUT_VSCREENINFO, edge + PAGE - VAR_SIZE);
	SYSCALL_CASE(-1, EFAULT, "FBIOPUT_VSCREENINFO 1 byte short of room -> EFAULT", SYS_ioctl, fd,
		     FBIOPUT_VSCREENINFO, edge + PAGE - VAR_SIZE + 1);
	SYSCALL_CASE(-1, EFAULT, "FBIOPAN_DISPLAY from NULL -> EFAULT (read before refused)", SYS_ioctl,
		     fd, FBIOPAN_DISPLAY, NULL);
	SYSCALL_CASE(-1, ENOTTY, "unknown request 0x46ff with a bad pointer -> ENOTTY", SYS_ioctl, fd,
		     0x46ff, NULL);
	SYSCALL_CASE(-1, ENOTTY, "TCGETS on fb0 -> ENOTTY", SYS_ioctl, fd, 0x5401, edge);
	munmap(edge, PAGE);
}

static void mmap_cases(void)
{
	int rw = PROT_READ | PROT_WRITE;

	SYSCALL_CASE(-1, EINVAL, "offset 1 -> EINVAL", SYS_mmap, NULL, PAGE, rw, MAP_SHARED, fd, 1);
	SYSCALL_CASE(-1, EINVAL, "length 0 -> EINVAL", SYS_mmap, NULL, 0, rw, MAP_SHARED, fd, 0);
	SYSCALL_CASE(-1, EINVAL, "offset = the framebuffer's length -> EINVAL", SYS_mmap, NULL, PAGE, rw,
		     MAP_SHARED, fd, len);
	SYSCALL_CASE(-1, EINVAL, "offset 2^62 -> EINVAL", SYS_mmap, NULL, PAGE, rw, MAP_SHARED, fd, 1ul << 62);
	SYSCALL_CASE(-1, EINVAL, "offset 2^63 -> EINVAL (a device's offsets are unsigned)", SYS_mmap,
		     NULL, PAGE, rw, MAP_SHARED, fd, 1ul << 63);
	SYSCALL_CASE(-1, EOVERFLOW, "offset 2^64 - 4096 -> EOVERFLOW", SYS_mmap, NULL, PAGE, rw,
		     MAP_SHARED, fd, -PAGE);
	SYSCALL_CASE(-1, EINVAL, "last page, 2 pages long -> EINVAL", SYS_mmap, NULL, 2 * PAGE, rw,
		     MAP_SHARED, fd, len - PAGE);
	long p = raw_mmap(PAGE, rw, MAP_SHARED, len - PAGE);
	tap_ok(p > 0, "the last page alone -> mapped");
	if (p > 0)
		munmap((void *)p, PAGE);
	p = raw_mmap(len + 1, rw, MAP_SHARED, 0);
	tap_ok(p < 0 && errno == EINVAL, "length one byte more than the framebuffer's pages -> EINVAL");
	p = raw_mmap(len - 1, rw, MAP_SHARED, 0);
	tap_ok(p > 0, "length one byte short of it -> mapped");
	if (p > 0)
		munmap((void *)p, len);
}

/* A child writes a word through the tail piece of a split mapping. */
static uint32_t *tail;

static int child_writes(void *unused)
{
	(void)unused;
	tail[1] = 0x00c0ffee;
	return 0;
}

static int child_touches(void *addr)
{
	return *(volatile char *)addr;
}

static void split_cases(void)
{
	char *m = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	uint32_t word;

	if (m == MAP_FAILED)
		bail("mmap fb0");
	tap_ok(munmap(m + PAGE, PAGE) == 0, "munmap the second page of a 4-page fb0 mapping");
	tap_ok(mprotect(m + 2 * PAGE, PAGE, PROT_NONE) == 0, "mprotect the third page PROT_NONE");
	tail = (uint32_t *)(m + 3 * PAGE);
	tail[0] = 0x00123456;
	tap_ok(pread(fd, &word, 4, 3 * PAGE) == 4 && word == 0x00123456,
	       "the fourth page still maps the framebuffer's fourth page");
	child_case(child_writes, NULL, EXITED(0), "a child writes through the fourth page");
	tap_eq(tail[1], 0x00c0ffee, "... we see its pixel");
	child_case(child_touches, m + 2 * PAGE, KILLED(SIGSEGV), "the PROT_NONE page -> SIGSEGV");
	child_case(child_touches, m + PAGE, KILLED(SIGSEGV), "the unmapped page -> SIGSEGV");
	m[0] = 1;
	tap_ok(mprotect(m, PAGE, PROT_READ) == 0 && mprotect(m, PAGE, PROT_READ | PROT_WRITE) == 0,
	       "mprotect the first page read-only and back");
	munmap(m, 4 * PAGE);

	int rofd = open("/dev/fb0", O_RDONLY);
	long p = syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_SHARED, rofd, 0);
	tap_ok(p > 0, "MAP_SHARED PROT_READ of an O_RDONLY fb0 -> mapped");
	SYSCALL_CASE(-1, EACCES, "... mprotect it writable -> EACCES", SYS_mprotect, p, PAGE,
		     PROT_READ | PROT_WRITE);
	close(rofd);
	munmap((void *)p, PAGE);
}

static void private_remote_cases(void)
{
	char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char buf[16] = "remote";
	struct iovec l = { buf, 16 }, r = { m, 16 };
	int mem = open("/proc/self/mem", O_RDWR);

	if (m == MAP_FAILED || mem < 0)
		bail("mmap fb0 private");
	SYSCALL_CASE(-1, EIO, "/proc/self/mem pwrite into a MAP_PRIVATE fb0 page -> EIO", SYS_pwrite64,
		     mem, buf, 16, (long)m + PAGE);
	m[0] = 9; /* our own store: a private RAM copy of page 0 */
	SYSCALL_CASE(-1, EFAULT, "process_vm_readv of that copied page -> EFAULT",
		     SYS_process_vm_readv, getpid(), &l, 1, &r, 1, 0);
	close(mem);
	munmap(m, 2 * PAGE);
}

static void remote_cases(void)
{
	char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char buf[16] = "remote";
	struct iovec l = { buf, 16 }, r = { m, 16 };

	if (m == MAP_FAILED)
		bail("mmap fb0");
	m[0] = 7;
	SYSCALL_CASE(-1, EFAULT, "process_vm_readv of our fb0 mapping -> EFAULT", SYS_process_vm_readv,
		     getpid(), &l, 1, &r, 1, 0);
	SYSCALL_CASE(-1, EFAULT, "process_vm_writev into it -> EFAULT", SYS_process_vm_writev, getpid(),
		     &l, 1, &r, 1, 0);
	int mem = open("/proc/self/mem", O_RDWR);
	SYSCALL_CASE(-1, EIO, "/proc/self/mem pread of it -> EIO", SYS_pread64, mem, buf, 16, (long)m);
	SYSCALL_CASE(-1, EIO, "/proc/self/mem pwrite into it -> EIO", SYS_pwrite64, mem, buf, 16, (long)m);
	tap_ok(m[0] == 7, "... the pixel is as we left it");
	close(mem);
	munmap(m, PAGE);
}

int main(void)
{
	char fix[FIX_SIZE];
	uint32_t smem_len;

	fd = open("/dev/fb0", O_RDWR);
	if (fd < 0 && (errno == ENOENT || errno == ENODEV)) {
		printf("1..0 # SKIP no /dev/fb0 (%s)\n", tap_errname(errno));
		return 0;
	}
	memset(fix, 0xa5, sizeof(fix));
	if (fd < 0 || ioctl(fd, FBIOGET_FSCREENINFO, fix))
		bail("/dev/fb0");
	/* The gaps the compiler leaves in Linux's layout (after ywrapstep, before
	 * mmio_start, at the end) are zero: Linux's copy comes from a zeroed fb_info. */
	tap_ok(!fix[46] && !fix[47] && !memcmp(fix + 52, "\0\0\0\0", 4) && !fix[78] && !fix[79],
	       "FBIOGET_FSCREENINFO: its padding is zero");
	memcpy(&smem_len, fix + 24, 4);
	len = (smem_len + PAGE - 1) & ~(PAGE - 1);
	ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ioctl_cases();
	mmap_cases();
	split_cases();
	private_remote_cases();
	remote_cases();
	return done_testing();
}

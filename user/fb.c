/* user/fb.c — /dev/fb0: the framebuffer as Linux's fbdev offers it.
 *
 * The two ioctls must fill <linux/fb.h>'s structures (the fields are read
 * through that header, so a layout that differs shows as wrong values, and
 * a guard after each structure must stay untouched); a bad pointer is
 * EFAULT, an unknown request ENOTTY. mmap of the whole framebuffer is drawn
 * and read back; a mapping that reaches past it is EINVAL (fb_mmap's
 * vm_iomap_memory). The pages are device memory, not RAM: MemFree does not
 * drop by the framebuffer's size when they are mapped and touched, nor
 * rise when they are unmapped; fork shares them (the child's pixel is seen
 * by the parent); MAP_PRIVATE copies a page on the first write and leaves
 * the screen alone. read and write copy the same bytes; the ioctls that
 * change modes answer as for a firmware framebuffer; madvise, mlock,
 * mprotect, mincore and a read-only descriptor answer as for VM_PFNMAP.
 *
 * Last, the whole screen is drawn with a pattern of (x, y) and a line
 * "# screendump: ..." says so; tests/run then takes a QEMU screendump and
 * compares every pixel while this program waits.
 *
 * Hosts seldom have /dev/fb0: when open says ENOENT or ENODEV (no driver),
 * the whole plan is skipped, "1..0 # SKIP". */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/fb.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "swap.h"

#define GUARD 0xa5
#define TABLE_SLACK_KB 64 /* page tables for the mapping may take a few frames */

static struct fb_var_screeninfo var;
static struct fb_fix_screeninfo fix;
static size_t map_len; /* smem_len in whole pages */
static int fb_fd;

/* Fill buf (size bytes) with the ioctl, checking a guard after it. */
static void get_info(int fd, unsigned long req, void *buf, size_t size, const char *name)
{
	unsigned char raw[256];
	memset(raw, GUARD, sizeof(raw));
	tap_try(ioctl(fd, req, raw), 0, 0, "%s succeeds", name);
	tap_ok(raw[size] == GUARD, "%s writes sizeof (%zu) bytes and no more", name, size);
	memcpy(buf, raw, size);
}

static void check_ioctls(int fd)
{
	get_info(fd, FBIOGET_FSCREENINFO, &fix, sizeof(fix), "FBIOGET_FSCREENINFO");
	get_info(fd, FBIOGET_VSCREENINFO, &var, sizeof(var), "FBIOGET_VSCREENINFO");
	tap_diag("%.16s: %ux%u, %u bpp, line %u bytes, %u bytes at %#lx", fix.id, var.xres, var.yres,
		 var.bits_per_pixel, fix.line_length, fix.smem_len, fix.smem_start);
	tap_ok(fix.id[0] != 0, "fix.id names the driver");
	tap_eq(fix.type, FB_TYPE_PACKED_PIXELS, "fix.type is FB_TYPE_PACKED_PIXELS");
	tap_eq(fix.visual, FB_VISUAL_TRUECOLOR, "fix.visual is FB_VISUAL_TRUECOLOR");
	tap_ok(var.xres > 0 && var.yres > 0 && var.xres_virtual >= var.xres, "var.xres, yres set");
	tap_ok(var.bits_per_pixel >= 16 && var.bits_per_pixel <= 32, "var.bits_per_pixel is 16..32");
	tap_ok(fix.line_length >= var.xres * (var.bits_per_pixel / 8), "fix.line_length holds a line");
	tap_ok(fix.smem_len >= fix.line_length * var.yres, "fix.smem_len holds every line");
	tap_ok(var.red.length && var.green.length && var.blue.length &&
	       var.red.offset + var.red.length <= var.bits_per_pixel, "colour bitfields are set");
	tap_try(ioctl(fd, FBIOGET_VSCREENINFO, (void *)1), -1, EFAULT, "FBIOGET_VSCREENINFO to a bad pointer is EFAULT");
	tap_try(ioctl(fd, FBIOGET_FSCREENINFO, NULL), -1, EFAULT, "FBIOGET_FSCREENINFO to NULL is EFAULT");
	tap_try(ioctl(fd, 0x46ff, 0), -1, ENOTTY, "an unknown request is ENOTTY");

	/* A firmware framebuffer cannot change mode: FBIOPUT_VSCREENINFO hands
	 * the mode it has back (fb_set_var without fb_check_var), and panning
	 * is EINVAL (no fb_pan_display). */
	struct fb_var_screeninfo want = var;
	want.xres = var.xres / 2;
	want.bits_per_pixel = 8;
	tap_try(ioctl(fd, FBIOPUT_VSCREENINFO, &want), 0, 0, "FBIOPUT_VSCREENINFO succeeds");
	tap_ok(memcmp(&want, &var, sizeof(var)) == 0, "... and gives back the mode there is");
	tap_try(ioctl(fd, FBIOPUT_VSCREENINFO, (void *)1), -1, EFAULT, "FBIOPUT_VSCREENINFO from a bad pointer is EFAULT");
	tap_try(ioctl(fd, FBIOPAN_DISPLAY, &var), -1, EINVAL, "FBIOPAN_DISPLAY is EINVAL");
}

static uint32_t colour(unsigned r, unsigned g, unsigned b)
{
	return (r & 255) >> (8 - var.red.length) << var.red.offset |
	       (g & 255) >> (8 - var.green.length) << var.green.offset |
	       (b & 255) >> (8 - var.blue.length) << var.blue.offset;
}

static void put(volatile uint8_t *fb, unsigned x, unsigned y, uint32_t c)
{
	volatile uint8_t *p = fb + (size_t)y * fix.line_length + x * (var.bits_per_pixel / 8);
	for (unsigned i = 0; i < var.bits_per_pixel / 8; i++)
		p[i] = (uint8_t)(c >> (8 * i));
}

static uint32_t get(volatile uint8_t *fb, unsigned x, unsigned y)
{
	volatile uint8_t *p = fb + (size_t)y * fix.line_length + x * (var.bits_per_pixel / 8);
	uint32_t c = 0;
	for (unsigned i = 0; i < var.bits_per_pixel / 8; i++)
		c |= (uint32_t)p[i] << (8 * i);
	return c;
}

/* The pattern tests/run checks in the screendump: keep them in step. */
static uint32_t pattern(unsigned x, unsigned y)
{
	return colour(x * 5 + y * 3, x ^ y, y * 7 + x);
}

static bool draw_and_check(volatile uint8_t *fb)
{
	for (unsigned y = 0; y < var.yres; y++)
		for (unsigned x = 0; x < var.xres; x++)
			put(fb, x, y, pattern(x, y));
	for (unsigned y = 0; y < var.yres; y++)
		for (unsigned x = 0; x < var.xres; x++)
			if (get(fb, x, y) != pattern(x, y))
				return false;
	return true;
}

/* mmap's result as a case: 0 for a mapping (unmapped again), -1 for none. */
static long try_map(size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fb_fd, off);
	if (p == MAP_FAILED)
		return -1;
	munmap(p, len);
	return 0;
}

static void check_bad_maps(void)
{
	tap_try(try_map(map_len + 4096, 0), -1, EINVAL,
	      "a mapping one page longer than the framebuffer is EINVAL");
	tap_try(try_map(4096, map_len), -1, EINVAL, "a mapping at the offset just past it is EINVAL");
	tap_try(try_map(8192, map_len - 4096), -1, EINVAL,
	      "a mapping of its last page and one more is EINVAL");
	tap_try(try_map(4096, map_len - 4096), 0, 0, "its last page alone maps");
}

static volatile uint8_t *child_fb;

static int child_draws(void *arg)
{
	put(child_fb, 1, 0, *(uint32_t *)arg);
	return 0;
}

static void check_sharing(int fd, volatile uint8_t *fb)
{
	uint32_t c = colour(0x12, 0x34, 0x56);
	uint32_t red = colour(0xff, 0, 0), green = colour(0, 0xff, 0);
	child_fb = fb;
	put(fb, 1, 0, 0);
	tap_eq(reap(spawn(child_draws, &c)), EXITED(0), "a child draws a pixel");
	tap_eq(get(fb, 1, 0), c, "... and the parent sees it: fork shares the frames");

	volatile uint8_t *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (priv == MAP_FAILED)
		bail("mmap MAP_PRIVATE");
	tap_eq(get(priv, 1, 0), c, "MAP_PRIVATE reads the framebuffer");
	put(fb, 2, 0, green);
	put(fb, 3, 0, green);
	put(priv, 2, 0, red);
	put(fb, 3, 0, c);
	tap_eq(get(fb, 2, 0), green, "a write through MAP_PRIVATE leaves the screen alone");
	tap_eq(get(priv, 3, 0), green, "... the page is a private copy from then on");
	munmap((void *)priv, 4096);

	tap_try(madvise((void *)fb, 4096, MADV_DONTNEED), -1, EINVAL, "MADV_DONTNEED on it is EINVAL (VM_PFNMAP)");
	unsigned char vec[2] = { 7, 7 };
	tap_try(mincore((void *)fb, 8192, vec), 0, 0, "mincore on it succeeds");
	tap_ok(vec[0] == 0 && vec[1] == 0, "... and calls its pages not resident (no page cache behind them)");
	tap_try(mlock((void *)fb, 4096), 0, 0, "mlock on it succeeds (and locks nothing)");
	tap_try(mprotect((void *)fb, 4096, PROT_READ), 0, 0, "mprotect works on it");
	tap_eq(get(fb, 1, 0), c, "... and the pixel still reads back");
	mprotect((void *)fb, 4096, PROT_READ | PROT_WRITE);
}

static void check_read_write(int fd, volatile uint8_t *fb)
{
	unsigned char buf[8], want[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	tap_try(pwrite(fd, want, 8, 64), 8, 0, "pwrite of 8 bytes");
	tap_ok(memcmp((void *)(fb + 64), want, 8) == 0, "... shows in the mapping");
	fb[72] = 9;
	tap_try(pread(fd, buf, 8, 65), 8, 0, "pread of 8 bytes");
	tap_ok(memcmp(buf, want + 1, 7) == 0 && buf[7] == 9, "... reads what the mapping holds");
	tap_try(pread(fd, buf, 8, fix.smem_len), 0, 0, "pread at the end reads 0 bytes");
	tap_try(pread(fd, buf, 8, fix.smem_len - 3), 3, 0, "pread across the end is short");
	tap_try(pwrite(fd, buf, 8, fix.smem_len + 1), -1, EFBIG, "pwrite past the end is EFBIG");
	tap_try(pwrite(fd, buf, 8, fix.smem_len - 4), 4, 0, "pwrite across the end is short");
	tap_try(pwrite(fd, buf, 8, fix.smem_len), -1, ENOSPC, "pwrite at the end is ENOSPC");
	tap_try(lseek(fd, 100, SEEK_SET), 100, 0, "lseek SEEK_SET moves the position");
	tap_try(read(fd, buf, 4), 4, 0, "read from it");
	tap_try(lseek(fd, 0, SEEK_CUR), 104, 0, "... and read moved the position");
	tap_try(lseek(fd, 5, SEEK_END), 5, 0, "lseek SEEK_END counts from 0 (a device node has no size)");

	int ro = open("/dev/fb0", O_RDONLY);
	tap_try(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED ? -1 : 0, -1, EACCES,
		"opened read-only: a shared writable mapping is EACCES");
	void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
	tap_try(mprotect(p, 4096, PROT_READ | PROT_WRITE), -1, EACCES, "... and so is mprotect making one writable");
	munmap(p, 4096);
	close(ro);
}

/* tests/run takes the screendump when it sees the line; the pattern stays
 * mapped (so the kernel console does not draw over it) for a while. */
static void show_pattern(volatile uint8_t *fb)
{
	tap_ok(draw_and_check(fb), "the whole screen is drawn and reads back");
	if (var.red.length == 8 && var.green.length == 8 && var.blue.length == 8)
		tap_diag("screendump: %ux%u pattern (x*5+y*3, x^y, y*7+x)", var.xres, var.yres);
	nanosleep(&(struct timespec){ .tv_sec = 3 }, NULL);
}

int main(void)
{
	int fd = fb_fd = open("/dev/fb0", O_RDWR);
	if (fd < 0 && (errno == ENOENT || errno == ENODEV)) {
		printf("1..0 # SKIP no /dev/fb0 (%s)\n", tap_errname(errno));
		return 0;
	}
	if (fd < 0)
		bail("open /dev/fb0");
	check_ioctls(fd);
	map_len = (fix.smem_len + (fix.smem_start & 4095) + 4095) & ~4095ul;
	check_bad_maps();

	long free_before = meminfo_kb("MemFree");
	volatile uint8_t *fb = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (fb == MAP_FAILED)
		bail("mmap /dev/fb0");
	fb += fix.smem_start & 4095;
	show_pattern(fb);
	long used = free_before - meminfo_kb("MemFree");
	tap_ok(used < TABLE_SLACK_KB, "mapping and touching it took no RAM (%ld KiB, page tables)", used);
	check_sharing(fd, fb);
	check_read_write(fd, fb);
	munmap((void *)((uintptr_t)fb & ~4095ul), map_len);
	long gained = meminfo_kb("MemFree") - free_before;
	tap_ok(gained < TABLE_SLACK_KB, "munmap freed no frames into RAM (MemFree %+ld KiB)", gained);
	close(fd);
	return done_testing();
}

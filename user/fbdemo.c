/* user/fbdemo.c — draws on the screen through /dev/fb0: a colour gradient
 * over the whole framebuffer and a line of text in a tiny built-in 5x7
 * font, written straight into the mapped memory. The kernel's console
 * stops drawing while the framebuffer is mapped, so the picture stays up
 * until the program unmaps it (by exiting).
 *
 *   fbdemo [SECONDS]   hold the picture that long (default: 5 s when stdin
 *                      is a terminal, as under `make run`; else no wait)
 *
 * Without a framebuffer (open gives ENOENT or ENODEV, as on most hosts) it
 * says so and exits 0: there is nothing to show. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define SCALE 6 /* screen pixels per font pixel */

static const char TEXT[] = "FAULTLINE /DEV/FB0";

/* 5x7 glyphs, one byte per row, bit 4 the leftmost column; only TEXT's letters. */
static const struct {
	char c;
	uint8_t rows[7];
} font[] = {
	{ 'A', { 0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11 } },
	{ 'B', { 0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e } },
	{ 'D', { 0x1e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1e } },
	{ 'E', { 0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f } },
	{ 'F', { 0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10 } },
	{ 'I', { 0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e } },
	{ 'L', { 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f } },
	{ 'N', { 0x11, 0x19, 0x15, 0x13, 0x11, 0x11, 0x11 } },
	{ 'T', { 0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04 } },
	{ 'U', { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e } },
	{ 'V', { 0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04 } },
	{ '0', { 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e } },
	{ '/', { 0x01, 0x02, 0x02, 0x04, 0x08, 0x08, 0x10 } },
};

static struct fb_var_screeninfo var;
static struct fb_fix_screeninfo fix;
static uint8_t *fb;

static const uint8_t *glyph(char c)
{
	for (size_t i = 0; i < sizeof(font) / sizeof(font[0]); i++)
		if (font[i].c == c)
			return font[i].rows;
	return NULL; /* a space */
}

/* An 8-bit intensity in the channel's place, whatever its width. */
static uint32_t channel(unsigned v, const struct fb_bitfield *f)
{
	return (v & 255) >> (8 - f->length) << f->offset;
}

static void put(unsigned x, unsigned y, unsigned r, unsigned g, unsigned b)
{
	uint32_t c = channel(r, &var.red) | channel(g, &var.green) | channel(b, &var.blue);
	uint8_t *p = fb + (size_t)y * fix.line_length + x * (var.bits_per_pixel / 8);
	for (unsigned i = 0; i < var.bits_per_pixel / 8; i++)
		p[i] = (uint8_t)(c >> (8 * i));
}

static void gradient(void)
{
	for (unsigned y = 0; y < var.yres; y++)
		for (unsigned x = 0; x < var.xres; x++)
			put(x, y, x * 255 / var.xres, y * 255 / var.yres, 128);
}

static void text(unsigned x0, unsigned y0)
{
	for (const char *s = TEXT; *s; s++, x0 += 6 * SCALE) {
		const uint8_t *rows = glyph(*s);
		for (unsigned gy = 0; rows && gy < 7 * SCALE; gy++)
			for (unsigned gx = 0; gx < 5 * SCALE; gx++)
				if (rows[gy / SCALE] & (0x10 >> gx / SCALE) && x0 + gx < var.xres &&
				    y0 + gy < var.yres)
					put(x0 + gx, y0 + gy, 255, 255, 255);
	}
}

int main(int argc, char **argv)
{
	int fd = open("/dev/fb0", O_RDWR);
	if (fd < 0 && (errno == ENOENT || errno == ENODEV)) {
		printf("fbdemo: no framebuffer (/dev/fb0: %s), nothing to draw\n", strerror(errno));
		return 0;
	}
	if (fd < 0 || ioctl(fd, FBIOGET_VSCREENINFO, &var) || ioctl(fd, FBIOGET_FSCREENINFO, &fix)) {
		perror("fbdemo: /dev/fb0");
		return 1;
	}
	size_t len = (fix.smem_len + (fix.smem_start & 4095) + 4095) & ~4095ul;
	void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("fbdemo: mmap");
		return 1;
	}
	fb = (uint8_t *)map + (fix.smem_start & 4095);
	gradient();
	text(var.xres / 2 - (sizeof(TEXT) - 1) * 3 * SCALE, var.yres / 2 - 7 * SCALE / 2);
	int hold = argc > 1 ? atoi(argv[1]) : isatty(0) ? 5 : 0;
	printf("fbdemo: %ux%u, %u bpp: gradient and text drawn, held for %d s\n", var.xres, var.yres,
	       var.bits_per_pixel, hold);
	fflush(stdout);
	nanosleep(&(struct timespec){ .tv_sec = hold }, NULL);
	munmap(map, len);
	close(fd);
	return 0;
}

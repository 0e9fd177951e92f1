/* kernel/drivers/fbdev.c — /dev/fb0, the framebuffer GRUB set up, offered to
 * user programs as Linux's fbdev offers a firmware framebuffer (efifb,
 * vesafb, simplefb): two ioctls describe it in Linux's structures, mmap
 * maps its memory (mm/pfnmap.c), read and write copy it.
 *
 * While any process has it mapped, the kernel's screen console stops
 * drawing (screen_pause); serial output goes on. It draws again when the
 * last mapping is gone (munmap, exit, or exec of every mapper). Reads and
 * writes do not pause it: like Linux, they are one-off copies. */
#include "kernel/drivers/fbdev.h"
#include "kernel/errno.h"
#include "kernel/fs/file.h"
#include "kernel/string.h"
#include "mm/kheap.h"
#include "mm/pfnmap.h"

/* <linux/fb.h> */
#define FBIOGET_VSCREENINFO 0x4600
#define FBIOPUT_VSCREENINFO 0x4601
#define FBIOGET_FSCREENINFO 0x4602
#define FBIOPAN_DISPLAY 0x4606
#define FB_TYPE_PACKED_PIXELS 0
#define FB_VISUAL_TRUECOLOR 2

struct fb_bitfield {
	u32 offset, length, msb_right;
};

struct fb_var_screeninfo {
	u32 xres, yres, xres_virtual, yres_virtual, xoffset, yoffset;
	u32 bits_per_pixel, grayscale;
	struct fb_bitfield red, green, blue, transp;
	u32 nonstd, activate;
	u32 height, width;  /* millimetres; ~0: unknown, as vesafb and efifb say */
	u32 accel_flags, pixclock, left_margin, right_margin, upper_margin, lower_margin;
	u32 hsync_len, vsync_len, sync, vmode, rotate, colorspace;
	u32 reserved[4];
};
_Static_assert(sizeof(struct fb_var_screeninfo) == 160, "Linux's struct fb_var_screeninfo");

struct fb_fix_screeninfo {
	char id[16];
	u64 smem_start;   /* physical address */
	u32 smem_len;     /* bytes */
	u32 type, type_aux, visual;
	u16 xpanstep, ypanstep, ywrapstep;
	u32 line_length;  /* bytes per scan line */
	u64 mmio_start;
	u32 mmio_len, accel;
	u16 capabilities, reserved[2];
};
_Static_assert(sizeof(struct fb_fix_screeninfo) == 80, "Linux's struct fb_fix_screeninfo");
_Static_assert(__builtin_offsetof(struct fb_fix_screeninfo, line_length) == 48, "padding as Linux's");

static struct {
	const struct fbinfo *fb;   /* NULL: no framebuffer to offer */
	u8 *screen;                /* the kernel's mapping of its first byte */
	u32 len;                   /* smem_len: every visible line, pitch * height */
	struct pfn_region mem;     /* the pages holding it, for mmap */
} fbd;

void fbdev_init(const struct fbinfo *fb)
{
	if (!fb->phys || fb->type != FB_TYPE_RGB || fb->bpp < 16 || fb->bpp > 32)
		return;
	fbd.len = fb->pitch * fb->height;
	fbd.screen = ioremap(fb->phys, fbd.len);
	fbd.mem = (struct pfn_region){
		.phys = ALIGN_DOWN(fb->phys, PAGE_SIZE),
		.size = ALIGN_UP(fb->phys % PAGE_SIZE + fbd.len, PAGE_SIZE),
		.kva = fbd.screen - fb->phys % PAGE_SIZE,
		.mapped = screen_pause,
	};
	fbd.fb = fb;
}

/* fb_open: no registered framebuffer is ENODEV. */
static int fb_open(struct file *f)
{
	(void)f;
	return fbd.fb ? 0 : -ENODEV;
}

static struct fb_bitfield field(u8 pos, u8 size)
{
	return (struct fb_bitfield){ .offset = pos, .length = size };
}

static void var_info(struct fb_var_screeninfo *v)
{
	const struct fbinfo *fb = fbd.fb;
	*v = (struct fb_var_screeninfo){
		.xres = fb->width, .yres = fb->height,
		.xres_virtual = fb->width, .yres_virtual = fb->height,
		.bits_per_pixel = fb->bpp,
		.red = field(fb->red_pos, fb->red_size),
		.green = field(fb->green_pos, fb->green_size),
		.blue = field(fb->blue_pos, fb->blue_size),
		.height = ~0u, .width = ~0u,
	};
}

/* The struct has gaps (after ywrapstep, before mmio_start, at its end)
 * that neither an initializer nor a struct assignment need clear: zeroed
 * whole, then filled field by field, as Linux's copy comes from a zeroed
 * fb_info, so no stale kernel stack reaches the caller. */
static void fix_info(struct fb_fix_screeninfo *x)
{
	memset(x, 0, sizeof(*x));
	memcpy(x->id, "faultlinefb", sizeof("faultlinefb"));
	x->smem_start = fbd.fb->phys;
	x->smem_len = (u32)fbd.len;
	x->type = FB_TYPE_PACKED_PIXELS;
	x->visual = FB_VISUAL_TRUECOLOR;
	x->line_length = fbd.fb->pitch;
}

/* FBIOGET_VSCREENINFO and FBIOGET_FSCREENINFO describe the framebuffer.
 * Its mode is the firmware's and cannot change: FBIOPUT_VSCREENINFO hands
 * the current one back whatever was asked (fb_set_var for a driver without
 * fb_check_var, as efifb and vesafb), FBIOPAN_DISPLAY is -EINVAL (no
 * fb_pan_display). A bad pointer is -EFAULT; any other request -ENOTTY, as
 * for an fbdev driver without an ioctl of its own. */
static long fb_ioctl(UNUSED struct file *f, u32 cmd, u64 arg)
{
	union {
		struct fb_var_screeninfo var;
		struct fb_fix_screeninfo fix;
	} u;
	size_t size = sizeof(u.var);
	if (cmd == FBIOPUT_VSCREENINFO || cmd == FBIOPAN_DISPLAY) {
		if (copy_from_user(&u.var, uptr(arg), sizeof(u.var)))
			return -EFAULT;
		if (cmd == FBIOPAN_DISPLAY)
			return -EINVAL;
	}
	if (cmd == FBIOGET_VSCREENINFO || cmd == FBIOPUT_VSCREENINFO) {
		var_info(&u.var);
	} else if (cmd == FBIOGET_FSCREENINFO) {
		fix_info(&u.fix);
		size = sizeof(u.fix);
	} else {
		return -ENOTTY;
	}
	return copy_to_user(uptr(arg), &u, size) ? -EFAULT : 0;
}

/* fb_read: from *pos up to smem_len; at or past the end, 0 (end of file).
 * Copied a page at a time; a chunk that faults counts for nothing, the
 * chunks before it do (-EFAULT if none did). */
static long fb_read(UNUSED struct file *f, struct uio *u, u64 *pos)
{
	if (*pos >= fbd.len)
		return 0;
	size_t want = MIN(u->resid, fbd.len - *pos), done = 0;
	while (done < want) {
		size_t c = MIN(want - done, PAGE_SIZE);
		if (uio_copy_out(u, fbd.screen + *pos, c) != c)
			break;
		*pos += c;
		done += c;
	}
	return uio_result(u, done);
}

/* fb_write: a start past smem_len is -EFBIG; a count longer than the whole
 * framebuffer writes what fits, then says -EFBIG if nothing was written,
 * and one that runs past the end -ENOSPC. Page-sized chunks, staged in a
 * kernel buffer: a chunk that faults is not written at all. */
static long fb_write(UNUSED struct file *f, struct uio *u, u64 *pos)
{
	if (*pos > fbd.len)
		return -EFBIG;
	long err = u->resid > fbd.len ? -EFBIG : u->resid > fbd.len - *pos ? -ENOSPC : 0;
	size_t want = MIN(u->resid, fbd.len - *pos), done = 0;
	u8 *buf = want ? kmalloc(PAGE_SIZE) : NULL;
	if (want && !buf)
		return -ENOMEM;
	while (done < want) {
		size_t c = MIN(want - done, PAGE_SIZE);
		if (uio_copy_in(u, buf, c) != c) {
			err = -EFAULT;
			break;
		}
		memcpy(fbd.screen + *pos, buf, c);
		*pos += c;
		done += c;
	}
	kfree(buf);
	return done ? (long)done : err;
}

/* fb_mmap: the framebuffer's pages from offset off (Linux's vm_iomap_memory:
 * past them, -EINVAL). Shared or private, as Linux's fbdev allows both. */
static int fb_mmap(UNUSED struct file *f, struct mm *mm, u64 addr, u64 len, u32 prot, bool shared,
		   u64 off)
{
	return pfn_map(mm, addr, len, prot, shared, &fbd.mem, off);
}

const struct devops fbdev_ops = {
	.read = fb_read, .write = fb_write, .ioctl = fb_ioctl,
	.seekable = true, .positional = true, .sized = true,
	.open = fb_open, .mmap = fb_mmap,
};

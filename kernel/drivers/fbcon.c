/* kernel/drivers/fbcon.c — paints text cells on the linear framebuffer GRUB sets up
 * on machines (UEFI especially) that have no text mode. Glyphs come from
 * font.c; the pixel layout comes from the Multiboot2 colour fields, because
 * firmware is free to pick any direct-RGB format. The text keeps a margin
 * from the edges, since monitors (and TVs especially) overscan: they crop
 * a few pixels off every side of the picture.
 *
 * Writing is cheap and painting is not, so the two are apart: putc and
 * scroll only change a grid of characters in RAM, and fbcon_flush() paints
 * the cells that differ from what the screen shows. Scrolling by copying
 * the framebuffer would read it back (slow on real hardware, where it is
 * write-combined, and it cost a 3 MiB copy per line under QEMU: two thirds
 * of the CPU time of a test that prints 400 lines). Painting at most
 * FLUSH_TICKS apart turns a burst of lines into one repaint. */
#include "kernel/drivers/fbcon.h"
#include "arch/pit.h"
#include "kernel/drivers/font.h"
#include "kernel/string.h"
#include "mm/kheap.h"
#include "mm/vm.h"

#define FLUSH_TICKS 4 /* 40 ms: quicker than the eye, slower than a burst of output */

static struct {
	u8 *base;
	u32 pitch, bytespp, rows, cols;
	u32 x, y;        /* pixel of the top left cell's corner: the margin */
	u32 fg;          /* light grey; the background is 0, black in every RGB layout */
	u8 *want, *shown; /* rows x cols characters: written, and on the screen */
	bool dirty;      /* want differs from shown somewhere */
	bool stale;      /* the pixels are not what shown says: paint every cell */
	u64 painted_at;  /* ticks() of the last flush */
} fbc;

/* Scale an 8-bit intensity to a channel of any width at any bit position. */
static u32 channel(u8 v, u8 pos, u8 size)
{
	u32 c = size >= 8 ? (u32)v << (size - 8) : (u32)v >> (8 - size);
	return c << pos;
}

static u32 rgb(const struct fbinfo *fb, u8 r, u8 g, u8 b)
{
	return channel(r, fb->red_pos, fb->red_size) | channel(g, fb->green_pos, fb->green_size) |
	       channel(b, fb->blue_pos, fb->blue_size);
}

/* The text area: as many cells as fit inside the margin, centred, so the
 * leftover pixels of a width that is no multiple of 8 split both ways. */
static void place(const struct fbinfo *fb, u32 margin)
{
	if (fb->width < 2 * margin + FONT_WIDTH || fb->height < 2 * margin + FONT_HEIGHT)
		margin = 0;
	fbc.cols = (fb->width - 2 * margin) / FONT_WIDTH;
	fbc.rows = (fb->height - 2 * margin) / FONT_HEIGHT;
	fbc.x = (fb->width - fbc.cols * FONT_WIDTH) / 2;
	fbc.y = (fb->height - fbc.rows * FONT_HEIGHT) / 2;
}

bool fbcon_init(const struct fbinfo *fb, u32 margin, u32 *cols, u32 *rows)
{
	u32 bytespp = (fb->bpp + 7) / 8;
	u64 size = (u64)fb->pitch * fb->height;
	if (bytespp < 2 || bytespp > 4 || fb->pitch < fb->width * bytespp ||
	    fb->width < FONT_WIDTH || fb->height < FONT_HEIGHT)
		return false;
	fbc.base = ioremap(fb->phys, size);
	if (!fbc.base)
		return false;
	fbc.pitch = fb->pitch;
	fbc.bytespp = bytespp;
	place(fb, margin);
	fbc.fg = rgb(fb, 0xaa, 0xaa, 0xaa);
	fbc.want = kmalloc(fbc.rows * fbc.cols);
	fbc.shown = kmalloc(fbc.rows * fbc.cols);
	if (!fbc.want || !fbc.shown)
		return false;
	memset(fbc.want, ' ', fbc.rows * fbc.cols);
	memset(fbc.shown, ' ', fbc.rows * fbc.cols);
	memset(fbc.base, 0, size); /* all blank cells, as shown says, and a black margin */
	*cols = fbc.cols;
	*rows = fbc.rows;
	return true;
}

void fbcon_origin(u32 *x, u32 *y)
{
	*x = fbc.x;
	*y = fbc.y;
}

u64 fbcon_cell_offset(u32 col, u32 row)
{
	return (u64)(fbc.y + row * FONT_HEIGHT) * fbc.pitch + (u64)(fbc.x + col * FONT_WIDTH) * fbc.bytespp;
}

static void put_pixel(u8 *p, u32 colour)
{
	switch (fbc.bytespp) {
	case 4:
		*(u32 *)p = colour;
		break;
	case 3: /* no 24-bit type: three byte stores, little-endian like the others */
		p[0] = (u8)colour;
		p[1] = (u8)(colour >> 8);
		p[2] = (u8)(colour >> 16);
		break;
	default:
		*(u16 *)p = (u16)colour;
	}
}

static void paint(u32 col, u32 row, unsigned char c)
{
	const u8 *glyph = font_glyph(c);
	u8 *line = fbc.base + fbcon_cell_offset(col, row);
	for (int y = 0; y < FONT_HEIGHT; y++, line += fbc.pitch)
		for (int x = 0; x < FONT_WIDTH; x++)
			put_pixel(line + x * fbc.bytespp, glyph[y] & (0x80 >> x) ? fbc.fg : 0);
}

void fbcon_putc(u32 col, u32 row, unsigned char c)
{
	fbc.want[row * fbc.cols + col] = c;
	fbc.dirty = true;
}

void fbcon_scroll(void)
{
	u32 last = (fbc.rows - 1) * fbc.cols;
	memmove(fbc.want, fbc.want + fbc.cols, last);
	memset(fbc.want + last, ' ', fbc.cols);
	fbc.dirty = true;
}

void fbcon_flush(bool now)
{
	if (!fbc.dirty || (!now && ticks() - fbc.painted_at < FLUSH_TICKS))
		return;
	for (u32 i = 0; i < fbc.rows * fbc.cols; i++) {
		if (fbc.stale || fbc.want[i] != fbc.shown[i]) {
			paint(i % fbc.cols, i / fbc.cols, fbc.want[i]);
			fbc.shown[i] = fbc.want[i];
		}
	}
	fbc.dirty = fbc.stale = false;
	fbc.painted_at = ticks();
}

void fbcon_repaint(void)
{
	fbc.stale = fbc.dirty = true;
}

/* kernel/drivers/fbcon.c — paints text cells on the linear framebuffer GRUB sets up
 * on machines (UEFI especially) that have no text mode. Glyphs come from
 * font.c; the pixel layout comes from the Multiboot2 colour fields, because
 * firmware is free to pick any direct-RGB format. */
#include "kernel/drivers/fbcon.h"
#include "kernel/drivers/font.h"
#include "kernel/string.h"
#include "mm/vm.h"

static struct {
	u8 *base;
	u32 pitch, bytespp, rows;
	u32 fg; /* light grey; the background is 0, black in every RGB layout */
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

bool fbcon_init(const struct fbinfo *fb, u32 *cols, u32 *rows)
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
	fbc.rows = fb->height / FONT_HEIGHT;
	fbc.fg = rgb(fb, 0xaa, 0xaa, 0xaa);
	memset(fbc.base, 0, size);
	*cols = fb->width / FONT_WIDTH;
	*rows = fbc.rows;
	return true;
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

void fbcon_putc(u32 col, u32 row, unsigned char c)
{
	const u8 *glyph = font_glyph(c);
	u8 *line = fbc.base + (u64)row * FONT_HEIGHT * fbc.pitch + (u64)col * FONT_WIDTH * fbc.bytespp;
	for (int y = 0; y < FONT_HEIGHT; y++, line += fbc.pitch)
		for (int x = 0; x < FONT_WIDTH; x++)
			put_pixel(line + x * fbc.bytespp, glyph[y] & (0x80 >> x) ? fbc.fg : 0);
}

void fbcon_scroll(void)
{
	u64 text_row = (u64)fbc.pitch * FONT_HEIGHT;
	memmove(fbc.base, fbc.base + text_row, text_row * (fbc.rows - 1));
	memset(fbc.base + text_row * (fbc.rows - 1), 0, text_row);
}

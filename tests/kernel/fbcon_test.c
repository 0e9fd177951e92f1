/* tests/kernel/fbcon_test.c — the framebuffer console paints in batches
 * (kernel/drivers/fbcon.c): what was written reaches the pixels at the
 * next flush, scrolled the way the text was, and not before. */
#include "kernel/bootinfo.h"
#include "kernel/drivers/fbcon.h"
#include "kernel/drivers/font.h"
#include "kernel/drivers/screen.h"
#include "kernel/ktest.h"
#include "mm/vm.h"

/* Does the cell at (col, row) show glyph c? Lit pixels are those not 0. */
static bool cell_shows(const u8 *fb, u32 col, u32 row, unsigned char c)
{
	const struct fbinfo *f = &bootinfo.fb;
	u32 bytespp = (f->bpp + 7) / 8;
	const u8 *glyph = font_glyph(c);
	for (u32 y = 0; y < FONT_HEIGHT; y++) {
		const u8 *line = fb + fbcon_cell_offset(col, row) + (u64)y * f->pitch;
		for (u32 x = 0; x < FONT_WIDTH; x++) {
			bool lit = false;
			for (u32 b = 0; b < bytespp; b++)
				lit |= line[x * bytespp + b] != 0;
			if (lit != !!(glyph[y] & (0x80 >> x)))
				return false;
		}
	}
	return true;
}

/* Is any pixel of the first n rows lit? The margin must stay black. */
static bool lit_above(const u8 *fb, u32 n)
{
	const struct fbinfo *f = &bootinfo.fb;
	for (u64 i = 0; i < (u64)n * f->pitch; i++)
		if (fb[i])
			return true;
	return false;
}

KTEST(fbcon_paints_at_flush_what_was_written)
{
	const struct fbinfo *f = &bootinfo.fb;
	KEXPECT_EQ(f->type, FB_TYPE_RGB); /* GRUB gives the test machine a framebuffer */
	if (f->type != FB_TYPE_RGB)
		return;
	const u8 *fb = ioremap(f->phys, (u64)f->pitch * f->height);
	u32 x0, y0;
	fbcon_origin(&x0, &y0);
	u32 rows = (f->height - 2 * y0) / FONT_HEIGHT;
	KEXPECT(x0 >= 16 && y0 >= 16); /* the default margin for overscan, blank */
	KEXPECT(!lit_above(fb, y0));
	screen_flush(true);
	for (u32 i = 0; i < rows; i++) /* the cursor ends on the bottom row, at its start */
		screen_write("\n", 1);
	screen_write("QW\nZ", 4);      /* one more scroll: QW moves up a row */
	KEXPECT(!cell_shows(fb, 0, rows - 1, 'Z')); /* written, not painted yet */
	screen_flush(true);
	KEXPECT(cell_shows(fb, 0, rows - 2, 'Q'));
	KEXPECT(cell_shows(fb, 1, rows - 2, 'W'));
	KEXPECT(cell_shows(fb, 0, rows - 1, 'Z'));
	KEXPECT(cell_shows(fb, 1, rows - 1, ' '));
	screen_write("\n", 1);
}

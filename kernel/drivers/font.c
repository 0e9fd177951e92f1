/* kernel/drivers/font.c — picks a glyph for a byte. The glyphs themselves are
 * generated (build/font.c, by tools/mkfont from a PSF console font) so that
 * the letters come from a well-kept font rather than being drawn here. */
#include "kernel/drivers/font.h"

const u8 *font_glyph(unsigned char c)
{
	return c >= FONT_FIRST && c <= FONT_LAST ? font_ascii[c - FONT_FIRST] : font_replacement;
}

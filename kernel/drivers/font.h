/* kernel/drivers/font.h — the bitmap font the framebuffer console draws with,
 * since a linear framebuffer, unlike EGA text mode, has no font of its own.
 * The glyphs are Terminus 8x16 from Debian's console-setup-linux package,
 * converted at build time by tools/mkfont into build/font.c. */
#pragma once
#include "kernel/types.h"

#define FONT_WIDTH 8
#define FONT_HEIGHT 16

/* FONT_HEIGHT bytes, top row first; bit 7 is the leftmost pixel. Bytes outside
 * printable ASCII get the font's replacement character. */
const u8 *font_glyph(unsigned char c);

/* The generated table (build/font.c) and what font_glyph() picks from it. */
#define FONT_FIRST ' '
#define FONT_LAST '~'
extern const u8 font_ascii[FONT_LAST - FONT_FIRST + 1][FONT_HEIGHT];
extern const u8 font_replacement[FONT_HEIGHT];

/* kernel/drivers/font.h — the built-in bitmap font the framebuffer console draws with,
 * since a linear framebuffer, unlike EGA text mode, has no font of its own. */
#pragma once
#include "kernel/types.h"

#define FONT_WIDTH 8
#define FONT_HEIGHT 16

/* FONT_HEIGHT bytes, top row first; bit 7 is the leftmost pixel. Bytes outside
 * printable ASCII get a box glyph. */
const u8 *font_glyph(unsigned char c);

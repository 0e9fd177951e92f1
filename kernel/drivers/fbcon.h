/* kernel/drivers/fbcon.h — text cells on a direct-RGB linear framebuffer, for
 * screen.c; it keeps the cursor, this back end only paints cells. */
#pragma once
#include "kernel/drivers/screen.h"

bool fbcon_init(const struct fbinfo *fb, u32 *cols, u32 *rows); /* false: unusable format */
void fbcon_putc(u32 col, u32 row, unsigned char c);
void fbcon_scroll(void); /* up one text row, bottom row cleared */
/* Paint what putc and scroll changed: at once (now), or only if the last
 * paint is FLUSH_TICKS old (the timer tick asks). */
void fbcon_flush(bool now);
void fbcon_repaint(void); /* someone else drew on the pixels: the next flush paints all */

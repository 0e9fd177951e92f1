/* kernel/drivers/fbcon.h — text cells on a direct-RGB linear framebuffer, for
 * screen.c; it keeps the cursor, this back end only paints cells. */
#pragma once
#include "kernel/drivers/screen.h"

/* margin: pixels kept blank on every side (dropped if the screen is too
 * small for it). False: unusable format. */
bool fbcon_init(const struct fbinfo *fb, u32 margin, u32 *cols, u32 *rows);
void fbcon_origin(u32 *x, u32 *y);           /* pixel of cell (0, 0)'s top left corner */
u64 fbcon_cell_offset(u32 col, u32 row);     /* byte offset of a cell's top left pixel */
void fbcon_putc(u32 col, u32 row, unsigned char c);
void fbcon_scroll(void); /* up one text row, bottom row cleared */
/* Paint what putc and scroll changed: at once (now), or only if the last
 * paint is FLUSH_TICKS old (the timer tick asks). */
void fbcon_flush(bool now);
void fbcon_repaint(void); /* someone else drew on the pixels: the next flush paints all */
